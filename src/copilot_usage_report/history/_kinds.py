"""The history's table of kinds with tables of their own: a ``HistoryPart`` per kind.

The metrics reports' records go into ``days``, ``users`` and ``teams`` (``_update``); a
kind registered here keeps its own tables instead (the seat list: ``seats`` and
``seat_days``, ``_seats``; AI credits billed: ``credits_billed``, ``_credits``; repositories'
days: ``repositories`` and ``review_times``, ``_repos``; and two parts of no kind, reading the
metrics reports' folders for tables of their own: ``aggregate-value``, ``usercost``; and
``credits-compared``, over the tables of two parts). ``build``
hands each part every verified file of the archive and the open transaction: the part takes
its kind's files, keeps them in its tables, and gives the page its section of each scope and
the CSV files beside the database, as the build was asked (``PartOptions``: logins, and the
seat rules a part may apply when it draws). The seat list's, AI credits billed's and the
repositories' rows are built in; ``register_history`` adds a plug-in's (``_app/kinds.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .._core import CREDITS, DEFAULT_INACTIVE_DAYS, SEATS
from ._archive import ArchiveFile

__all__ = ["HistoryPart", "PartOptions", "history_parts", "register_history"]


@dataclass(frozen=True, slots=True)
class PartOptions:
    """What the build was asked, for every part: ``--show-logins``, and the seat rules
    (``--inactive-days``, ``--seat-price``; ``None``: list price; ``--credit-pool``)."""

    logins: bool = False
    inactive_days: int = DEFAULT_INACTIVE_DAYS
    seat_price: float | None = None
    #: ``--credit-pool``: AI credits a seat adds to the monthly pool; ``None``: GitHub's.
    credit_pool: int | None = None
    #: ``--show-repositories``: name private and internal repositories on the page and in CSV.
    repositories: bool = False


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


class _Value:
    """The aggregate days' pull requests, agents and phases (``_value``, ``_valuepage``):
    no kind of its own, its rows written with ``days``; it gives sections and CSV only."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        return {}

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        return [], 0  # the aggregate records are read once, with ``days`` (``_rows``)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._valuepage import value_sections

        return value_sections(db)

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._value import value_csv

        return value_csv(db)


class _Credits:
    """AI credits billed's part (``_credits``), imported when used."""

    def _part(self) -> HistoryPart:
        from ._credits import CreditsPart

        return CreditsPart()

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        return self._part().known(db)

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        return self._part().update(db, files, options)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        return self._part().sections(db, options)

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        return self._part().tables(db, options)


class _Repos:
    """Repositories' days (``_repos``, ``_repospage``), imported when used."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        from ._repos import known_repo_files

        return known_repo_files(db)

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        from ._repos import update_repos

        return update_repos(db, files)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._repospage import render_repos

        return render_repos(db, show=options.repositories)

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._repos import repos_csv

        return repos_csv(db, show=options.repositories)


class _UserCost:
    """AI credits used, cost and impact by month (``_usercost``, ``_usercostpage``): read from
    the reports' own 1-day folders, so its name is no kind's and it takes no folder away."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        return {}  # it compares the files itself (``usercost_sources``)

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        from ._usercost import update_usercost

        return update_usercost(db, files, options.seat_price, options.credit_pool)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._usercostpage import usercost_sections

        return usercost_sections(db)

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        from ._usercostpage import usercost_csv

        return usercost_csv(db)


class _Compared:
    """Credits used beside credits billed (``_compared``), after both parts: no kind."""

    def _part(self) -> HistoryPart:
        from ._compared import ComparedPart

        return ComparedPart()

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        return {}

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: PartOptions
    ) -> tuple[list[str], int]:
        return self._part().update(db, files, options)

    def sections(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        return self._part().sections(db, options)

    def tables(self, db: sqlite3.Connection, options: PartOptions) -> Mapping[str, str]:
        return self._part().tables(db, options)


#: Each kind with tables of its own, by name: the built-in rows (``aggregate-value``: no kind
#: of its own, the value fields of the aggregate records that ``days`` reads).
_PARTS: dict[str, HistoryPart] = {
    SEATS: _Seats(),
    CREDITS: _Credits(),
    "repos-1-day": _Repos(),
    "aggregate-value": _Value(),
    "usercost": _UserCost(),
    "credits-compared": _Compared(),
}


def register_history(name: str, part: HistoryPart) -> None:
    """Keep the kind ``name``'s files in the history with ``part`` (its own tables)."""
    _PARTS[name] = part


def history_parts() -> dict[str, HistoryPart]:
    """Every kind with tables of its own, by name, in the order registered."""
    return dict(_PARTS)
