"""``FileTally``'s ways in (lines one by one, blocks of lines, decoded values) queue per-user
rows alike: the same sums, the same count, the same line named for a wrong type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._metrics import Tally, decode_lines
from copilot_usage_report._metrics.feed import FileTally
from copilot_usage_report._metrics.precedence import LOOSE
from copilot_usage_report._metrics.records import RecordError
from copilot_usage_report._metrics.sums import Bad
from tests.metrics.test_metrics import aggregate, user, write

Feed = Callable[[FileTally, list[bytes]], None]


def _by_line(feed: FileTally, lines: list[bytes]) -> None:
    for raw in lines:
        feed.add_line(raw)


def _by_block(feed: FileTally, lines: list[bytes]) -> None:
    """Blocks of per-user rows only (added in bulk) and of mixed lines (line by line)."""
    for cut in (slice(0, 2), slice(2, 5), slice(5, 6), slice(6, None)):
        feed.add_lines(lines[cut])


def _decoded(feed: FileTally, lines: list[bytes]) -> None:
    values, users = decode_lines(lines)
    assert len(values) == len(lines)
    feed.add_decoded(values, 1, users=users)


def _outcome(path: Path, feed_with: Feed, *, handed: list[object] | None = None) -> object:
    tally = Tally()
    feed = tally.file(path, on_record=None if handed is None else lambda _, r: handed.append(r))
    try:
        feed_with(feed, path.read_bytes().splitlines())
        records = feed.finish()
    except ReportFormatError as exc:
        return exc.message
    return records, tally.insight().metrics()


@pytest.mark.parametrize("bad", [None, 0, 1, 3, 4, 6])
def test_every_way_in_queues_per_user_rows_alike(tmp_path, bad):
    """Runs of per-user rows between aggregate days add up, and a wrong type is located, the
    same whichever way the lines come (``bad``: the record given a wrong type)."""
    records = [
        user(1),
        user(2, used_chat=True),
        aggregate(),
        user(3),
        user(4),
        aggregate(day="2026-11-21"),
        user(5),
    ]
    if bad is not None:
        records[bad]["code_generation_activity_count"] = "many"
    path = write(tmp_path / "mixed.ndjson", *records)
    handed: list[object] = []
    outcomes = [_outcome(path, way) for way in (_by_line, _by_block, _decoded)]
    outcomes.append(_outcome(path, _by_block, handed=handed))  # records handed on: no fast path
    assert outcomes[1:] == outcomes[:1] * 3
    if bad is None:
        tally = Tally()
        assert outcomes[0] == (tally.add_file(path), tally.insight().metrics())
        assert tally.add_file(path) == 7
        assert handed == records
    else:
        assert isinstance(outcomes[0], str) and f"line {bad + 1}:" in outcomes[0]


class _Refuses(Tally):
    """A tally that finds user ``refused``'s row of a wrong type, as the bulk sums and the
    one-by-one check would: what makes a feed locate a row it queued."""

    refused = 4

    def add_users(self, records):
        ids = [r["user_id"] if type(r) is dict else r.user_id for r in records]
        if self.refused in ids:
            raise Bad
        super().add_users(records)

    def add(self, kind, record, *, source="", rank=LOOSE):
        if kind == "users" and record.get("user_id") == self.refused:
            raise RecordError(record, kind)
        super().add(kind, record, source=source, rank=rank)


@pytest.mark.parametrize("feed_with", [_by_line, _by_block, _decoded])
@pytest.mark.parametrize(("refused", "line"), [(1, 1), (4, 5), (6, 8)])
def test_a_queued_row_refused_in_bulk_is_named_by_its_line(tmp_path, feed_with, refused, line):
    """A per-user row the fast path queued and the sums refuse is named by its own line, at the
    start, the middle or the end of the file."""
    records = [user(1), user(2), aggregate(), user(3), user(4), aggregate(day="2026-11-21")]
    records += [user(5), user(6)]
    path = write(tmp_path / "mixed.ndjson", *records)
    refuses = type("Refuses", (_Refuses,), {"refused": refused})
    feed = FileTally((refuses(),), path)
    with pytest.raises(ReportFormatError, match=rf"mixed\.ndjson, line {line}\b"):
        feed_with(feed, path.read_bytes().splitlines())
        feed.finish()
