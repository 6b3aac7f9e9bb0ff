"""GitHub's limits on what a step writes, held by design for a large enterprise's month.

GitHub keeps at most 1 MB of outputs per job (all steps, counted as UTF-16) and drops a job
summary over 1 MiB. The stand-in serves an enterprise of 100,000 users in 2,000 teams for 28
days (the aggregate, the per-user rows of each day's 20,000 active users, and the user-teams
memberships of all 100,000), and the real CLI fetches the range in Actions mode. Every output
together stays under 128 KB as UTF-16, the summary under 1 MiB, and ``metrics-file`` holds
everything: it equals ``summarize --json`` of the archive, teams and days included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from copilot_usage_report._standin.server import StandIn

TOKEN = "ghp_TESTTOKEN1234567890"
SLUG = "big-enterprise"
USERS = 100_000
TEAMS = 2_000
ACTIVE = 20_000
DAYS = 28
LANGUAGES = 300
END = datetime.now(UTC).date() - timedelta(days=3)
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics" / "organization-1-day.ndjson"
_DAY = b"DAY-PLACEHOLDER"


def _user_row(user: int) -> bytes:
    language = f"lang-{user % LANGUAGES}"
    model = f"model-{user % 40}"
    return (
        b'{"user_id": %d, "user_login": "user%d", "day": "%s", "enterprise_id": "7", '
        b'"user_initiated_interaction_count": %d, "code_generation_activity_count": 3, '
        b'"code_acceptance_activity_count": 1, "loc_suggested_to_add_sum": 9, '
        b'"loc_suggested_to_delete_sum": 0, "loc_added_sum": 4, "loc_deleted_sum": 1, '
        b'"totals_by_language_model": [{"language": "%s", "model": "%s", '
        b'"code_generation_activity_count": 3, "code_acceptance_activity_count": 1}]}\n'
        % (user, user, _DAY, 1 + user % 7, language.encode(), model.encode())
    )


def _templates() -> tuple[bytes, bytes, bytes]:
    """One day's three files with the day left as a placeholder (filled per request)."""
    aggregate = FIXTURE.read_bytes().replace(b'"2026-11-20"', b'"%s"' % _DAY)
    aggregate = aggregate.replace(b'"organization_id": "999", ', b"")
    aggregate = aggregate.replace(b'"enterprise_id": "13213"', b'"enterprise_id": "7"')
    users = b"".join(_user_row(u) for u in range(ACTIVE))
    members = b"".join(
        b'{"user_id": %d, "day": "%s", "enterprise_id": "7", "team_id": %d, "slug": "team-%d"}\n'
        % (u, _DAY, u % TEAMS, u % TEAMS)
        for u in range(USERS)
    )
    return aggregate, users, members


def _body(template: bytes, day: str, step: int = 1 << 20) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        body = template.replace(_DAY, day.encode())
        for start in range(0, len(body), step):
            yield body[start : start + step]

    return chunks


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le"))


def test_a_large_enterprise_month_stays_within_githubs_output_and_summary_limits(
    standin: StandIn, run_cli, tmp_path: Path
):
    aggregate, users, members = _templates()
    days = [END - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    for day in days:
        iso = day.isoformat()
        for kind, template in (
            ("enterprise-1-day", aggregate),
            ("users-1-day", users),
            ("user-teams-1-day", members),
        ):
            standin.add_report(
                SLUG, day, [(f"{kind}-{iso}.ndjson", _body(template, iso))], kind=kind
            )
    out = tmp_path / "out"
    run = run_cli(
        "fetch",
        env={
            "INPUT_ENTERPRISE": SLUG,
            "INPUT_TOKEN": TOKEN,
            "INPUT_API_URL": standin.api_url,
            "INPUT_OUTPUT_DIR": str(out),
            "INPUT_REPORT": "enterprise-1-day,users-1-day,user-teams-1-day",
            "INPUT_DAY": f"{days[0].isoformat()}..{days[-1].isoformat()}",
        },
        actions=True,
    )
    assert run.code == 0, run.stderr[-3000:]
    assert run.outputs["file-count"] == str(3 * DAYS)

    total = sum(_utf16(name) + _utf16(value) for name, value in run.outputs.items())
    assert total < 128 * 1024, {name: _utf16(v) for name, v in run.outputs.items()}
    assert len(run.summary.encode()) < 1024 * 1024

    compact = json.loads(run.outputs["metrics"])
    assert len(compact["days"]) + compact["left_out"]["days"] == DAYS
    assert compact["left_out"]["teams"] == TEAMS - len(compact["days"][-1]["teams"]) > 0
    assert compact["left_out"]["file"] == run.outputs["metrics-file"]

    whole = json.loads(Path(run.outputs["metrics-file"]).read_text())
    assert len(whole["days"]) == DAYS
    assert len(whole["days"][-1]["teams"]) == TEAMS
    from_disk = run_cli("summarize", "--json", str(out))
    assert from_disk.code == 0, from_disk.stderr[-3000:]
    assert whole == json.loads(from_disk.stdout)
    # the summary's cut tables say how many rows are left out and where they are
    assert "more rows, in runs/" in run.summary
