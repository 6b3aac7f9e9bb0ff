"""The command line: argv and environment in, one exit code out.

``main`` is the one boundary where errors become exit codes: our errors print
one line (an ``::error::`` annotation inside Actions) and exit 1, or 2 for bad
input; Ctrl-C exits 130; anything else is a bug and keeps its traceback, with
the token masked. Heavy imports happen inside the commands, so ``--version``
and ``--help`` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import CopilotUsageReportError

if TYPE_CHECKING:
    from ._metrics import Insight
    from ._run import RunResult
    from ._settings import Settings

__all__ = ["main"]

PROG = "copilot-usage-report"
#: What ``serve-demo`` can play: GitHub answering normally, or refusing the token with 403.
SCENARIOS = ("ok", "forbidden")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PROG)
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


class _VersionAction(argparse.Action):
    """``--version`` that reads package metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{PROG} {_version()}")
        parser.exit()


def _fetch_options(parser: argparse.ArgumentParser, *, demo: bool) -> None:
    env = "" if demo else " (env: {})"
    if not demo:
        parser.add_argument(
            "--org", help="organization login" + env.format("INPUT_ORG"), metavar="ORG"
        )
        parser.add_argument(
            "--enterprise",
            help="enterprise slug, instead of --org" + env.format("INPUT_ENTERPRISE"),
            metavar="SLUG",
        )
        parser.add_argument(
            "--report",
            help="report(s), comma separated: organization-1-day (default; the enterprise's "
            "aggregate with --enterprise), enterprise-1-day, users-1-day, user-teams-1-day, "
            "repos-1-day, organization-28-day, enterprise-28-day, users-28-day"
            + env.format("INPUT_REPORT"),
            metavar="KINDS",
        )
        parser.add_argument(
            "--if-not-available",
            help="when a day has no report: error (default for one day), warn, or skip "
            "(default for ranges)" + env.format("INPUT_IF_NOT_AVAILABLE"),
            metavar="POLICY",
        )
        parser.add_argument(
            "--token",
            help="token that may read the org's Copilot metrics"
            + env.format("INPUT_TOKEN, GITHUB_TOKEN, GH_TOKEN"),
        )
        parser.add_argument(
            "--api-url",
            help="API base URL, for GHE.com data residency"
            + env.format("INPUT_API_URL, GITHUB_API_URL; default https://api.github.com"),
        )
        parser.add_argument(
            "--api-version",
            help="X-GitHub-Api-Version header"
            + env.format("INPUT_API_VERSION; default 2026-03-10"),
        )
    parser.add_argument(
        "--day",
        help="YYYY-MM-DD, 'yesterday', 'latest' (newest day with a report, default), "
        "START..END (inclusive) or last-N-days" + env.format("INPUT_DAY"),
    )
    parser.add_argument(
        "--output-dir",
        help="folder the files go to"
        + (" (default copilot-usage-demo)" if demo else env.format("INPUT_OUTPUT_DIR")),
        metavar="DIR",
    )
    parser.add_argument(
        "--retries",
        help="retries of a failed request or download (default 5)" + env.format("INPUT_RETRIES"),
        metavar="N",
    )
    parser.add_argument(
        "--max-wait",
        help="longest rate-limit wait accepted, in seconds (default 300)"
        + env.format("INPUT_MAX_WAIT"),
        metavar="SECONDS",
    )
    parser.add_argument(
        "--concurrency",
        help="downloads at once (default 4)" + env.format("INPUT_CONCURRENCY"),
        metavar="N",
    )
    parser.add_argument(
        "--timeout",
        help="seconds a request may stall before it is retried (default 30)"
        + env.format("INPUT_TIMEOUT"),
        metavar="SECONDS",
    )
    parser.add_argument(
        "--lock-wait",
        help="seconds to wait for another run writing into the same organization's or "
        "enterprise's folder (default 600)" + env.format("INPUT_LOCK_WAIT"),
        metavar="SECONDS",
    )
    parser.add_argument(
        "--summary",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the job summary: files and usage numbers (default on)"
        + env.format("INPUT_JOB_SUMMARY"),
    )
    parser.add_argument(
        "--format",
        help="ndjson (default): the files as GitHub serves them; csv: also flattened CSV "
        "tables beside them" + env.format("INPUT_FORMAT"),
        metavar="FORMAT",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the outputs as one JSON object on stdout"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render the README's usage block)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Archive GitHub Copilot usage metrics reports.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    fetch = commands.add_parser(
        "fetch",
        help="fetch Copilot usage metrics reports into a folder",
        description="Fetch Copilot usage metrics reports of an organization or enterprise, for "
        "one day, the latest day, or a range of days; verify every file and write it with a "
        "manifest per folder and an index of the run. Every option falls back to the "
        "environment variable named in its help.",
    )
    _fetch_options(fetch, demo=False)
    demo = commands.add_parser(
        "demo",
        help="run fetch against a built-in stand-in of GitHub (no token, no network)",
        description="Start a loopback stand-in of GitHub's API and report storage, fetch its "
        "sample report with a dummy token, and show what a workflow would see.",
    )
    _fetch_options(demo, demo=True)
    summarize = commands.add_parser(
        "summarize",
        help="summarise report files already on disk, as Markdown on stdout",
        description="Read report files (an artifact downloaded later, a folder of backfilled "
        "days) and print the usage summary a fetch writes to the job summary, as Markdown. "
        "Inside a workflow step it also sets the metrics outputs.",
    )
    summarize.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="report files (.ndjson, .json), or folders holding them (searched recursively)",
    )
    summarize.add_argument(
        "--format",
        help="ndjson (default): print only; csv: also write CSV tables beside the files",
        metavar="FORMAT",
    )
    summarize.add_argument(
        "--json", action="store_true", help="print the metrics as one JSON object, not Markdown"
    )
    serve = commands.add_parser(
        "serve-demo",
        help="serve the demo stand-in of GitHub in the background and print its URL",
        description="Start the demo's loopback stand-in of GitHub's API and report storage in "
        "a background process that stops by itself, print its API URL on stdout, and (inside "
        "Actions) set the step outputs api-url, org, token, latest-day and pid. Point the "
        "action's api-url input or fetch --api-url at it; the action's self-test does.",
    )
    serve.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="ok",
        help="ok: reports for the week before yesterday (yesterday has none yet); "
        "forbidden: every API request is refused with 403 (default ok)",
    )
    serve.add_argument(
        "--lifetime",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="stop serving after this many seconds (default 1800)",
    )
    serve.add_argument(
        "--foreground",
        action="store_true",
        help="serve in this process until interrupted, printing the details as one JSON line",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    token: str | None = None
    try:
        _configure_retries()
        if args.command == "demo":
            from ._demo import run_demo

            return run_demo(args, report=_report)
        if args.command == "summarize":
            return _summarize(args)
        if args.command == "serve-demo":
            from ._demo import serve_demo

            return serve_demo(args)
        settings = _settings(args)
        token = settings.token
        from ._workflow import mask

        mask(token)
        result = _run(settings)
        _report(result, as_json=args.json, settings=settings)
        return 0
    except CopilotUsageReportError as error:
        _fail(error)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no partial file was left behind.", file=sys.stderr)
        return 130
    except BaseException as bug:
        if token and isinstance(bug, Exception):
            raise _scrubbed(bug, token) from None
        raise


def _configure_retries() -> None:
    import stamina

    from ._settings import testing_mode

    # Our backoff hook logs each retry in words; stamina's own log lines would only add noise.
    stamina.instrumentation.set_on_retry_hooks([])
    if testing_mode():
        stamina.set_testing(True, attempts=100, cap=True)


def _settings(args: argparse.Namespace, *, default_output_dir: str | None = None) -> Settings:
    from ._settings import DEFAULT_OUTPUT_DIR, RawInputs, build_settings

    raw = RawInputs(
        org=getattr(args, "org", None),
        enterprise=getattr(args, "enterprise", None),
        report=getattr(args, "report", None),
        if_not_available=getattr(args, "if_not_available", None),
        day=args.day,
        token=getattr(args, "token", None),
        api_url=getattr(args, "api_url", None),
        api_version=getattr(args, "api_version", None),
        output_dir=args.output_dir,
        retries=args.retries,
        max_wait=args.max_wait,
        concurrency=args.concurrency,
        timeout=args.timeout,
        job_summary=None if args.summary is None else str(args.summary).lower(),
        format=args.format,
        lock_wait=args.lock_wait,
    )
    return build_settings(
        raw,
        today=datetime.now(UTC).date(),
        default_output_dir=default_output_dir or DEFAULT_OUTPUT_DIR,
    )


def _run(settings: Settings) -> RunResult:
    """Build the two real clients and run the pipeline; the only place clients are made."""
    from ._api import make_api_client
    from ._download import make_storage_client
    from ._progress import Progress
    from ._run import fetch_reports
    from ._workflow import in_actions

    progress = Progress.detect(in_actions=in_actions())

    agent = f"{PROG}/{_version()}"
    with (
        make_api_client(
            settings.api_url,
            settings.token,
            api_version=settings.api_version,
            user_agent=agent,
            timeout=settings.timeout,
        ) as api,
        make_storage_client(
            concurrency=settings.concurrency, user_agent=agent, timeout=settings.timeout
        ) as storage,
    ):
        return fetch_reports(
            settings,
            api,
            storage,
            log=progress.log,
            progress=progress,
            tool=f"{PROG} {_version()}",
            on_failure=_report_partial,
        )


def _report_partial(result: RunResult) -> None:
    """A failed run's saved days: the outputs that let the action upload them anyway."""
    from ._workflow import outputs_of, write_outputs

    write_outputs(outputs_of(result))


def _report(
    result: RunResult, *, as_json: bool, settings: Settings | None = None
) -> Insight | None:
    """Tell the runner (outputs, summary) and the person (a short text, or JSON).

    Returns the usage numbers of the saved files, or ``None`` when they could
    not be read (a warning says why; the files stay archived either way).
    """
    from ._summary import human_bytes, render_result
    from ._workflow import outputs_of, write_outputs, write_summary

    insight, tables = _usage(result, "ndjson" if settings is None else settings.report_format)
    outputs = outputs_of(result, insight)
    write_outputs(outputs)
    if settings is None or settings.job_summary:
        write_summary(render_result(result, insight))
    if as_json:
        print(json.dumps(outputs, indent=2))
        return insight
    for report in result.reports:
        reused = sum(1 for f in report.files if f.reused)
        kept = f" ({reused} kept from an earlier run)" if reused else ""
        print(
            f"Saved {len(report.files)} file(s){kept}, {human_bytes(report.total_bytes)}, of "
            f"the {report.report} report for {report.org} on {report.report_day} in "
            f"{report.folder}"
        )
        for f in report.files:
            print(f"  {f.path}  {human_bytes(f.size)}  sha256:{f.sha256[:16]}…")
    for missing in result.missing:
        when = f" on {missing.day}" if missing.day else ""
        print(f"No {missing.report} report{when}: skipped.")
    if tables:
        print(f"Wrote {len(tables)} CSV table(s) beside the files.")
    return insight


def _usage(result: RunResult, report_format: str) -> tuple[Insight | None, tuple[Path, ...]]:
    """The usage numbers of the saved files, and the CSV tables written beside them.

    A file whose records cannot be read as usage numbers only warns: the files
    are saved and verified already, and archiving them is the job.
    """
    from ._errors import OutputError, ReportFormatError

    paths = [f.path for f in result.files]
    if not paths:
        return None, ()
    try:
        if report_format == "csv":
            from ._csv import write_csv

            written = write_csv(paths)
            return written.insight, written.files
        from ._metrics import summarize_paths

        return summarize_paths(paths), ()
    except (ReportFormatError, OutputError) as problem:
        _warn(
            f"The report files are saved, but their usage numbers were not summarised: "
            f"{problem.message}",
            title="No usage summary",
        )
        return None, ()


def _warn(message: str, *, title: str) -> None:
    """A warning: an annotation inside Actions, one line on stderr elsewhere."""
    from ._workflow import annotate_warning, in_actions

    if in_actions():
        annotate_warning(message, title=title)
    else:
        print(f"{PROG}: warning: {message}", file=sys.stderr)


def _summarize(args: argparse.Namespace) -> int:
    """``summarize PATH...``: the usage summary of files on disk, as Markdown (or JSON)."""
    from ._insight import render_insight
    from ._settings import parse_format
    from ._workflow import metric_outputs, write_outputs

    paths = [Path(p) for p in args.paths]
    if parse_format(args.format) == "csv":
        from ._csv import write_csv

        written = write_csv(paths)
        insight = written.insight
        for table in written.files:
            print(f"Wrote {table}", file=sys.stderr)
    else:
        from ._metrics import summarize_paths

        insight = summarize_paths(paths)
    write_outputs(metric_outputs(insight))
    if args.json:
        print(json.dumps(insight.metrics(), indent=2))
    else:
        print(render_insight(insight), end="")
    return 0


def _fail(error: CopilotUsageReportError) -> None:
    """Print one line for the log, and the longer what-to-do in the job summary."""
    from ._workflow import in_actions, write_summary

    if in_actions():
        from ._workflow import annotate_error, error_outputs, write_outputs

        annotate_error(error)
        write_outputs(error_outputs(error))
        from ._summary import render_error

        write_summary(render_error(error))
    else:
        print(f"{PROG}: error: {error.message}", file=sys.stderr)


def _scrubbed(bug: Exception, token: str) -> Exception:
    """The same bug, with the token removed from its message (the traceback is kept)."""
    text = str(bug).replace(token, "***")
    scrubbed = RuntimeError(f"{type(bug).__name__}: {text}")
    scrubbed.__traceback__ = bug.__traceback__
    return scrubbed
