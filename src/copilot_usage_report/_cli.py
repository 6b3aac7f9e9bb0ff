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
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ._errors import CopilotUsageReportError

if TYPE_CHECKING:
    from ._run import FetchResult
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
        help="YYYY-MM-DD, 'yesterday', or 'latest' (newest day with a report, default)"
        + env.format("INPUT_DAY"),
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
        help="fetch one day's organization report into a folder",
        description="Fetch the organization-1-day Copilot usage metrics report of one day, "
        "verify every file and write it with a manifest. Every option falls back to the "
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
        if args.command == "serve-demo":
            from ._demo import serve_demo

            return serve_demo(args)
        settings = _settings(args)
        token = settings.token
        from ._workflow import mask

        mask(token)
        result = _run(settings)
        _report(result, as_json=args.json)
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
        day=args.day,
        token=getattr(args, "token", None),
        api_url=getattr(args, "api_url", None),
        api_version=getattr(args, "api_version", None),
        output_dir=args.output_dir,
        retries=args.retries,
        max_wait=args.max_wait,
        concurrency=args.concurrency,
        timeout=args.timeout,
    )
    return build_settings(
        raw,
        today=datetime.now(UTC).date(),
        default_output_dir=default_output_dir or DEFAULT_OUTPUT_DIR,
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(settings: Settings, *, log: Callable[[str], None] = _log) -> FetchResult:
    """Build the two real clients and run the pipeline; the only place clients are made."""
    from ._api import make_api_client
    from ._download import make_storage_client
    from ._run import fetch_report

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
        return fetch_report(settings, api, storage, log=log, tool=f"{PROG} {_version()}")


def _report(result: FetchResult, *, as_json: bool) -> None:
    """Tell the runner (outputs, summary) and the person (a short text, or JSON)."""
    from ._summary import human_bytes, render_result
    from ._workflow import outputs_of, write_outputs, write_summary

    outputs = outputs_of(result)
    write_outputs(outputs)
    write_summary(render_result(result))
    if as_json:
        print(json.dumps(outputs, indent=2))
        return
    reused = sum(1 for f in result.files if f.reused)
    kept = f" ({reused} kept from an earlier run)" if reused else ""
    print(
        f"Saved {len(result.files)} file(s){kept}, {human_bytes(result.total_bytes)}, of the "
        f"{result.report} report for {result.org} on {result.report_day} in {result.folder}"
    )
    for f in result.files:
        print(f"  {f.path}  {human_bytes(f.size)}  sha256:{f.sha256[:16]}…")


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
