"""The command line's parser: its commands, their option blocks, help texts and epilogs.

Kept apart from ``cli`` (which runs the commands) so the help a reader sees is
in one place; ``cli`` re-exports ``build_parser``, which also renders the
README's usage block. The inputs of a run (``fetch``, ``demo``, ``summarize
--format``, the seat rules of ``history`` and ``publish-history``) come from the one
table of options (``_core.options``): flag, help,
default and variables, and ``raw_inputs`` reads them back by the same rows.
Nothing here imports more than ``argparse`` and that table at start-up, so
``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Literal

from .._errors import CopilotUsageReportError
from . import help as help_text

__all__ = [
    "PROG",
    "SCENARIOS",
    "build_parser",
    "package_version",
    "raw_inputs",
    "table_options",
]

PROG = "copilot-usage-report"
#: What ``serve-demo`` can play: GitHub answering normally, or refusing the token with 403.
SCENARIOS = ("ok", "forbidden")


def package_version() -> str:
    """This package's version, read from its metadata only when asked."""
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
        print(f"{PROG} {package_version()}")
        parser.exit()


#: The report scopes each command offers (``demo`` serves its organization only); the
#: commands whose options fall back to the environment are the table's ``ENV_COMMANDS``.
_SCOPES: dict[str, tuple[Literal["org", "enterprise"], ...]] = {
    "fetch": ("org", "enterprise"),
    "demo": ("org",),
}


def table_options(parser: argparse.ArgumentParser, command: str) -> None:
    """Every option of the table of options (``_core.options``) that ``command`` takes."""
    from .._core import ENV_COMMANDS, offered, options_of

    kinds = ", ".join(offered(_SCOPES.get(command, ("org", "enterprise"))))
    for option in options_of(command):
        text = option.help_in(command, kinds=kinds, env=command in ENV_COMMANDS)
        if option.switch:
            parser.add_argument(
                option.flag,
                dest=option.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=text,
            )
        else:
            parser.add_argument(option.flag, dest=option.name, metavar=option.metavar, help=text)


def raw_inputs(args: argparse.Namespace, command: str) -> dict[str, str | None]:
    """The table's options as ``command`` was given them, as text (a switch as true/false)."""
    from .._core import options_of

    given: dict[str, str | None] = {}
    for option in options_of(command):
        value = getattr(args, option.name, None)
        given[option.name] = str(value).lower() if isinstance(value, bool) else value
    return given


def _run_options(parser: argparse.ArgumentParser, command: str) -> None:
    """``fetch``'s and ``demo``'s options: the table's, then --json and --debug."""
    table_options(parser, command)
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
    from .._core import parse_seconds

    try:
        value = parse_seconds("--lifetime", text, high=7 * 24 * 3600.0)
    except CopilotUsageReportError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("--lifetime must be more than 0 seconds.")
    return value


def _history_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = _command(
        commands,
        "history",
        help="build a database, daily.csv and a dashboard page from archived reports",
        description="Read every day folder with a valid manifest under the given folders "
        "(fetch output, downloaded artifacts merged or not, any mix of organizations and "
        "enterprises), check each file against its manifest, and write copilot-usage.sqlite "
        "(updated incrementally), daily.csv and a self-contained index.html into --out.",
        epilog=help_text.HISTORY_EPILOG,
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
    table_options(history, "history")
    _debug_option(history)


# -- warehouse: its options, kept in one block ----------------------------------------------


def _warehouse_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    warehouse = _command(
        commands,
        "warehouse",
        help="turn archived reports into a Parquet dataset that DuckDB, Spark, BigQuery and "
        "Athena read in place",
        description="Read every report folder of the archive whose manifest checks out and "
        "write it into --out as a Hive-partitioned Parquet dataset, one table per grain "
        "(<table>/scope=.../day=.../part-0.parquet). Only folders that changed since the last "
        "run are written; each partition is written aside and renamed in. Needs the warehouse "
        "extra (pyarrow).",
        epilog=help_text.WAREHOUSE_EPILOG,
    )
    warehouse.add_argument(
        "archive",
        metavar="ARCHIVE",
        help="the archive folder a fetch wrote (holding orgs/ or enterprises/)",
    )
    warehouse.add_argument(
        "--out", required=True, metavar="DIR", help="the dataset's folder (required)"
    )
    _debug_option(warehouse)


# -- end of warehouse ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render the README's usage block)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Archive GitHub Copilot usage metrics reports.",
        epilog=help_text.MAIN_EPILOG,
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
        epilog=help_text.FETCH_EPILOG,
    )
    _run_options(fetch, "fetch")
    demo = _command(
        commands,
        "demo",
        help="run fetch against a built-in stand-in of GitHub (no token, no network)",
        description="Start a loopback stand-in of GitHub's API and report storage, fetch from "
        "it with a dummy token, and show what a workflow would see: the files, the step "
        "outputs and the job summary.",
        epilog=help_text.DEMO_EPILOG,
    )
    _run_options(demo, "demo")
    summarize = _command(
        commands,
        "summarize",
        help="summarise report files already on disk, as Markdown on stdout",
        description="Read report files (an artifact downloaded later, a folder of backfilled "
        "days) and print the usage summary a fetch writes to the job summary, as Markdown. "
        "Inside a workflow step it also sets the metrics outputs.",
        epilog=help_text.SUMMARIZE_EPILOG,
    )
    summarize.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="report files (.ndjson, .json), or folders holding them (searched recursively)",
    )
    table_options(summarize, "summarize")
    summarize.add_argument(
        "--json",
        action="store_true",
        help="print the metrics as one JSON object (default: Markdown)",
    )
    _debug_option(summarize)
    _history_parser(commands)
    _warehouse_parser(commands)
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
        epilog=help_text.SERVE_EPILOG,
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
        help="stop every stand-in serve-demo started that still runs, and exit (default off)",
    )
    serve.add_argument(
        "--foreground",
        action="store_true",
        help="serve in this process until interrupted, printing the details as one JSON line "
        "(default off)",
    )
    _debug_option(serve)
    from .publish_history import add_parser as add_publish_history

    add_publish_history(commands, table_options)
    # "Rerun with --debug" works after every command's name, as after fetch's.
    _debug_option(commands.choices["publish-history"])
    return parser
