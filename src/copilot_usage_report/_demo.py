"""``demo``: the real pipeline against the loopback stand-in.

No token and no network: a ``StandIn`` serves the demo's made-up history
(``_demodata``: every report kind of organization ``octo-demo`` and enterprise
``octo-demo-enterprise``, 121 days with a few gaps) on two loopback origins.
``demo`` builds its settings and runs the pipeline exactly as ``fetch`` does,
then prints what a workflow would see (the step outputs and the job summary).
``serve-demo`` (``_serve_demo``) leaves the same stand-in running in the
background. This module sits beside ``_cli`` (which calls it), never under it.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import _demodata as data
from ._demodata import DEMO_ENTERPRISE, DEMO_ORG
from ._standin import Fault, Lazy, StandIn

if TYPE_CHECKING:
    from ._metrics import Insight
    from ._progress import Progress
    from ._run import RunResult
    from ._settings import Settings

__all__ = [
    "DEMO_ENTERPRISE",
    "DEMO_ORG",
    "DEMO_TOKEN",
    "demo_archive",
    "demo_standin",
    "run_demo",
]

DEMO_TOKEN = "demo-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential
DEMO_OUTPUT_DIR = "copilot-usage-demo"
_AGENT = "copilot-usage-report-demo"
#: The answer of the ``forbidden`` scenario to every API request.
_FORBIDDEN = Fault(
    status=403,
    headers=(("Content-Type", "application/json"),),
    body=json.dumps(
        {"message": "Resource not accessible by personal access token", "status": "403"}
    ).encode(),
)
Report = Callable[..., "Insight | None"]
#: Each scope the demo serves: its name in ``_demodata``, login or slug, aggregate, API prefix.
_SCOPES: tuple[tuple[data.ScopeName, str, str, Literal["orgs", "enterprises"]], ...] = (
    ("org", DEMO_ORG, "organization", "orgs"),
    ("enterprise", DEMO_ENTERPRISE, "enterprise", "enterprises"),
)


def demo_standin(today: date, *, scenario: str = "ok") -> StandIn:
    """A stand-in serving the demo's history up to the day before yesterday.

    Every report kind of both scopes: the one-day kinds for each day of
    ``_demodata.history`` (a gap day answers 404, as does yesterday, which GitHub
    has not readied yet), the 28-day kinds as the window ending on the newest day.
    In the ``forbidden`` scenario every API request is refused with a 403, as
    GitHub refuses a token that lacks the "Organization Copilot metrics" permission.
    """
    standin = StandIn(token=DEMO_TOKEN)
    if scenario == "forbidden":
        standin.api_fault_always = _FORBIDDEN
    newest = data.newest_day(today)
    for scope, name, aggregate, prefix in _SCOPES:
        add = functools.partial(standin.add_report, name, scope=prefix)
        for day in data.history(today):
            add(
                day, [(_file(1), _lazy(data.aggregate_file, scope, day))],
                kind=f"{aggregate}-1-day",
            )  # fmt: skip
            add(
                day,
                [
                    (_file(n + 1, "ndjson"), _lazy(data.users_file, scope, day, n, 2))
                    for n in (0, 1)
                ],
                kind="users-1-day",
            )
            add(
                day, [(_file(1, "ndjson"), _lazy(data.user_teams_file, scope, day))],
                kind="user-teams-1-day",
            )  # fmt: skip
            add(
                day, [(_file(1, "ndjson"), _lazy(data.repos_file, scope, day))],
                kind="repos-1-day",
            )  # fmt: skip
        start = newest - timedelta(days=27)
        add(
            newest, [(_file(1), _lazy(data.rolling_file, scope, newest, today))],
            kind=f"{aggregate}-28-day", start=start,
        )  # fmt: skip
        add(
            newest, [(_file(1), _lazy(data.rolling_file, scope, newest, today, users=True))],
            kind="users-28-day", start=start,
        )  # fmt: skip
    return standin


def _file(n: int, extension: str = "json") -> str:
    return f"copilot-usage-report-{n}.{extension}"


def _lazy(make: Callable[..., bytes], *args: object, **kwargs: object) -> Lazy:
    return Lazy(lambda: make(*args, **kwargs))


def demo_settings(
    api_url: str,
    *,
    output_dir: Path | str = DEMO_OUTPUT_DIR,
    day: str | None = None,
    report: str | None = None,
    enterprise: bool = False,
    options: dict[str, str | None] | None = None,
) -> Settings:
    """Settings for a fetch from a demo stand-in at ``api_url`` (no environment read)."""
    from ._settings import RawInputs, build_settings

    raw = RawInputs(
        org=None if enterprise else DEMO_ORG,
        enterprise=DEMO_ENTERPRISE if enterprise else None,
        report=report,
        day=day,
        token=DEMO_TOKEN,
        api_url=api_url,
        output_dir=str(output_dir),
        **(options or {}),
    )
    return build_settings(raw, today=datetime.now(UTC).date(), env={})


def demo_archive(
    output_dir: Path,
    *,
    days: int = data.HISTORY_DAYS,
    report: str = "organization-1-day,users-1-day,user-teams-1-day",
    enterprise: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Fetch the demo's history (``last-N-days``, gaps skipped) into ``output_dir``.

    For the dashboard's demo and tests: a real archive, made by the real pipeline.
    """
    from ._progress import Progress
    from ._session import run_fetch

    with demo_standin(datetime.now(UTC).date()) as standin:
        settings = demo_settings(
            standin.api_url,
            output_dir=output_dir,
            day=f"last-{days + 2}-days",
            report=report,
            enterprise=enterprise,
            options={"if_not_available": "skip"},
        )
        return run_fetch(
            settings, progress=progress or Progress.silent(), user_agent=_AGENT, tool=_AGENT
        )


def forget_earlier_demo(output_dir: Path) -> int:
    """Remove the day folders an earlier demo saved in ``output_dir``; returns how many.

    Each demo serves from a new loopback port, and a day folder is reused only for
    the API origin that filled it, so a second ``demo`` into the same folder would be
    refused. Only folders whose manifest names a loopback origin (a stand-in's, never
    GitHub's) are removed; anything else in the folder is left as it is.
    """
    import shutil
    from urllib.parse import urlsplit

    from ._store import read_manifest

    removed = 0
    for manifest in sorted(output_dir.glob("*/*/*/*/manifest.json")):
        kept = read_manifest(manifest.parent)
        host = urlsplit(kept.api_origin or "").hostname if kept is not None else None
        if host in {"127.0.0.1", "localhost", "::1"}:
            shutil.rmtree(manifest.parent, ignore_errors=True)
            removed += 1
    return removed


def run_demo(args: argparse.Namespace, *, report: Report) -> int:
    """Serve the history, fetch from it like a workflow would, print outputs and summary."""
    from ._links import redact_text
    from ._progress import Progress
    from ._session import run_fetch
    from ._summary import render_result
    from ._workflow import in_actions, outputs_of

    today = datetime.now(UTC).date()
    forget_earlier_demo(Path(args.output_dir or DEMO_OUTPUT_DIR))
    with demo_standin(today) as standin:
        settings = demo_settings(
            standin.api_url,
            output_dir=args.output_dir or DEMO_OUTPUT_DIR,
            day=args.day,
            report=args.report,
            options={
                "retries": args.retries,
                "max_wait": args.max_wait,
                "concurrency": args.concurrency,
                "timeout": args.timeout,
                "job_summary": None if args.summary is None else str(args.summary).lower(),
                "format": args.format,
            },
        )
        print(
            f"Demo: a loopback stand-in of GitHub's API ({standin.api_url}) and report storage "
            f"({standin.storage_url}) serves organization {DEMO_ORG!r} and enterprise "
            f"{DEMO_ENTERPRISE!r}; no token, no network.\n"
        )
        result = run_fetch(
            settings,
            progress=Progress.detect(in_actions=in_actions()),
            user_agent=_AGENT,
            tool=_AGENT,
            created=settings.output_dir if settings.created_output_dir else None,
        )
        # The dashboard's history: the same stand-in's whole history (gaps skipped) into
        # the same archive; the day just fetched is complete on disk and not asked again.
        history = demo_settings(
            standin.api_url,
            output_dir=settings.output_dir,
            day=f"last-{data.HISTORY_DAYS + 2}-days",
            report="organization-1-day,users-1-day,user-teams-1-day",
            options={"if_not_available": "skip"},
        )
        run_fetch(history, progress=Progress.silent(), user_agent=_AGENT, tool=_AGENT)
    from .history import build

    dashboard = build([settings.output_dir], settings.output_dir / "dashboard")
    if args.json:
        report(result, as_json=True, settings=settings)
        return 0
    insight = report(result, as_json=False, settings=settings)
    print("\nStep outputs (what later steps read as steps.<id>.outputs.*; link signatures")
    print("are elided here as in every log line, the real output holds them):")
    for name, value in outputs_of(result, insight).items():
        print(f"  {name} = {redact_text(value)}")
    print("\nJob summary (Markdown, as GitHub renders it on the run page):\n")
    print(render_result(result, insight))
    print(
        f"Dashboard of the {dashboard.days} archived day(s) (database, daily.csv, page): open "
        f"{dashboard.page}"
    )
    return 0


# -- serve-demo ------------------------------------------------------------------------------
