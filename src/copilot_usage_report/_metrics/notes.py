"""Notes about records, collapsed: the first few of a kind in full, then one line with a count.

A file may hold the same day's aggregate record 86,000 times; each later one replaces the
one before, and each replacement is worth a note. ``Notes`` keeps, per kind of note (a
family and its subject, such as ``("replaced", "2026-11-30")``), the first ``SHOWN`` in full
(with their line numbers) and a count of the rest, so its size grows with the kinds (the
days), never with the records. ``lines()`` gives what a reader sees: each kind's notes,
then ``… and 86,477 more aggregate records for 2026-11-30 replaced earlier ones.``; past
``KINDS`` kinds, the rest are one line too.

Every note carries its place in the stream of records (``seq``), so notes merged from
tallies filled apart come out in the order one tally would have given.
"""

from __future__ import annotations

from typing import Final

__all__ = ["Notes"]

#: How the count of the notes left out of one kind reads, per family.
_MORE: Final = {
    "replaced": "… and {n:,} more aggregate records for {subject} replaced earlier ones.",
}
#: The same, for the kinds left out past ``KINDS``.
_MORE_KINDS: Final = {
    "replaced": "… and {n:,} more aggregate records of {kinds:,} more days replaced earlier ones.",
}


class _Kind:
    __slots__ = ("first", "more", "shown")

    def __init__(self, first: int) -> None:
        self.first = first
        self.shown: list[str] = []
        self.more = 0


class Notes:
    """Notes by kind: the first ``SHOWN`` of each in full, the rest counted."""

    __slots__ = ("_kinds",)

    #: Notes of one kind shown in full.
    SHOWN: Final = 3
    #: Kinds shown; the notes of any kind past these are counted in one line per family.
    KINDS: Final = 8

    def __init__(self) -> None:
        self._kinds: dict[tuple[str, str], _Kind] = {}

    def __len__(self) -> int:
        """How many notes were added (shown or counted)."""
        return sum(len(k.shown) + k.more for k in self._kinds.values())

    def add(self, family: str, subject: str, seq: int, note: str) -> None:
        """One note of kind ``(family, subject)``, the ``seq``-th event of its stream."""
        kind = self._kinds.get((family, subject))
        if kind is None:
            kind = self._kinds[(family, subject)] = _Kind(seq)
        if len(kind.shown) < self.SHOWN:
            kind.shown.append(note)
        else:
            kind.more += 1

    def merge(self, other: Notes, offset: int) -> None:
        """Add ``other``'s notes as if they came after this one's (their ``seq`` + ``offset``)."""
        for key, theirs in other._kinds.items():
            mine = self._kinds.get(key)
            if mine is None:
                mine = self._kinds[key] = _Kind(theirs.first + offset)
            room = self.SHOWN - len(mine.shown)
            mine.shown += theirs.shown[:room]
            mine.more += theirs.more + len(theirs.shown[room:])

    def lines(self) -> tuple[str, ...]:
        """What a reader sees, in the order the notes came: a few dozen lines at most."""
        kinds = sorted(self._kinds.items(), key=lambda item: item[1].first)
        out: list[str] = []
        for (family, subject), kind in kinds[: self.KINDS]:
            out += kind.shown
            if kind.more:
                out.append(_MORE[family].format(n=kind.more, subject=subject))
        rest: dict[str, list[int]] = {}
        for (family, _), kind in kinds[self.KINDS :]:
            counts = rest.setdefault(family, [0, 0])
            counts[0] += len(kind.shown) + kind.more
            counts[1] += 1
        for family, (n, many) in rest.items():
            out.append(_MORE_KINDS[family].format(n=n, kinds=many))
        return tuple(out)
