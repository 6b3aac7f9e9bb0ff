"""A fetch keeps what GitHub sent byte for byte, and says when it holds what the history skips."""

from __future__ import annotations

import pytest

from ._common import DAY, env, folder, serve

GOOD = b'{"user_id": 1, "day": "D", "user_initiated_interaction_count": 2}\n'
CASES = {
    "integer": (b'{"user_id": 2, "day": "D", "x": %d}\n' % 2**64, "integer beyond"),
    "deep": (b'{"user_id": 3, "day": "D", "x": ' + b"[" * 300 + b"]" * 300 + b"}\n", "deep"),
    "day": (b'{"user_id": 4, "day": "2020-01-01"}\n', "2020-01-01"),
    "not a date": (b'{"user_id": 5, "day": "2026-02-30"}\n', "field day"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fetch_warns_once_about_what_the_history_skips(standin, run_cli, tmp_path, case):
    """An integer beyond the history's range, nesting beyond its depth, a record of another day
    or one whose day is not a date: saved as sent, exit 0, one warning naming the file, however
    many records hold it."""
    bad, words = CASES[case]
    body = (GOOD + bad * 50 + GOOD).replace(b'"D"', b'"%s"' % DAY.isoformat().encode())
    serve(standin, [("report.ndjson", body)])
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stderr
    saved = folder(tmp_path) / "report.ndjson"
    assert saved.read_bytes() == body
    warnings = [
        ln for ln in run.stderr.splitlines() if ln.startswith("::warning") and "report.ndjson" in ln
    ]
    assert len(warnings) == 1, run.stderr
    assert words in warnings[0], warnings
    if case != "not a date":  # that one: the summary's warning that it cannot read the record
        assert "`history` skips its folder" in warnings[0], warnings


def test_fetch_of_ordinary_records_warns_of_nothing(standin, run_cli, tmp_path):
    """Records inside every bound: no such warning."""
    serve(standin, [("report.ndjson", GOOD.replace(b'"D"', b'"%s"' % DAY.isoformat().encode()))])
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stderr
    assert "skips its folder" not in run.stderr
