"""Today's seat list into the archive: ``<scope folder>/copilot-seats/<day>/``.

The folder holds ``seats.ndjson`` (each seat as GitHub sent it, one a line) and, for an
organization, ``billing.json`` (GitHub's plan and seat breakdown), under a manifest like
every other folder's, which adds when the list was read, GitHub's ``total_seats`` and the
pages read. When the distinct users of the list do not add up to ``total_seats`` (seats
changed while it was read), the list is read once more; a second mismatch is kept, with a
warning saying by how much it differs. A later run of the same day replaces the snapshot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

import httpx

from .._archive import (
    MANIFEST_VERSION,
    Manifest,
    ManifestFile,
    ManifestScope,
    atomic_write,
    clean_partials,
    day_folder,
    make_folder,
    manifest_link,
    write_manifest,
)
from .._core import SEATS, Scope, Settings, billing_path
from .._errors import ReportFormatError
from .._github import RetryPolicy, SeatList, read_billing, read_seats
from .._metrics import SeatCounts, count_seats, seat_facts
from .._transfer import SavedFile
from .progress_sink import ProgressSink
from .results import FetchResult

__all__ = [
    "BILLING_NAME",
    "SEATS_NAME",
    "SeatSnapshot",
    "Snapshot",
    "fetch_seats",
    "save_snapshot",
    "seats_or_error",
]

SEATS_NAME = "seats.ndjson"
BILLING_NAME = "billing.json"

Log = Callable[[str], None]
Warn = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class SeatSnapshot:
    """The saved snapshot and its numbers (``None`` when its seats could not be read)."""

    result: FetchResult
    counts: SeatCounts | None
    taken: datetime


class _Run(Protocol):
    """What ``seats_or_error`` reads of the run (``run._Runner``)."""

    settings: Settings
    api: httpx.Client
    scope: ManifestScope
    origin: str
    tool: str
    log: Log
    progress: ProgressSink


def seats_or_error(run: _Run) -> tuple[SeatSnapshot | None, BaseException | None]:
    """``fetch_seats`` for the run; the snapshot, or the error that stopped it."""
    try:
        return fetch_seats(
            run.settings, run.api, scope=run.scope, origin=run.origin, tool=run.tool,
            log=run.log, warn=lambda text, title: run.progress.warn(text, title=title),
        ), None  # fmt: skip
    except BaseException as exc:  # the run reports it, as it does a report's failure
        return None, exc


def fetch_seats(
    settings: Settings,
    api: httpx.Client,
    *,
    scope: ManifestScope,
    origin: str,
    tool: str,
    log: Log,
    warn: Warn,
) -> SeatSnapshot:
    """Read today's seat list (and an organization's billing), save it, count it."""
    policy = RetryPolicy(retries=settings.retries, max_wait=settings.max_wait)
    taken = datetime.now(UTC)
    listing = read_seats(api, settings.scope, policy=policy, log=log)
    if listing.distinct != listing.total_seats:
        log(
            f"The seat list names {listing.distinct} distinct user(s) but total_seats is "
            f"{listing.total_seats}: seats changed while it was read; reading it once more."
        )
        taken = datetime.now(UTC)
        listing = read_seats(api, settings.scope, policy=policy, log=log)
        if listing.distinct != listing.total_seats:
            gap = listing.distinct - listing.total_seats
            warn(
                f"The seat list was read twice and still names {listing.distinct} distinct "
                f"user(s) against GitHub's total_seats of {listing.total_seats} ({gap:+d}); "
                "it is kept as read the second time.",
                "Seat list changed while read",
            )
    billing: bytes | None = None
    if settings.scope.kind == "org":
        answer = read_billing(api, settings.scope, policy=policy, log=log)
        if isinstance(answer, str):
            warn(
                f"The seat list is saved, but the organization's Copilot billing was not "
                f"read ({answer}).",
                "No billing object",
            )
        else:
            billing = answer
    day = taken.date()
    folder, entries = save_snapshot(
        Snapshot(
            scope=scope, day=day, taken=taken, seats=_lines(listing), billing=billing,
            total_seats=listing.total_seats, pages=listing.pages, records=len(listing.seats),
        ),
        settings.output_dir, api_url=settings.api_url, origin=origin, tool=tool,
    )  # fmt: skip
    files = tuple(
        SavedFile(
            name=f.name, path=folder / f.name, size=f.size, sha256=f.sha256, records=f.records or 0
        )
        for f in entries
    )
    result = FetchResult(
        org=settings.org,
        report=SEATS,
        report_day=day,
        download_links=(),
        folder=folder,
        files=files,
        days_tried=(day,),
    )
    return SeatSnapshot(result, _count(listing, settings, taken, warn), taken)


def _lines(listing: SeatList) -> bytes:
    return b"".join(seat + b"\n" for seat in listing.seats)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One day's seat list as it is kept: the NDJSON lines, and an organization's billing."""

    scope: ManifestScope
    day: date
    taken: datetime
    seats: bytes
    billing: bytes | None
    total_seats: int
    pages: int
    records: int


def save_snapshot(
    snapshot: Snapshot, output_dir: Path, *, api_url: str, origin: str, tool: str
) -> tuple[Path, tuple[ManifestFile, ...]]:
    """Write ``<scope folder>/copilot-seats/<day>/`` (replacing that day's), its manifest last;
    the folder and its files' entries."""
    where = Scope(snapshot.scope.kind, snapshot.scope.name)
    folder = make_folder(day_folder(output_dir, where, SEATS, snapshot.day))
    clean_partials(folder)
    endpoint = f"{api_url}/{billing_path(where)}"
    entries = [_save(folder, SEATS_NAME, snapshot.seats, f"{endpoint}/seats", snapshot.records)]
    if snapshot.billing is not None:
        entries.append(_save(folder, BILLING_NAME, snapshot.billing + b"\n", endpoint, 1))
    else:  # an earlier snapshot's billing is not this one's
        (folder / BILLING_NAME).unlink(missing_ok=True)
    manifest = Manifest(
        manifest_version=MANIFEST_VERSION,
        tool=tool,
        scope=snapshot.scope,
        report=SEATS,
        report_day=snapshot.day,
        api_origin=origin,
        files=tuple(entries),
        taken_at=snapshot.taken,
        total_seats=snapshot.total_seats,
        pages=snapshot.pages,
    )
    write_manifest(folder, manifest)
    return folder, manifest.files


def _save(folder: Path, name: str, data: bytes, link: str, records: int) -> ManifestFile:
    atomic_write(folder / name, data)
    return ManifestFile(
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        link=manifest_link(link),
        records=records,
    )


def _count(listing: SeatList, settings: Settings, taken: datetime, warn: Warn) -> SeatCounts | None:
    try:
        facts = seat_facts(listing.seats)
    except ReportFormatError as problem:
        warn(f"The seat list is saved, but not counted: {problem.message}", "Seats not counted")
        return None
    return count_seats(
        facts,
        total_seats=listing.total_seats,
        taken=taken,
        inactive_days=settings.inactive_days,
        price=settings.seat_price,
    )
