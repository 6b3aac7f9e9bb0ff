"""``build``: an archive in, the database, ``daily.csv`` and ``index.html`` out.

The database is updated in one SQLite transaction (a failed run leaves the
previous state); a new database is built under a temporary name and renamed
when complete. ``daily.csv`` and ``index.html`` are always regenerated from the
database, and written under a temporary name and renamed, so the three agree.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._core import DEFAULT_INACTIVE_DAYS
from .._errors import InputError, OutputError
from ._archive import ArchiveFile, Scan, has_manifest, scan
from ._csv import csv_text
from ._kinds import PartOptions, history_parts
from ._page import render_page
from ._schema import DAY_COLUMNS, SCHEMA_VERSION, create
from ._update import Options, known_files, update
from ._view import read_views

__all__ = ["DATABASE_NAME", "BuildResult", "build"]

DATABASE_NAME = "copilot-usage.sqlite"
PAGE_NAME = "index.html"
CSV_NAME = "daily.csv"


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote and read.

    ``days`` counts (scope, day) rows of the ``days`` table; ``scopes`` are
    ``orgs/<org>`` or ``enterprises/<slug>``; ``skipped`` gives one human-readable
    reason per file or folder not used; ``added`` counts report files read in
    this run (0 when nothing changed).
    """

    database: Path | None
    page: Path
    csv: Path
    days: int
    scopes: tuple[str, ...]
    skipped: tuple[str, ...]
    added: int = 0
    #: The CSV files of kinds with tables of their own (``_kinds``): ``seats.csv`` when the
    #: archive holds seat snapshots.
    tables: tuple[Path, ...] = ()


def build(
    sources: Sequence[Path],
    out: Path,
    *,
    show_logins: bool = False,
    users: bool = True,
    database: bool = True,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    seat_price: float | None = None,
    credit_pool: int | None = None,
    require_reports: bool = True,
    show_repositories: bool = False,
) -> BuildResult:
    """Read every verified day folder under ``sources`` and write the history into ``out``.

    With ``database``, ``out/copilot-usage.sqlite`` is created or updated
    incrementally (only files not yet in it are read); without, the same tables
    live in memory for this build only. With ``require_reports``, sources holding no
    report folder at all (no ``manifest.json``) are an ``InputError``, before anything is
    written: a history of nothing is a wrong folder named, not a success. ``inactive_days``
    and ``seat_price`` (``None``: list price) are the seat rules of the page and
    ``seat_days.inactive``; the database keeps what they apply to, so another value needs no
    rebuild; ``credit_pool`` (``None``: GitHub's) is the monthly cost's pool, likewise.
    ``show_repositories`` names private and internal repositories on the page and
    in their CSV (the database keeps every name).
    """
    for source in sources:
        if not Path(source).exists():
            raise InputError(
                f"the archive {source} does not exist: name a folder holding day folders with "
                "a manifest.json (a fetch --output-dir, or downloaded artifacts)."
            )
    if require_reports and not has_manifest([Path(s) for s in sources]):
        named = ", ".join(str(s) for s in sources)
        raise InputError(
            f"no report folder in {named}: the history is built from the day folders a fetch "
            "writes, each with a manifest.json. Name the fetch's --output-dir, or the folder "
            "the artifacts were downloaded into."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {out}: {exc.strerror or exc}.") from None
    options = Options(users=users, logins=show_logins and users)
    asked = PartOptions(
        logins=options.logins,
        inactive_days=inactive_days,
        seat_price=seat_price,
        credit_pool=credit_pool,
        repositories=show_repositories,
    )
    db_path = out / DATABASE_NAME if database else None
    with closing(_open(db_path, options)) as (db):
        parts = history_parts()  # the kinds with tables of their own (the seat list's)
        known: dict[tuple[str, str, str, str], Any] = dict(known_files(db))
        for part in parts.values():
            known.update(part.known(db))

        def trusted(item: ArchiveFile) -> bool:
            seen = known.get(item.identity)
            return (
                seen is not None
                and seen.sha256 == item.sha256
                and seen.size == item.size
                and seen.mtime_ns == item.mtime_ns
            )

        found = scan([Path(s) for s in sources], trusted=trusted)
        # Kinds with tables of their own keep their files there; the reports, these.
        reports = Scan(
            tuple(f for f in found.folders if f.report not in parts),
            found.skipped,
            found.skipped_folders,
        )
        skipped = list(found.skipped)
        with db:
            problems, added = update(db, reports, options)
            skipped += problems
            for part in parts.values():
                more, read = part.update(db, found.files, asked)
                skipped += more
                added += read
        views = read_views(db, logins=options.logins)
        sections: dict[str, str] = {}
        for part in parts.values():
            for scope, html in part.sections(db, asked).items():
                sections[scope] = sections.get(scope, "") + html
        html = render_page(views, skipped=len(skipped), sections=sections)
        page = _write(out / PAGE_NAME, html.encode())
        table = _write(out / CSV_NAME, _daily_csv(db).encode())
        tables = tuple(
            _write(out / name, text.encode())
            for part in parts.values()
            for name, text in part.tables(db, asked).items()
        )
        count = db.execute("SELECT COUNT(*) FROM days").fetchone()[0]
    if db_path is not None and not db_path.exists():
        raise OutputError(f"the database {db_path} was not written.")  # pragma: no cover
    return BuildResult(
        database=db_path,
        page=page,
        csv=table,
        days=int(count),
        scopes=tuple(v.scope for v in views),
        skipped=tuple(skipped),
        added=added,
        tables=tables,
    )


def _open(path: Path | None, options: Options) -> sqlite3.Connection:
    """The database, fresh when absent, of another schema or built with other options."""
    if path is None:
        db = sqlite3.connect(":memory:")
        create(db, users=options.users)
        return db
    wanted = {
        "schema_version": SCHEMA_VERSION,
        # Rows read before the gate (``_archive.gate``) may be of folders it refuses: rebuilt once.
        "gate": "1",
        "users": str(int(options.users)),
        "logins": str(int(options.logins)),
    }
    if path.exists():
        try:
            db = sqlite3.connect(path)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if all(meta.get(k) == v for k, v in wanted.items()):
                return db
            db.close()
        except sqlite3.DatabaseError:
            pass
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        db = sqlite3.connect(temp)
        with db:
            create(db, users=options.users)
            db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", wanted.items())
        db.close()
        temp.replace(path)
    except (OSError, sqlite3.Error) as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the database {path}: {exc}.") from None
    return sqlite3.connect(path)


def _daily_csv(db: sqlite3.Connection) -> str:
    """The ``days`` table as CSV: one row per scope and day, in that order."""
    return csv_text(
        ("scope", "day", *DAY_COLUMNS),
        db.execute(
            f"SELECT scope, day, {', '.join(DAY_COLUMNS)} FROM days ORDER BY scope, day"  # noqa: S608
        ),
    )


def _write(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` in one step; no partial file is left on failure."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}.") from None
    return path
