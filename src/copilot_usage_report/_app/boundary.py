"""The error boundary: however a command ends, one report and one exit code, never a traceback.

``run_guarded`` wraps a command (``cli.main`` gives it one). Our errors print
one line (an ``::error::`` annotation inside Actions, with the ``error`` and
``error-type`` outputs and the summary's what-to-do) and exit 1, or 2 for bad
input; SIGINT exits 130 and SIGTERM 143 within two seconds (``stop``); a stdout whose
reader left (``| head``) ends the run with one line and exit 1; anything
else is a bug, reported in the same one-line shape as an ``InternalError``, its
message scrubbed, its traceback shown only with ``--debug`` or ``RUNNER_DEBUG=1``.
Each run is reported once, by whoever claims it first (``Stopper.claim``): the
command's own handler, or the stop's watchdog when a download is blocked.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

from .._errors import CopilotUsageReportError, Interrupted, scrub, visible
from .stop import Stopper

__all__ = ["fail", "run_guarded", "warn"]

PROG = "copilot-usage-report"


def run_guarded(
    command: Callable[[Stopper], int], *, debug: bool = False, signals: bool = True
) -> int:
    """Run ``command`` inside a ``Stopper``; every way it can end becomes one report and a code."""
    stopper = Stopper(_abandon, _report_stop, signals=signals)
    try:
        with stopper:
            return _guarded(command, stopper, debug=debug)
    except (Interrupted, CopilotUsageReportError) as late:
        # A stop that arrived while the run was already being reported (or ending): it is
        # told once, by whoever claims it first, and sets the exit code.
        if stopper.claim():
            _report_stop(late)
        return late.exit_code


def _guarded(command: Callable[[Stopper], int], stopper: Stopper, *, debug: bool) -> int:
    """Run the command; every way it can end becomes one report and an exit code."""
    try:
        code = command(stopper)
        sys.stdout.flush()  # here, where a reader that left is seen, not at the interpreter's exit
        return code
    except CopilotUsageReportError as error:
        if stopper.claim():
            fail(error)
        return error.exit_code
    except Interrupted as stop:
        if stopper.claim():
            _report_stop(stop)
        return stop.exit_code
    except KeyboardInterrupt:  # a SIGINT before our handler was in place
        print(f"{PROG}: interrupted; no partial file was left behind.", file=sys.stderr)
        return 130
    except Exception as bug:  # the last resort: a bug, still one scrubbed line
        if isinstance(bug, BrokenPipeError) and _stdout_gone():
            # The reader of stdout left (``| head``): no bug, and nothing more to write there.
            if stopper.claim():
                print(
                    f"{PROG}: stdout was closed before the output ended (a | head?); the rest "
                    "of it was not written.",
                    file=sys.stderr,
                )
            return 1
        if stopper.claim():
            if debug:
                _print_traceback(bug)
            fail(_internal(bug, debug=debug))
        return 1


def _stdout_gone() -> bool:
    """True when stdout is a pipe nobody reads any more; it then points at the null device,
    so that the interpreter's last flush of it fails no more (POSIX; elsewhere False)."""
    import os
    import select

    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        gone = any(events & select.POLLERR for _, events in poll.poll(0))
        if gone:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
        return gone
    except (AttributeError, OSError, ValueError):
        return False


def _report_stop(stop: BaseException) -> None:
    """How a stop is told: a signal as one line on stderr, the deadline as an error."""
    if isinstance(stop, CopilotUsageReportError):
        fail(stop)
    elif isinstance(stop, Interrupted):
        print(
            f"{PROG}: stopped by {stop.name}; no partial file was left behind.",
            file=sys.stderr,
            flush=True,
        )


def _abandon() -> None:
    """Remove the temporary files of downloads still blocked (the stop's grace period ended)."""
    if "copilot_usage_report._transfer.download" in sys.modules:
        from .._transfer import abandon

        abandon()


def _internal(bug: BaseException, *, debug: bool) -> CopilotUsageReportError:
    """A bug, in the shape of our errors: one line, scrubbed, bounded."""
    from .._errors import InternalError

    text = " ".join(scrub(str(bug)).split())[:300]
    where = "" if debug else " Rerun with --debug for details."
    return InternalError(
        f"unexpected {type(bug).__name__}{': ' + text if text else ''}; this is a bug in "
        f"{PROG}.{where}"
    )


def _print_traceback(bug: BaseException) -> None:
    """The traceback on stderr, every line scrubbed (``--debug`` only)."""
    import traceback

    for chunk in traceback.format_exception(bug):
        for line in chunk.splitlines():
            print(scrub(line), file=sys.stderr)


def fail(error: CopilotUsageReportError) -> None:
    """Print one line for the log, and the longer what-to-do in the job summary.

    Never raises: the line is printed first, and a workflow file that cannot be
    written (a full disk) costs only that file.
    """
    from .spelling import spell
    from .workflow import in_actions, write_summary

    # In the reader's words: "--day latest" at a terminal, "day: latest" in Actions.
    error.args = (spell(error.message, actions=in_actions()),)
    error.hint = spell(error.hint, actions=in_actions())
    if not in_actions():
        print(f"{PROG}: error: {scrub(error.message)}", file=sys.stderr)
        return
    from .._render import render_error
    from .workflow import annotate_error, error_outputs, write_outputs

    annotate_error(error)
    with contextlib.suppress(Exception):  # the annotation already said it all
        write_outputs(error_outputs(error))
    with contextlib.suppress(Exception):
        write_summary(render_error(error))


def warn(message: str, *, title: str) -> None:
    """A warning: an annotation inside Actions, one line on stderr elsewhere."""
    from .spelling import spell
    from .workflow import annotate_warning, in_actions

    message = spell(message, actions=in_actions())
    if in_actions():
        annotate_warning(message, title=title)
    else:
        print(f"{PROG}: warning: {visible(scrub(' '.join(message.split())))}", file=sys.stderr)
