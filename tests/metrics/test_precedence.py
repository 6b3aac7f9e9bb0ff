"""Which report's aggregate record of a day counts: the history's rule, in any order."""

from __future__ import annotations

import itertools
from pathlib import Path

from copilot_usage_report._metrics import Tally, report_rank
from copilot_usage_report._metrics.precedence import LOOSE, rank_of

from .test_metrics import aggregate, write

DAY = "2026-11-30"


def _files(tmp_path: Path) -> dict[str, Path]:
    base = tmp_path / "orgs" / "o"
    return {
        "1-day": write(base / "organization-1-day" / DAY / "a.ndjson", aggregate(DAY)),
        "28-day old": write(
            base / "organization-28-day" / DAY / "a.ndjson", aggregate(DAY, daily_active_users=20)
        ),
        "28-day new": write(
            base / "organization-28-day" / "2026-12-02" / "a.ndjson",
            aggregate(DAY, daily_active_users=30),
        ),
    }


def test_the_1_day_report_counts_in_any_order_read_or_merged(tmp_path):
    """Any order of the three files, read or merged, gives the 1-day record and no note."""
    files = _files(tmp_path)
    for order in itertools.permutations(files.values()):
        read, merged = Tally(), Tally()
        for path in order:
            read.add_file(path)
            alone = Tally()
            alone.add_file(path)
            merged.merge(alone)
        for tally in (read, merged):
            insight = tally.insight()
            assert [d.daily_active_users for d in insight.days] == [10]
            assert insight.notes == ()


def test_without_a_1_day_report_the_newer_28_day_folder_counts(tmp_path):
    """Of two 28-day reports, the newer folder's record counts, whichever is read first."""
    files = _files(tmp_path)
    for order in itertools.permutations([files["28-day old"], files["28-day new"]]):
        tally = Tally()
        for path in order:
            tally.add_file(path)
        assert [d.daily_active_users for d in tally.insight().days] == [30]


def test_two_records_of_one_rank_are_a_conflict_noted_even_under_a_higher_one(tmp_path):
    """A 28-day report repeating a day disagrees with itself: noted, though the 1-day one counts."""
    files = _files(tmp_path)
    twice = write(
        files["28-day old"],
        aggregate(DAY, daily_active_users=20),
        aggregate(DAY, daily_active_users=21),
    )
    for order in itertools.permutations([files["1-day"], twice]):
        tally = Tally()
        for path in order:
            tally.add_file(path)
        insight = tally.insight()
        assert [d.daily_active_users for d in insight.days] == [10]
        (note,) = insight.notes
        assert str(twice) in note and "the later wins" in note


def test_ranks_follow_the_archive_layout_and_loose_files_rank_lowest(tmp_path):
    """A file's rank is its folder's report and day; a file outside that layout is ``LOOSE``."""
    assert rank_of(Path("x/organization-1-day/2026-11-30/a.json")) == report_rank(
        "organization-1-day", "2026-11-30"
    )
    assert rank_of(Path("x/organization-1-day/a.json")) == LOOSE
    assert rank_of(Path("x/notes-day/2026-13-40/a.json")) == LOOSE
    assert report_rank("organization-28-day", "2025-01-01") > LOOSE
    assert report_rank("enterprise-28-day", "2026-12-02") < report_rank(
        "enterprise-1-day", "2025-01-01"
    )
