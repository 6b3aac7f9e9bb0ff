"""Today's seat list into the archive: ``<scope folder>/copilot-seats/<day>/``.

The folder holds ``seats.ndjson`` (each seat as GitHub sent it, one a line, written and
counted as its page arrives: no list is held whole) and, for an organization,
``billing.json`` (GitHub's plan and seat breakdown), under a manifest like every other
folder's, which adds when the list was read, GitHub's ``total_seats`` and the pages read.
When the distinct users of the list do not add up to ``total_seats`` (seats changed while
it was read), the list is read once more; a second mismatch is kept, with a
warning saying by how much it differs. A later run of the same day replaces the snapshot.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

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
    partial_file,
    write_manifest,
)
from .._core import SEATS, ReportKind, Scope, Settings, billing_path
from .._github import RetryPolicy, SeatList, read_billing, read_seats
from .._metrics import SeatCounts, SeatTally, count_seats
from .._transfer import SavedFile
from .kindrun import Fetched, KindRun
from .results import FetchResult

__all__ = [
    "BILLING_NAME",
    "SEATS_NAME",
    "SeatSnapshot",
    "Snapshot",
    "fetch_seat_list",
    "fetch_seats",
    "save_snapshot",
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


def fetch_seat_list(run: KindRun, kind: ReportKind) -> Fetched:
    """The seat list's ``Fetcher`` (``kinds``): today's snapshot saved, and its numbers."""
    snapshot = fetch_seats(
        run.settings, run.api, scope=run.scope, origin=run.origin, tool=run.tool,
        log=run.log, warn=run.warn,
    )  # fmt: skip
    return Fetched((snapshot.result,), numbers=snapshot.counts)


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
    day = taken.date()
    where = Scope(scope.kind, scope.name)
    with _day_folder(day_folder(settings.output_dir, where, SEATS, day)) as folder:
        with partial_file(folder, SEATS_NAME) as (handle, temp):
            lines = _SeatLines(handle)
            listing = read_seats(api, settings.scope, policy=policy, sink=lines.add, log=log)
            if listing.distinct != listing.total_seats:
                log(
                    f"The seat list names {listing.distinct} distinct user(s) but total_seats "
                    f"is {listing.total_seats}: seats changed while it was read; reading it "
                    "once more."
                )
                taken = datetime.now(UTC)
                lines = lines.again()
                listing = read_seats(api, settings.scope, policy=policy, sink=lines.add, log=log)
                if listing.distinct != listing.total_seats:
                    gap = listing.distinct - listing.total_seats
                    warn(
                        f"The seat list was read twice and still names {listing.distinct} "
                        f"distinct user(s) against GitHub's total_seats of "
                        f"{listing.total_seats} ({gap:+d}); it is kept as read the second time.",
                        "Seat list changed while read",
                    )
            billing: bytes | None = None
            if settings.scope.kind == "org":
                answer = read_billing(api, settings.scope, policy=policy, log=log)
                if isinstance(answer, str):
                    warn(
                        f"The seat list is saved, but the organization's Copilot billing was "
                        f"not read ({answer}).",
                        "No billing object",
                    )
                else:
                    billing = answer
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            temp.replace(folder / SEATS_NAME)
        endpoint = f"{settings.api_url}/{billing_path(where)}"
        seats_entry = lines.entry(f"{endpoint}/seats")
        meta = Snapshot(
            scope=scope, day=day, taken=taken, seats=b"", billing=billing,
            total_seats=listing.total_seats, pages=listing.pages, records=listing.records,
        )  # fmt: skip
        entries = _finish(meta, folder, seats_entry, endpoint, origin=origin, tool=tool)
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
    return SeatSnapshot(result, _count(lines.tally, listing, settings, taken, warn), taken)


class _SeatLines:
    """The seat list's file as its pages arrive: each seat a line, hashed and counted."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._hash = hashlib.sha256()
        self.size = 0
        self.records = 0
        self.tally = SeatTally()

    def add(self, seat: bytes) -> None:
        line = seat + b"\n"
        self._handle.write(line)
        self._hash.update(line)
        self.size += len(line)
        self.records += 1
        self.tally.add(seat)

    def again(self) -> _SeatLines:
        """The same file emptied, for a second reading of the list."""
        self._handle.seek(0)
        self._handle.truncate()
        return _SeatLines(self._handle)

    def entry(self, link: str) -> ManifestFile:
        return ManifestFile(
            name=SEATS_NAME,
            size=self.size,
            sha256=self._hash.hexdigest(),
            link=manifest_link(link),
            records=self.records,
        )


@contextmanager
def _day_folder(folder: Path) -> Iterator[Path]:
    """The day's folder, made for the block; the folders it made are removed again when the
    block fails before anything was saved in them."""
    made = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        made.append(parent)
    make_folder(folder)
    clean_partials(folder)
    try:
        yield folder
    except BaseException:
        for empty in made:
            with suppress(OSError):
                empty.rmdir()  # only when empty: an earlier snapshot's folder stays
        raise


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
    seats = _save(folder, SEATS_NAME, snapshot.seats, f"{endpoint}/seats", snapshot.records)
    return folder, _finish(snapshot, folder, seats, endpoint, origin=origin, tool=tool)


def _finish(
    snapshot: Snapshot, folder: Path, seats: ManifestFile, endpoint: str, *, origin: str, tool: str
) -> tuple[ManifestFile, ...]:
    """The billing file (or an earlier one removed) and the manifest, after the seats."""
    entries = [seats]
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
    return manifest.files


def _save(folder: Path, name: str, data: bytes, link: str, records: int) -> ManifestFile:
    atomic_write(folder / name, data)
    return ManifestFile(
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        link=manifest_link(link),
        records=records,
    )


def _count(
    tally: SeatTally, listing: SeatList, settings: Settings, taken: datetime, warn: Warn
) -> SeatCounts | None:
    if tally.problem is not None:
        warn(f"The seat list is saved, but not counted: {tally.problem}", "Seats not counted")
        return None
    return count_seats(
        tally.facts(),
        total_seats=listing.total_seats,
        taken=taken,
        inactive_days=settings.inactive_days,
        price=settings.seat_price,
    )
