"""The history's table of kinds with tables of their own: a ``HistoryPart`` per kind.

The metrics reports' records go into ``days``, ``users`` and ``teams`` (``_update``); a
kind registered here keeps its own tables instead (the seat list: ``seats`` and
``seat_days``, ``_seats``). ``build`` hands each part every verified file of the archive
and the open transaction: the part takes its kind's files, keeps them in its tables, and
gives the page its section of each scope and the CSV files beside the database, as the
build was asked (``PartOptions``: logins, and the seat rules a part may apply when it draws).
The seat list's row is built in; ``register_history`` adds a plug-in's (``_app/kinds.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .._core import DEFAULT_INACTIVE_DAYS, SEATS
from ._archive import ArchiveFile

__all__ = ["HistoryPart", "PartOptions", "history_parts", "register_history"]


@dataclass(frozen=True, slots=True)
class PartOptions:
    """What the build was asked, for every part: ``--show-logins``, and the seat rules
    (``--inactive-days``, ``--seat-price``; ``None``: list price) applied when drawn."""

    logins: bool = False
    inactive_days: int = DEFAULT_INACTIVE_DAYS
    seat_price: float | None = None


class HistoryPart(Protocol):
    """What the history does with one kind's files."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        """The files applied, by ``ArchiveFile.identity``: each with ``sha256``, ``size``
        and ``mtime_ns``, so a build reads only what changed."""
        ...

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        """Keep the kind's files among ``files`` in the caller's transaction; the reasons
        for files not used, and how many were read."""
        ...

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        """The page's section (HTML) of each scope that has the kind's data."""
        ...

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        """CSV files to write beside the database, by name (none without data)."""
        ...


class _Seats:
    """The seat list's part (``_seats``, ``_seatview``, ``_seatpage``), imported when used."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        from ._seats import known_seat_files

        return known_seat_files(db)

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        from ._seats import update_seats

        return update_seats(db, files, logins=options.logins, inactive_days=options.inactive_days)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._seatpage import render_seats
        from ._seatview import read_seat_views

        views = read_seat_views(
            db,
            logins=options.logins,
            inactive_days=options.inactive_days,
            seat_price=options.seat_price,
        )
        return {scope: render_seats(view, logins=options.logins) for scope, view in views.items()}

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._seatview import seats_csv

        text = seats_csv(
            db, logins=options.logins
        )  # the newest snapshot of each scope, one row a seat
        return {} if text is None else {"seats.csv": text}


class _UserCost:
    """AI credits used, cost and impact by month (``_usercost``, ``_usercostpage``): read from
    the reports' own 1-day folders, so its name is no kind's and it takes no folder away."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        return {}  # it compares the files itself (``usercost_sources``)

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        from ._usercost import update_usercost

        return update_usercost(db, files, options.seat_price)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._usercostpage import usercost_sections

        return usercost_sections(db)

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._usercostpage import usercost_csv

        return usercost_csv(db)


#: Each kind with tables of its own, by name: the built-in rows (``usercost`` is no kind:
#: the credits, cost and impact read from the reports' folders, which stay the reports').
_PARTS: dict[str, HistoryPart] = {SEATS: _Seats(), "usercost": _UserCost()}


def register_history(name: str, part: HistoryPart) -> None:
    """Keep the kind ``name``'s files in the history with ``part`` (its own tables)."""
    _PARTS[name] = part


def history_parts() -> dict[str, HistoryPart]:
    """Every kind with tables of its own, by name, in the order registered."""
    return dict(_PARTS)
