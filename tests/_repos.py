"""Hand-written ``repos-1-day`` rows the repository tests share, and the numbers they give.

Three repositories of organization 42: ``secret-app`` (PRIVATE), ``open-lib`` (PUBLIC) and
``corp-tools`` (INTERNAL). 2026-09-30 is split over two files; ``secret-app`` merges nothing
on 2026-10-01 (no ``median_minutes_to_merge``). Every expected number below is worked out by
hand from the rows, not by the code under test.
"""

from __future__ import annotations

import json
from typing import Any

PRIVATE, PUBLIC, INTERNAL = "secret-app", "open-lib", "corp-tools"


def _row(
    day: str,
    repo_id: int,
    name: str,
    visibility: str,
    created: int,
    merged: int,
    by_copilot: int,
    median: float | None,
    times: list[tuple[int, float, float]] | None,
) -> dict[str, Any]:
    prs: dict[str, Any] = {
        "total_created": created,
        "total_reviewed": created,
        "total_merged": merged,
        "total_created_by_copilot": by_copilot,
        "total_reviewed_by_copilot": 1,
        "total_merged_created_by_copilot": by_copilot,
        "total_copilot_suggestions": 3,
        "total_copilot_applied_suggestions": 1,
        "copilot_suggestions_by_comment_type": [
            {"comment_type": "security", "total_copilot_suggestions": 3,
             "total_copilot_applied_suggestions": 1}
        ],
    }  # fmt: skip
    if median is not None:
        prs["median_minutes_to_merge"] = median
    row: dict[str, Any] = {
        "day": day,
        "organization_id": "42",
        "repo_id": repo_id,
        "repo_owner_name": "acme",
        "repo_name": name,
        "repo_visibility": visibility,
        "pull_requests": prs,
    }
    if times is not None:
        row["pull_request_review_times"] = [
            {"authored_by": "human", "reviewed_by": "human", "total_merged": n,
             "median_minutes_ready_to_first_review": ready,
             "p90_minutes_ready_to_first_review": ready * 2,
             "median_minutes_first_to_final_review": 0,
             "p90_minutes_first_to_final_review": 0,
             "median_minutes_final_review_to_merge": to_merge,
             "p90_minutes_final_review_to_merge": to_merge * 3}
            for n, ready, to_merge in times
        ]  # fmt: skip
    return row


#: (day, file name) -> rows.
FILES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("2026-09-30", "part-1.ndjson"): [
        _row("2026-09-30", 1, PRIVATE, "PRIVATE", 4, 3, 1, 100.0, [(2, 10.0, 5.0)])
    ],
    ("2026-09-30", "part-2.ndjson"): [
        _row("2026-09-30", 2, PUBLIC, "PUBLIC", 2, 1, 1, 50.0, [(1, 30.0, 7.0)])
    ],
    ("2026-10-01", "part-1.ndjson"): [
        _row("2026-10-01", 1, PRIVATE, "PRIVATE", 1, 0, 0, None, []),
        _row("2026-10-01", 3, INTERNAL, "INTERNAL", 5, 5, 0, 300.0, [(1, 60.0, 1.0)]),
    ],
    ("2026-10-02", "part-1.ndjson"): [
        _row("2026-10-02", 3, INTERNAL, "INTERNAL", 0, 5, 0, 10.0, [(5, 1000.0, 2.0)])
    ],
}

#: Sums over every row.
CREATED, MERGED, MERGED_BY_COPILOT = 4 + 2 + 1 + 5 + 0, 3 + 1 + 0 + 5 + 5, 1 + 1 + 0 + 0 + 0
#: PRs merged per month: (created by Copilot, others).
MERGED_BY_MONTH = {"2026-09": (2, 2), "2026-10": (0, 10)}
#: Ready-to-first-review per month, the repositories' daily medians weighted by PRs merged:
#: September (10 x2, 30 x1) -> 10; October (60 x1, 1000 x5) -> 1000 (their mean would be 530,
#: their unweighted lower median 60).
READY_BY_MONTH = {"2026-09": 10.0, "2026-10": 1000.0}
#: corp-tools' median minutes to merge over its days: 300 (5 merged) and 10 (5 merged) -> 155,
#: the weight splits exactly, so their mean; secret-app's: 100 (3 merged) and absent (0 merged)
#: -> 100.
REPO_MEDIANS = {INTERNAL: 155.0, PRIVATE: 100.0, PUBLIC: 50.0}


def ndjson(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)
