"""``publish-history``: the command the action runs after the fetch when history-branch is set.

Options fall back to the environment the action sets (``INPUT_*``) and to the
runner's own variables (``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``). The
history token is masked before anything else happens; the Copilot metrics
token (``INPUT_TOKEN``) is never read here, so it can never reach the git host.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import cast

from .._errors import InputError
from .help import PUBLISH_EPILOG

__all__ = ["add_parser", "run_publish_history"]

_TOKEN_ENV = ("INPUT_HISTORY_TOKEN", "HISTORY_TOKEN")
#: Day folders named in the summary line after a failed fetch; the rest are counted.
_NAMED = 10


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    table_options: Callable[[argparse.ArgumentParser, str], None],
) -> None:
    """The ``publish-history`` subcommand and its options (the table's by ``table_options``)."""
    parser = commands.add_parser(
        "publish-history",
        help="commit an archive's day folders and the dashboard to a history branch",
        description="Bring a branch of a GitHub repository (shallow; created empty on the first "
        "run), add the archive's verified day folders, rebuild index.html, daily.csv and "
        "README.md over the whole branch, commit and push, retrying when another run pushed "
        "first. The token is read from HISTORY_TOKEN (INPUT_HISTORY_TOKEN in the action), "
        "never from an option, and goes to git only as an HTTP header in its environment. "
        "Every option falls back to the environment variable named in its help.",
        epilog=PUBLISH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--archive", metavar="DIR", help="the fetch's output folder (env: INPUT_OUTPUT_DIR)"
    )
    parser.add_argument(
        "--branch", metavar="NAME", help="the history branch (env: INPUT_HISTORY_BRANCH)"
    )
    parser.add_argument(
        "--repository",
        metavar="OWNER/NAME",
        help="repository holding the branch (env: INPUT_REPOSITORY, GITHUB_REPOSITORY)",
    )
    parser.add_argument(
        "--server-url",
        metavar="URL",
        help="GitHub server (env: INPUT_SERVER_URL, GITHUB_SERVER_URL; default https://github.com)",
    )
    parser.add_argument(
        "--per-user",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also keep per-user reports, gzip-compressed (env: INPUT_HISTORY_PER_USER; "
        "default off)",
    )
    parser.add_argument(
        "--site",
        metavar="DIR",
        help="also write the dashboard, daily.csv and the SQLite database over the whole "
        "branch here (env: INPUT_HISTORY_SITE)",
    )
    table_options(parser, "publish-history")
    parser.add_argument(
        "--json", action="store_true", help="print the outputs as one JSON object on stdout"
    )


def _value(cli: str | None, env: Mapping[str, str], *names: str) -> str | None:
    if cli:
        return cli
    for name in names:
        if env.get(name):
            return env[name]
    return None


def run_publish_history(
    args: argparse.Namespace,
    env: Mapping[str, str] | None = None,
    *,
    given: Mapping[str, str | None] | None = None,
) -> int:
    """Publish, set the outputs ``history-commit``, ``history-url`` and ``history-site``;
    ``given``: the table's options as given (``parser.raw_inputs``)."""
    from .._core import RawInputs, command_options, parse_flag, testing_mode
    from ..history import auth_header, publish_history
    from .workflow import end_group, in_actions, mask, start_group, write_outputs, write_summary

    env = os.environ if env is None else env
    token = _value(None, env, *_TOKEN_ENV)
    if token:
        mask(token)
        mask(auth_header(token).partition(" ")[2])
    # The seat rules: a bad one is an input error before anything is sent.
    rules = command_options("publish-history", RawInputs(**(given or {})), env=env)
    archive = _value(args.archive, env, "INPUT_OUTPUT_DIR")
    branch = _value(args.branch, env, "INPUT_HISTORY_BRANCH")
    repository = _value(args.repository, env, "INPUT_REPOSITORY", "GITHUB_REPOSITORY")
    server = (
        _value(args.server_url, env, "INPUT_SERVER_URL", "GITHUB_SERVER_URL")
        or "https://github.com"
    )
    site = _value(args.site, env, "INPUT_HISTORY_SITE")
    per_user = args.per_user
    if per_user is None:
        per_user = parse_flag(
            "history-per-user", env.get("INPUT_HISTORY_PER_USER") or None, default=False
        )
    if not archive:
        raise InputError("no archive folder: pass --archive DIR (the fetch's output folder).")
    if not branch:
        raise InputError("no history branch: set history-branch (or pass --branch NAME).")
    if not repository:
        raise InputError("no repository: pass --repository OWNER/NAME (or set GITHUB_REPOSITORY).")
    if not token:
        raise InputError(
            "no history token: set history-token (the default is the workflow's "
            "github.token), or HISTORY_TOKEN at a terminal."
        )
    if not Path(archive).is_dir():
        raise InputError(f"the archive folder {archive} does not exist; run fetch first.")

    def say(line: str) -> None:
        print(line, file=sys.stderr)

    def warn(line: str) -> None:
        if in_actions():
            from .workflow import annotate_warning

            annotate_warning(line, title="History branch")
        else:
            print(f"copilot-usage-report: warning: {line}", file=sys.stderr)

    start_group("History branch: git")
    try:
        result = publish_history(
            Path(archive),
            branch=branch,
            repository=repository,
            server=server,
            token=token,
            per_user=per_user,
            site=Path(site) if site else None,
            work_dir=Path(env["RUNNER_TEMP"]) if env.get("RUNNER_TEMP") else None,
            log=say,
            warn=warn,
            sleep=(lambda _: None) if testing_mode(env) else time.sleep,
            git_log=lambda line: say(f"  $ {line}"),
            inactive_days=cast(int, rules["inactive_days"]),
            seat_price=cast("float | None", rules["seat_price"]),
            credit_pool=cast("int | None", rules["credit_pool"]),
            show_repositories=bool(rules["show_repositories"]),
        )
    finally:
        end_group()
    outputs = {
        "history-commit": result.commit,
        "history-url": result.url,
        "history-site": str(Path(site).resolve()) if site else "",
    }
    write_outputs(outputs)
    changed = len(result.added) + len(result.replaced)
    failed = env.get("INPUT_FETCH_OUTCOME") == "failure"
    if result.commit and failed:
        folders = [*result.added, *result.replaced]
        from .._render import markdown_code

        named = ", ".join(markdown_code(f) for f in folders[:_NAMED])
        more = f" and {len(folders) - _NAMED:,} more" if len(folders) > _NAMED else ""
        line = (
            f"History: the fetch failed, but the {changed} day folder(s) it saved and verified "
            f"before that went in to [{result.branch}]({result.url}) as {result.commit[:12]}: "
            f"{named}{more}."
        )
    elif result.commit:
        line = (
            f"History: {changed} day folder(s) committed to [{result.branch}]({result.url}) "
            f"as {result.commit[:12]}."
        )
    else:
        line = f"History: [{result.branch}]({result.url}) already held every day; no commit."
    write_summary(line + "\n")
    if args.json:
        print(json.dumps(outputs, indent=2))
    else:
        print(line.replace(f"[{result.branch}]({result.url})", f"{result.branch} ({result.url})"))
    return 0
