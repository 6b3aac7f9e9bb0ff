"""A billing kind fetched one API call a day (``_pipeline.calls``), with no code of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from copilot_usage_report._archive import ManifestScope, read_manifest
from copilot_usage_report._core import RawInputs, ReportKind, build_settings
from copilot_usage_report._errors import ReportNotAvailableError
from copilot_usage_report._github import make_api_client
from copilot_usage_report._pipeline import calls
from copilot_usage_report._pipeline.kindrun import KindRun

API = "https://api.example.test"
TODAY = datetime.now(UTC).date()
DAYS = [TODAY - timedelta(days=n) for n in (9, 8)]
KIND = ReportKind(
    "toy-credits",
    rolling=False,
    grain=None,
    request="billing",
    endpoint="{owner}/settings/billing/toy_usage",
)


@pytest.fixture
def counters() -> Iterator[None]:
    """The counters' table as it was, whatever a test registers."""
    saved = dict(calls._COUNTERS)
    try:
        yield
    finally:
        calls._COUNTERS.clear()
        calls._COUNTERS.update(saved)


def _fetch(tmp_path: Path, policy: str, missing: date | None = None):
    """``fetch_calls`` over ``DAYS``; what it returned, the warnings and the paths asked."""
    settings = build_settings(
        RawInputs(day=f"{DAYS[0]}..{DAYS[-1]}", if_not_available=policy, output_dir=str(tmp_path)),
        today=TODAY,
        env={"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x", "INPUT_API_URL": API},
    )
    settings = replace(settings, kinds=(KIND,))
    asked: list[str] = []
    warned: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(f"{request.url.path}?{request.url.query.decode()}")
        day = date(*(int(request.url.params[k]) for k in ("year", "month", "day")))
        status, body = (
            (404, {"message": "Not Found"})
            if day == missing
            else (200, {"usageItems": [{"q": day.day}]})
        )
        return httpx.Response(status, stream=httpx.ByteStream(json.dumps(body).encode()))

    with make_api_client(
        API, "ghp_x", api_version="v", user_agent="t", transport=httpx.MockTransport(answer)
    ) as api:
        run = KindRun(
            settings=settings, api=api, scope=ManifestScope(kind="org", name="my-org"),
            origin=API, tool="t", log=lambda _: None, today=TODAY,
            warn=lambda text, title: warned.append(text),
        )  # fmt: skip
        fetched = calls.fetch_calls(run, KIND)
    return fetched, warned, asked


def test_each_day_is_asked_once_and_kept_as_served_with_a_manifest(tmp_path, counters):
    """One call a day on the billing API's path; the answer kept byte for byte, under a
    manifest naming the kind and day, and counted by the kind's counter."""
    calls.register_counter(KIND.name, lambda reports: len(reports))  # type: ignore[arg-type,return-value]
    fetched, warned, asked = _fetch(tmp_path, "error")
    assert asked == [
        f"/organizations/my-org/settings/billing/toy_usage?year={d.year}&month={d.month}&day={d.day}"
        for d in DAYS
    ]
    assert [r.report_day for r in fetched.reports] == DAYS and fetched.numbers == 2
    for report in fetched.reports:
        kept = report.folder / "toy-credits.json"
        assert json.loads(kept.read_bytes()) == {"usageItems": [{"q": report.report_day.day}]}
        manifest = read_manifest(report.folder)
        assert manifest is not None and manifest.report == KIND.name
        assert manifest.report_day == report.report_day
    again, _, asked_again = _fetch(tmp_path, "error")
    assert asked_again == [] and all(r.resumed for r in again.reports)
    assert not warned


@pytest.mark.parametrize("policy", ["error", "warn", "skip"])
def test_a_day_without_an_answer_follows_if_not_available(tmp_path, policy):
    """A 404 stops the run, warns or is skipped, as ``if-not-available`` says; the day is
    missing either way, and nothing is saved for it."""
    if policy == "error":
        with pytest.raises(ReportNotAvailableError, match="toy-credits"):
            _fetch(tmp_path, policy, missing=DAYS[0])
        assert not (tmp_path / "orgs" / "my-org" / KIND.name / DAYS[0].isoformat()).exists()
        return
    fetched, warned, _ = _fetch(tmp_path, policy, missing=DAYS[0])
    assert [m.day for m in fetched.missing] == [DAYS[0]]
    assert [r.report_day for r in fetched.reports] == [DAYS[1]]
    assert len(warned) == (1 if policy == "warn" else 0)
    assert not (tmp_path / "orgs" / "my-org" / KIND.name / DAYS[0].isoformat()).exists()
