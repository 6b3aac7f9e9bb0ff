"""The command line: argv and environment in, one exit code out.

``main`` is the one boundary where errors become exit codes, through
``boundary.run_guarded``: our errors print one line and exit 1, or 2 for bad
input; SIGINT exits 130 and SIGTERM 143 within two seconds (``stop``); a bug is
one scrubbed ``InternalError`` line, its traceback only with ``--debug`` or
``RUNNER_DEBUG=1``. Heavy imports happen inside the commands, so ``--version``
and ``--help`` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .._errors import scrub, visible
from .parser import PROG, package_version, raw_inputs

# Tests import these from here.
from .parser import _lifetime as _lifetime
from .parser import build_parser as build_parser

if TYPE_CHECKING:
    from .._core import Settings
    from .._metrics import Insight
    from .._pipeline import FetchResult, RunResult
    from .stop import Stopper

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Never raises, never prints a traceback
    unless ``--debug`` or ``RUNNER_DEBUG=1`` asks for it (see ``boundary``)."""
    from .streams import guarded

    # Every text printed from here on is data (``streams``): a control character a name or a
    # server's text holds is shown as an escape, and no line it breaks starts a workflow command.
    with guarded():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    import os

    from .boundary import run_guarded
    from .kinds import install_kinds

    install_kinds()  # a plug-in's kinds, before --report and --help list them (tests only)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command in ("fetch", "demo"):
        from .._core import prepare_tls_context

        prepare_tls_context()  # on a thread, while the rest of the fetch path imports
    return run_guarded(
        lambda stopper: _dispatch(args, stopper),
        debug=bool(getattr(args, "debug", False)) or os.environ.get("RUNNER_DEBUG") == "1",
        # serve-demo serves until interrupted: Ctrl-C is its normal end, not a stop to report.
        signals=args.command != "serve-demo",
    )


def _dispatch(args: argparse.Namespace, stopper: Stopper) -> int:
    """Run one subcommand; errors go up to ``main``."""
    _configure_retries()
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args, report=_report)
    if args.command == "summarize":
        return _summarize(args)
    if args.command == "history":
        return _history(args)
    if args.command == "warehouse":
        return _warehouse(args)
    if args.command == "publish-history":
        from .publish_history import run_publish_history

        return run_publish_history(args, given=raw_inputs(args, "publish-history"))
    if args.command == "serve-demo":
        from .serve_demo import serve_demo

        return serve_demo(args)
    settings = _settings(args)
    from .workflow import mask

    # Before anything else is printed or sent: the runner hides the token from here on,
    # and every message scrubs it whatever a server echoes.
    mask(settings.token)
    stopper.deadline(settings.deadline)
    result = _run(settings)
    _report(result, as_json=args.json, settings=settings)
    return 0


def _configure_retries() -> None:
    import stamina

    from .._core import testing_mode

    # Our backoff hook logs each retry in words; stamina's own log lines would only add noise.
    stamina.instrumentation.set_on_retry_hooks([])
    if testing_mode():
        stamina.set_testing(True, attempts=100, cap=True)


def _settings(args: argparse.Namespace, *, default_output_dir: str | None = None) -> Settings:
    from .._core import DEFAULT_OUTPUT_DIR, RawInputs, build_settings

    raw = RawInputs(**raw_inputs(args, "fetch"))
    return build_settings(
        raw,
        today=datetime.now(UTC).date(),
        default_output_dir=default_output_dir or DEFAULT_OUTPUT_DIR,
    )


def _run(settings: Settings) -> RunResult:
    """Run the pipeline with the real clients (``session``), progress as the reader sees it."""
    from .progress import Progress
    from .session import run_fetch
    from .workflow import in_actions

    return run_fetch(
        settings,
        progress=Progress.detect(in_actions=in_actions()),
        user_agent=f"{PROG}/{package_version()}",
        tool=f"{PROG} {package_version()}",
        created=settings.output_dir if settings.created_output_dir else None,
        on_failure=_report_partial,
    )


def _report_partial(result: RunResult) -> None:
    """A failed run's saved days: the outputs that let the action upload them anyway."""
    from .workflow import outputs_of, write_outputs

    write_outputs(outputs_of(result))


def _report(
    result: RunResult, *, as_json: bool, settings: Settings | None = None
) -> Insight | None:
    """Tell the runner (outputs, summary) and the person (a short text, or JSON).

    Returns the usage numbers of the saved files, or ``None`` when they could
    not be read (a warning says why; the files stay archived either way).
    """
    from .._render import human_bytes, render_result
    from .workflow import mask_links, outputs_of, write_outputs, write_summary

    insight, tables = _usage(result, "ndjson" if settings is None else settings.report_format)
    outputs = outputs_of(result, insight, write_metrics_file(result, insight))
    mask_links(result.download_links)
    write_outputs(outputs)
    if settings is None or settings.job_summary:
        shown = settings is not None and settings.show_repositories
        pool = None if settings is None else settings.credit_pool
        write_summary(render_result(result, insight, show_repositories=shown, credit_pool=pool))
    if as_json:
        # The links' signatures stay in the outputs file; what is printed holds none.
        print(scrub(json.dumps(outputs, indent=2)))
        return insight
    if len(result.reports) > _DETAILED_REPORTS:
        _print_per_kind(result)
    for report in result.reports if len(result.reports) <= _DETAILED_REPORTS else ():
        reused = sum(1 for f in report.files if f.reused)
        kept = f" ({reused} kept from an earlier run)" if reused else ""
        print(
            f"Saved {len(report.files)} file(s){kept}, {human_bytes(report.total_bytes)}, of "
            f"the {report.report} report for {report.org} on {report.report_day} in "
            f"{visible(str(report.folder))}"
        )
        for f in report.files:
            print(f"  {visible(str(f.path))}  {human_bytes(f.size)}  sha256:{f.sha256[:16]}…")
    from .._render import missing_runs

    for run in missing_runs(result.missing):
        line = run.describe()
        print(f"{line[0].upper()}{line[1:]}.")
    if tables:
        print(f"Wrote {len(tables)} CSV table(s) beside the files.")
    return insight


def write_metrics_file(result: RunResult, insight: Insight | None) -> str:
    """Write the whole metrics (``summarize --json`` of the files) to ``runs/<run>/metrics.json``
    beside the run's index; returns its path ('' without an index or metrics)."""
    if insight is None or result.index is None:
        return ""
    from .._archive import atomic_write

    path = result.index.parent / "metrics.json"
    data = insight.metrics()
    data.update(result.sections())  # each kind's numbers under its key
    atomic_write(path, (json.dumps(data, indent=2) + "\n").encode())
    return str(path)


#: Up to this many reports, each is listed with its files; beyond, one line per report kind.
_DETAILED_REPORTS = 4


def _print_per_kind(result: RunResult) -> None:
    """One line per report kind: its days, files, bytes and where (a backfill stays short)."""
    import os

    from .._render import human_bytes

    by_kind: dict[str, list[FetchResult]] = {}
    for report in result.reports:
        by_kind.setdefault(report.report, []).append(report)
    for kind, reports in by_kind.items():
        days = sorted(r.report_day for r in reports)
        files = [f for r in reports for f in r.files]
        reused = sum(1 for f in files if f.reused)
        kept = f" ({reused} kept from an earlier run)" if reused else ""
        where = os.path.commonpath([str(r.folder) for r in reports])
        span = f"{days[0]}" if len(days) == 1 else f"{days[0]}..{days[-1]}"
        print(
            f"Saved {len(days)} day(s) of the {kind} report for {reports[0].org}, {span}: "
            f"{len(files)} file(s){kept}, {human_bytes(sum(f.size for f in files))}, "
            f"in {visible(where)}"
        )


def _usage(result: RunResult, report_format: str) -> tuple[Insight | None, tuple[Path, ...]]:
    """The usage numbers of the saved files, and the CSV tables written beside them.

    A file whose records cannot be read as usage numbers only warns: the files
    are saved and verified already, and archiving them is the job. The numbers come from
    the records each download decoded as they arrived (``_pipeline.onepass``); only files kept from
    an earlier run, and CSV tables, read the files again.
    """
    from .._core import kind_named
    from .._errors import OutputError, ReportFormatError

    # kinds whose records are no usage records (the seat list) are not summarised, not warned
    # about: the registry says which (``ReportKind.summarised``); per-repository reports are
    # read apart from the totals (``Insight.repos``)
    kinds = {r.report: kind_named(r.report) for r in result.reports}
    files = [
        f
        for r in result.reports
        if (kind := kinds[r.report]) is None or kind.summarised or kind.grain == "repos"
        for f in r.files
    ]
    paths = [f.path for f in files]
    if not paths:
        return None, ()
    from .._pipeline import beyond_history

    for line in beyond_history(files):
        _warn(line, title="Skipped by the history")
    try:
        if report_format == "csv":
            from .._render import write_csv

            written = write_csv(paths, unrecognised="skip")
            insight, tables = written.insight, written.files
        else:
            from .._pipeline import summarize_fetch

            insight, tables = summarize_fetch(files, unrecognised="skip"), ()
    except (ReportFormatError, OutputError) as problem:
        _warn(
            f"The report files are saved, but their usage numbers were not summarised: "
            f"{problem.message}",
            title="No usage summary",
        )
        return None, ()
    from .._metrics import unrecognised_error

    for path in insight.skipped:
        _warn(
            f"The file is saved, but {unrecognised_error([path]).message}", title="Not summarised"
        )
    for note in insight.notes:
        _warn(note, title="Usage summary")
    return insight, tables


def _wrote(tables: Sequence[Path]) -> str:
    """One line for the CSV tables written: how many, which names, in how many folders where."""
    if not tables:
        return "Wrote no CSV table: the files hold no rows for one."
    folders = list(dict.fromkeys(t.parent for t in tables))
    names = ", ".join(dict.fromkeys(t.name for t in tables))
    where = (
        f"in {folders[0]}"
        if len(folders) == 1
        else f"in {len(folders)} folders under {os.path.commonpath(folders)}"
    )
    return f"Wrote {len(tables)} CSV table(s) ({names}) beside the report files, {where}."


def _summarize(args: argparse.Namespace) -> int:
    """``summarize PATH...``: the usage summary of files on disk, as Markdown (or JSON)."""
    from .._core import RawInputs, command_options, parse_format
    from .._render import render_insight
    from .workflow import metric_outputs, write_outputs

    paths = _regular(Path(p) for p in args.paths)
    if parse_format(args.format) == "csv":
        from .._render import write_csv

        written = write_csv(paths)
        insight = written.insight
        print(visible(_wrote(written.files)), file=sys.stderr)
    else:
        from .._metrics import summarize_paths

        insight = summarize_paths(paths)
    for note in insight.notes:
        print(f"{PROG}: note: {visible(note)}", file=sys.stderr)
    write_outputs(metric_outputs(insight))
    if args.json:
        print(json.dumps(insight.metrics(), indent=2))
    else:
        rules = command_options("summarize", RawInputs(**raw_inputs(args, "summarize")))
        shown = bool(rules["show_repositories"])
        print(render_insight(insight, show_repositories=shown), end="")
    return 0


def _history(args: argparse.Namespace) -> int:
    """``history ARCHIVE... --out DIR``: the database, daily.csv and the dashboard page."""
    from .._core import RawInputs, command_options
    from ..history import build

    rules = command_options("history", RawInputs(**raw_inputs(args, "history")))
    result = build(
        [Path(p) for p in args.archives],
        Path(args.out),
        show_logins=args.show_logins,
        users=args.users,
        inactive_days=cast(int, rules["inactive_days"]),
        seat_price=cast("float | None", rules["seat_price"]),
        credit_pool=cast("int | None", rules["credit_pool"]),
        show_repositories=bool(rules["show_repositories"]),
    )
    for reason in result.skipped:
        _warn(reason, title="Skipped in the history")
    scopes = ", ".join(visible(scope) for scope in result.scopes) or "none"
    print(f"History: {result.days} day(s) of {scopes}; {result.added} new report file(s) read.")
    print(f"  {visible(str(result.page))}")
    print(f"  {visible(str(result.csv))}")
    for table in result.tables:  # the CSV of kinds with tables of their own (seats.csv)
        print(f"  {visible(str(table))}")
    if result.database is not None:
        print(f"  {visible(str(result.database))}")
    return 0


def _warehouse(args: argparse.Namespace) -> int:
    """``warehouse ARCHIVE --out DIR``: the Parquet dataset, only what changed written."""
    from ..warehouse import convert

    result = convert(Path(args.archive), Path(args.out))
    for reason in result.left_out:
        _warn(reason, title="Left out of the warehouse")
    print(
        f"Warehouse: {len(result.written)} partition(s) written ({result.rows} rows), "
        f"{result.unchanged} report folder(s) unchanged, {len(result.left_out)} left out."
    )
    print(f"  {visible(str(args.out))}")
    return 0


def _regular(given: Iterable[Path]) -> list[Path]:
    """The paths to summarise: anything that is neither a regular file nor a folder (a FIFO,
    a device, a socket), given or inside a given folder, is skipped with a warning naming it,
    never opened (reading a FIFO would wait forever)."""
    from .._metrics import REPORT_SUFFIXES

    kept: list[Path] = []
    for path in given:
        special = path.exists() and not path.is_file() and not path.is_dir()
        if special:
            _warn(f"skipped {path}: not a regular file.", title="Not a report file")
            continue
        kept.append(path)
        if path.is_dir():
            for inner in sorted(path.rglob("*")):
                if (
                    inner.name.lower().endswith(REPORT_SUFFIXES)
                    and not inner.is_file()
                    and not inner.is_dir()
                ):
                    _warn(f"skipped {inner}: not a regular file.", title="Not a report file")
    return kept


def _warn(message: str, *, title: str) -> None:
    """A warning: an annotation inside Actions, one line on stderr elsewhere."""
    from .boundary import warn

    warn(message, title=title)
