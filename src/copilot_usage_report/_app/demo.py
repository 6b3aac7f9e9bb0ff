"""``demo``: the real pipeline against the loopback stand-in.

No token and no network: a ``StandIn`` serves the demo's made-up history
(``_standin.data``: every report kind of organization ``octo-demo`` and enterprise
``octo-demo-enterprise``, 121 days with a few gaps) on two loopback origins.
``demo`` builds its settings and runs the pipeline exactly as ``fetch`` does,
then prints what a workflow would see (the step outputs and the job summary).
``serve-demo`` (``serve_demo``) leaves the same stand-in running in the
background. This module sits beside ``cli`` (which calls it), never under it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .._core import CREDITS, SEATS, option
from .._standin import DEMO_ENTERPRISE, DEMO_ORG, DEMO_TOKEN, HISTORY_DAYS, demo_standin
from .parser import raw_inputs

if TYPE_CHECKING:
    from .._core import Settings
    from .._metrics import Insight
    from .._pipeline import RunResult
    from .progress import Progress

__all__ = [
    "DEMO_ENTERPRISE",
    "DEMO_ORG",
    "DEMO_TOKEN",
    "demo_archive",
    "demo_standin",
    "run_demo",
]

#: The demo's output folder, as the table of options states it for ``demo``.
DEMO_OUTPUT_DIR = cast(str, option("output_dir").default_in("demo"))
_AGENT = "copilot-usage-report-demo"
Report = Callable[..., "Insight | None"]


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
    from .._core import RawInputs, build_settings

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
    days: int = HISTORY_DAYS,
    report: str = "organization-1-day,users-1-day,user-teams-1-day",
    enterprise: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Fetch the demo's history (``last-N-days``, gaps skipped) into ``output_dir``.

    For the dashboard's demo and tests: a real archive, made by the real pipeline.
    """
    from .progress import Progress
    from .session import run_fetch

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

    from .._archive import read_manifest

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
    from .._core import redact_text
    from .._render import render_result
    from .action_outputs import action_outputs
    from .budget import shorten
    from .progress import Progress
    from .session import run_fetch
    from .workflow import in_actions, outputs_of

    today = datetime.now(UTC).date()
    with demo_standin(today) as standin:
        settings = demo_settings(
            standin.api_url,
            output_dir=args.output_dir or DEMO_OUTPUT_DIR,
            day=args.day,
            report=args.report,
            options={
                name: value
                for name, value in raw_inputs(args, "demo").items()
                if name not in ("day", "report", "output_dir")
            },
        )
        # Only once the options are known good: bad input leaves the earlier demo's folders.
        forget_earlier_demo(settings.output_dir)
        print(
            f"Demo: a loopback stand-in of GitHub's API ({standin.api_url}) and report storage "
            f"({standin.storage_url}) serves organization {DEMO_ORG!r} and enterprise "
            f"{DEMO_ENTERPRISE!r}; no token, no network.\n",
            # With --json, stdout is the one JSON object and nothing else.
            file=sys.stderr if args.json else sys.stdout,
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
            day=f"last-{HISTORY_DAYS + 2}-days",
            report="organization-1-day,users-1-day,user-teams-1-day,repos-1-day",
            options={"if_not_available": "skip"},
        )
        run_fetch(history, progress=Progress.silent(), user_agent=_AGENT, tool=_AGENT)
        for enterprise in (False, True):  # AI credits billed, as far back as the reports
            credits = demo_settings(
                standin.api_url,
                output_dir=settings.output_dir,
                day=f"last-{HISTORY_DAYS + 2}-days",
                report=CREDITS,
                enterprise=enterprise,
            )
            run_fetch(credits, progress=Progress.silent(), user_agent=_AGENT, tool=_AGENT)
        _seat_history(standin.api_url, settings.output_dir)
    from ..history import build

    dashboard = build(
        [settings.output_dir],
        settings.output_dir / "dashboard",
        inactive_days=settings.inactive_days,
        seat_price=settings.seat_price,
        show_repositories=settings.show_repositories,
    )
    if args.json:
        report(result, as_json=True, settings=settings)
        return 0
    insight = report(result, as_json=False, settings=settings)
    print("\nStep outputs (the action's, which later steps read as steps.<id>.outputs.*; link")
    print("signatures are elided here as in every log line, the real output holds them):")
    metrics_file = result.index.parent / "metrics.json" if result.index else None
    shown = metrics_file if metrics_file is not None and metrics_file.exists() else ""
    outputs, later = action_outputs(outputs_of(result, insight, str(shown)))
    for name, value in outputs:
        print(f"  {name} = {shorten(redact_text(value))}")
    for when, names in later:
        print(f"  {', '.join(names)}: set {when}")
    print("\nJob summary (Markdown, as GitHub renders it on the run page):\n")
    print(
        render_result(
            result,
            insight,
            show_repositories=settings.show_repositories,
            credit_pool=settings.credit_pool,
        )
    )
    print(
        f"Dashboard of the {dashboard.days} archived day(s) (database, daily.csv, page): open "
        f"{dashboard.page}"
    )
    return 0


def _seat_history(api_url: str, output_dir: Path) -> None:
    """Today's seat lists fetched from the stand-in, and the demo's earlier days made up.

    GitHub's seat list is today's only, so the stand-in cannot serve a past day: the
    dashboard's seats history is the demo's seats as of each earlier day
    (``_standin.seats.demo_books``), saved as the fetch saves today's.
    """
    from .._archive import ManifestScope, api_origin
    from .._pipeline import Snapshot, save_snapshot
    from .._standin import book_lines, demo_books
    from .progress import Progress
    from .session import run_fetch

    for enterprise in (False, True):
        today_settings = demo_settings(
            api_url, output_dir=output_dir, report=SEATS, enterprise=enterprise
        )
        run_fetch(today_settings, progress=Progress.silent(), user_agent=_AGENT, tool=_AGENT)
    today = datetime.now(UTC).date()
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        for key, book in demo_books(today, as_of=day).items():
            kind, _, name = key.partition("/")
            lines = book_lines(book)
            billing = json.dumps(book.billing).encode() if book.billing else None
            snapshot = Snapshot(
                scope=ManifestScope(kind="org" if kind == "orgs" else "enterprise", name=name),
                day=day, taken=datetime.combine(day, time(12), tzinfo=UTC), seats=lines,
                billing=billing, total_seats=book.total(), pages=1, records=len(book.seats),
            )  # fmt: skip
            save_snapshot(
                snapshot, output_dir, api_url=api_url, origin=api_origin(api_url), tool=_AGENT
            )


# -- serve-demo ------------------------------------------------------------------------------
