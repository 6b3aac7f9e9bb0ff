"""The command line: argv and environment in, one exit code out.

``main`` is the one boundary where errors become exit codes, through
``_boundary.run_guarded``: our errors print one line and exit 1, or 2 for bad
input; SIGINT exits 130 and SIGTERM 143 within two seconds (``_stop``); a bug is
one scrubbed ``InternalError`` line, its traceback only with ``--debug`` or
``RUNNER_DEBUG=1``. Heavy imports happen inside the commands, so ``--version``
and ``--help`` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import CopilotUsageReportError, scrub

if TYPE_CHECKING:
    from ._metrics import Insight
    from ._run import FetchResult, RunResult
    from ._settings import Settings
    from ._stop import Stopper

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


_EXIT_CODES = """exit codes:
  0    done: every report asked for is saved (days without one skipped or warned, by policy)
  1    failed: GitHub refused or failed, a download or the output folder failed
  2    bad input: the message names it; nothing was sent to GitHub
  130  interrupted (Ctrl-C): no partial file is left behind"""

_CREDENTIAL_ADVICE = """the token:
  Put it in GH_TOKEN (or GITHUB_TOKEN), not on the command line: a --token value is
  visible to every user of this machine in the process list (ps). For example
    export GH_TOKEN="$(gh auth token)"      # GitHub CLI's token, if it may read the metrics
  It needs the organization permission "Organization Copilot metrics: read" (fine-grained
  token or GitHub App) or read:org (classic token)."""

_FETCH_EPILOG = f"""{_CREDENTIAL_ADVICE}

{_EXIT_CODES}

examples:
  copilot-usage-report fetch --org my-org
      the newest day GitHub has a report for, into copilot-usage-metrics/
  copilot-usage-report fetch --org my-org --day last-30-days --report organization-1-day,users-1-day
      a backfill of 30 days, two reports each; days without a report are skipped
  copilot-usage-report fetch --enterprise my-enterprise --report enterprise-28-day --json
      the enterprise's latest 28-day report; the outputs as JSON on stdout

Try any of them without a token against the built-in stand-in of GitHub:
  eval "$(copilot-usage-report serve-demo --env)"; copilot-usage-report fetch --org "$ORG"
"""

_DEMO_EPILOG = f"""The stand-in serves organization octo-demo and enterprise octo-demo-enterprise:
every report kind, 121 days up to the day before yesterday, with a few gaps.

{_EXIT_CODES}

examples:
  copilot-usage-report demo
      the newest day's organization report, its outputs and job summary
  copilot-usage-report demo --day last-90-days --output-dir demo-history
      90 days of history (gaps skipped), e.g. for a dashboard
  copilot-usage-report demo --report users-1-day,user-teams-1-day --format csv
      per-user and team rows, with CSV tables beside the files"""

_SUMMARIZE_EPILOG = f"""{_EXIT_CODES}

examples:
  copilot-usage-report summarize copilot-usage-metrics/
      every report file under the folder, as Markdown
  copilot-usage-report summarize copilot-usage-metrics/ --json
      the metrics as one JSON object
  copilot-usage-report summarize downloaded-artifact/ --format csv
      also write CSV tables beside the files"""

_SERVE_EPILOG = """exit codes:
  0    serving (or stopped, with --stop)
  1    the stand-in did not start
  2    bad input

examples:
  eval "$(copilot-usage-report serve-demo --env)"
      serve in the background and point this shell at it (GH_TOKEN, GITHUB_API_URL,
      ORG, ENTERPRISE); then: copilot-usage-report fetch --org "$ORG"
  copilot-usage-report serve-demo --scenario forbidden --lifetime 300
      a stand-in that refuses every request with 403, for five minutes; prints its URL
  copilot-usage-report serve-demo --stop
      stop the stand-in serve-demo started (it also stops by itself after --lifetime)"""

_HISTORY_EPILOG = f"""{_EXIT_CODES}

examples:
  copilot-usage-report history copilot-usage-metrics/ --out site/
      the database, daily.csv and index.html of every day archived so far
  copilot-usage-report history copilot-usage-metrics/ downloaded-artifacts/ --out site/
      several archives at once: fetch output and merged or unmerged artifacts
  copilot-usage-report history copilot-usage-metrics/ --out site/ --no-users
      leave per-user rows out of the database (teams are still counted)"""

_MAIN_EPILOG = """examples:
  copilot-usage-report demo                                try it: no token, no network
  copilot-usage-report fetch --org my-org                  the newest day (token from GH_TOKEN)
  copilot-usage-report summarize copilot-usage-metrics/    numbers of files on disk

Run "copilot-usage-report COMMAND --help" for a command's options, defaults and exit codes."""


def _fetch_options(parser: argparse.ArgumentParser, *, demo: bool) -> None:
    env = "" if demo else " (env: {})"
    if not demo:
        parser.add_argument(
            "--org",
            help="organization login; this or --enterprise is required" + env.format("INPUT_ORG"),
            metavar="ORG",
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
    if not demo:
        parser.add_argument(
            "--if-not-available",
            help="when a day has no report: error (default for one day), warn, or skip "
            "(default for ranges)" + env.format("INPUT_IF_NOT_AVAILABLE"),
            metavar="POLICY",
        )
        parser.add_argument(
            "--token",
            help="token that may read the Copilot metrics; prefer the environment: a value "
            "given here shows in the process list (ps) to every user of the machine; default "
            "from GH_TOKEN" + env.format("INPUT_TOKEN, GITHUB_TOKEN, GH_TOKEN"),
        )
        parser.add_argument(
            "--api-url",
            help="API base URL, for GHE.com data residency or the demo stand-in"
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
        + (
            " (default copilot-usage-demo)"
            if demo
            else env.format("INPUT_OUTPUT_DIR; default copilot-usage-metrics")
        ),
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
        "--max-file-size",
        help="largest file kept: bytes, or a number with KiB, MiB or GiB (default 16GiB)"
        + env.format("INPUT_MAX_FILE_SIZE"),
        metavar="SIZE",
    )
    parser.add_argument(
        "--deadline",
        help="seconds the whole run may take (default 3600)" + env.format("INPUT_DEADLINE"),
        metavar="SECONDS",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the outputs as one JSON object on stdout (default: a few lines of text)",
    )
    _debug_option(parser)


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    description: str,
    epilog: str,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _debug_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an unexpected failure (also RUNNER_DEBUG=1; default off)",
    )


def _lifetime(text: str) -> float:
    """``serve-demo --lifetime``: positive, finite seconds, in ASCII digits."""
    from ._settings import parse_seconds

    try:
        value = parse_seconds("--lifetime", text, high=7 * 24 * 3600.0)
    except CopilotUsageReportError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("--lifetime must be more than 0 seconds.")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render the README's usage block)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Archive GitHub Copilot usage metrics reports.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of an unexpected failure (also RUNNER_DEBUG=1; default off)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    fetch = _command(
        commands,
        "fetch",
        help="fetch Copilot usage metrics reports into a folder",
        description="Fetch Copilot usage metrics reports of an organization or enterprise, for "
        "one day, the latest day, or a range of days; verify every file and write it with a "
        "manifest per folder and an index of the run. Every option falls back to the "
        "environment variable named in its help.",
        epilog=_FETCH_EPILOG,
    )
    _fetch_options(fetch, demo=False)
    demo = _command(
        commands,
        "demo",
        help="run fetch against a built-in stand-in of GitHub (no token, no network)",
        description="Start a loopback stand-in of GitHub's API and report storage, fetch from "
        "it with a dummy token, and show what a workflow would see: the files, the step "
        "outputs and the job summary.",
        epilog=_DEMO_EPILOG,
    )
    _fetch_options(demo, demo=True)
    summarize = _command(
        commands,
        "summarize",
        help="summarise report files already on disk, as Markdown on stdout",
        description="Read report files (an artifact downloaded later, a folder of backfilled "
        "days) and print the usage summary a fetch writes to the job summary, as Markdown. "
        "Inside a workflow step it also sets the metrics outputs.",
        epilog=_SUMMARIZE_EPILOG,
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
        "--json",
        action="store_true",
        help="print the metrics as one JSON object (default: Markdown)",
    )
    _debug_option(summarize)
    _history_parser(commands)
    serve = _command(
        commands,
        "serve-demo",
        help="serve the demo stand-in of GitHub in the background and print its URL",
        description="Start the demo's loopback stand-in of GitHub's API and report storage in "
        "a background process that stops by itself after --lifetime seconds (or with "
        "serve-demo --stop), print its API URL on stdout (with --env, shell exports), and "
        "(inside Actions) set the step outputs api-url, org, enterprise, token, latest-day and "
        "pid. Point fetch at it with --env, or the action's api-url input; the action's "
        "self-test does.",
        epilog=_SERVE_EPILOG,
    )
    serve.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="ok",
        help="ok: every report kind of organization octo-demo and enterprise "
        "octo-demo-enterprise up to the day before yesterday (yesterday has none yet); "
        "forbidden: every API request is refused with 403 (default ok)",
    )
    serve.add_argument(
        "--lifetime",
        type=_lifetime,
        default=1800.0,
        metavar="SECONDS",
        help="stop serving after this many seconds (default 1800)",
    )
    serve.add_argument(
        "--env",
        action="store_true",
        help="print shell exports instead of the URL: GH_TOKEN, GITHUB_API_URL, ORG and "
        'ENTERPRISE, for eval "$(copilot-usage-report serve-demo --env)"; reuses a stand-in '
        "serve-demo started that still runs (default off)",
    )
    serve.add_argument(
        "--stop",
        action="store_true",
        help="stop the stand-in the last serve-demo started, and exit (default off)",
    )
    serve.add_argument(
        "--foreground",
        action="store_true",
        help="serve in this process until interrupted, printing the details as one JSON line "
        "(default off)",
    )
    from ._publish_history import add_parser as add_publish_history

    add_publish_history(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Never raises, never prints a traceback
    unless ``--debug`` or ``RUNNER_DEBUG=1`` asks for it (see ``_boundary``)."""
    import os

    from ._boundary import run_guarded

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
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
        from ._demo import run_demo

        return run_demo(args, report=_report)
    if args.command == "summarize":
        return _summarize(args)
    if args.command == "history":
        return _history(args)
    if args.command == "publish-history":
        from ._publish_history import run_publish_history

        return run_publish_history(args)
    if args.command == "serve-demo":
        from ._demo import serve_demo

        return serve_demo(args)
    settings = _settings(args)
    from ._workflow import mask

    # Before anything else is printed or sent: the runner hides the token from here on,
    # and every message scrubs it whatever a server echoes.
    mask(settings.token)
    stopper.deadline(settings.deadline)
    result = _run(settings)
    _report(result, as_json=args.json, settings=settings)
    return 0


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
        max_file_size=args.max_file_size,
        deadline=args.deadline,
        lock_wait=args.lock_wait,
    )
    return build_settings(
        raw,
        today=datetime.now(UTC).date(),
        default_output_dir=default_output_dir or DEFAULT_OUTPUT_DIR,
    )


def _run(settings: Settings) -> RunResult:
    """Run the pipeline with the real clients (``_session``), progress as the reader sees it."""
    from ._progress import Progress
    from ._session import run_fetch
    from ._workflow import in_actions

    return run_fetch(
        settings,
        progress=Progress.detect(in_actions=in_actions()),
        user_agent=f"{PROG}/{_version()}",
        tool=f"{PROG} {_version()}",
        created=settings.output_dir if settings.created_output_dir else None,
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
    from ._workflow import mask_links, outputs_of, write_outputs, write_summary

    insight, tables = _usage(result, "ndjson" if settings is None else settings.report_format)
    outputs = outputs_of(result, insight)
    mask_links(result.download_links)
    write_outputs(outputs)
    if settings is None or settings.job_summary:
        write_summary(render_result(result, insight))
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
            f"{report.folder}"
        )
        for f in report.files:
            print(f"  {f.path}  {human_bytes(f.size)}  sha256:{f.sha256[:16]}…")
    from ._missing import missing_runs

    for run in missing_runs(result.missing):
        line = run.describe()
        print(f"{line[0].upper()}{line[1:]}.")
    if tables:
        print(f"Wrote {len(tables)} CSV table(s) beside the files.")
    return insight


#: Up to this many reports, each is listed with its files; beyond, one line per report kind.
_DETAILED_REPORTS = 4


def _print_per_kind(result: RunResult) -> None:
    """One line per report kind: its days, files, bytes and where (a backfill stays short)."""
    import os

    from ._summary import human_bytes

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
            f"in {where}"
        )


def _usage(result: RunResult, report_format: str) -> tuple[Insight | None, tuple[Path, ...]]:
    """The usage numbers of the saved files, and the CSV tables written beside them.

    A file whose records cannot be read as usage numbers only warns: the files
    are saved and verified already, and archiving them is the job. The numbers come from
    the records each download decoded as they arrived (``_onepass``); only files kept from
    an earlier run, and CSV tables, read the files again.
    """
    from ._errors import OutputError, ReportFormatError

    # per-repository reports hold no record the summary reads: not summarised, not warned about
    files = [f for r in result.reports if not r.report.startswith("repos-") for f in r.files]
    paths = [f.path for f in files]
    if not paths:
        return None, ()
    try:
        if report_format == "csv":
            from ._csv import write_csv

            written = write_csv(paths, unrecognised="skip")
            insight, tables = written.insight, written.files
        else:
            from ._onepass import summarize_fetch

            insight, tables = summarize_fetch(files, unrecognised="skip"), ()
    except (ReportFormatError, OutputError) as problem:
        _warn(
            f"The report files are saved, but their usage numbers were not summarised: "
            f"{problem.message}",
            title="No usage summary",
        )
        return None, ()
    from ._metrics import unrecognised_error

    for path in insight.skipped:
        _warn(
            f"The file is saved, but {unrecognised_error([path]).message}", title="Not summarised"
        )
    for note in insight.notes:
        _warn(note, title="Usage summary")
    return insight, tables


def _summarize(args: argparse.Namespace) -> int:
    """``summarize PATH...``: the usage summary of files on disk, as Markdown (or JSON)."""
    from ._insight import render_insight
    from ._settings import parse_format
    from ._workflow import metric_outputs, write_outputs

    paths = _regular(Path(p) for p in args.paths)
    if parse_format(args.format) == "csv":
        from ._csv import write_csv

        written = write_csv(paths)
        insight = written.insight
        for table in written.files:
            print(f"Wrote {table}", file=sys.stderr)
    else:
        from ._metrics import summarize_paths

        insight = summarize_paths(paths)
    for note in insight.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    write_outputs(metric_outputs(insight))
    if args.json:
        print(json.dumps(insight.metrics(), indent=2))
    else:
        print(render_insight(insight), end="")
    return 0


def _history_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = _command(
        commands,
        "history",
        help="build a database, daily.csv and a dashboard page from archived reports",
        description="Read every day folder with a valid manifest under the given folders "
        "(fetch output, downloaded artifacts merged or not, any mix of organizations and "
        "enterprises), check each file against its manifest, and write copilot-usage.sqlite "
        "(updated incrementally), daily.csv and a self-contained index.html into --out.",
        epilog=_HISTORY_EPILOG,
    )
    history.add_argument("archives", nargs="+", metavar="ARCHIVE", help="archive folders")
    history.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write into (required)"
    )
    history.add_argument(
        "--show-logins",
        action="store_true",
        help="show user logins on the page and keep them in the database (default: left out)",
    )
    history.add_argument(
        "--no-users",
        dest="users",
        action="store_false",
        help="leave per-user rows out of the database (teams are still computed)",
    )


def _history(args: argparse.Namespace) -> int:
    """``history ARCHIVE... --out DIR``: the database, daily.csv and the dashboard page."""
    from .history import build

    result = build(
        [Path(p) for p in args.archives],
        Path(args.out),
        show_logins=args.show_logins,
        users=args.users,
    )
    for reason in result.skipped:
        _warn(reason, title="Skipped in the history")
    scopes = ", ".join(result.scopes) or "none"
    print(f"History: {result.days} day(s) of {scopes}; {result.added} new report file(s) read.")
    print(f"  {result.page}")
    print(f"  {result.csv}")
    if result.database is not None:
        print(f"  {result.database}")
    return 0


def _regular(given: Iterable[Path]) -> list[Path]:
    """The paths to summarise: anything that is neither a regular file nor a folder (a FIFO,
    a device, a socket), given or inside a given folder, is skipped with a warning naming it,
    never opened (reading a FIFO would wait forever)."""
    from ._records import REPORT_SUFFIXES

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
    from ._boundary import warn

    warn(message, title=title)


def _fail(error: CopilotUsageReportError) -> None:
    """One line for the log, the what-to-do in the job summary (see ``_boundary.fail``)."""
    from ._boundary import fail

    fail(error)
