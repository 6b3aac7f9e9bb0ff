"""The output folder: unique safe names, atomic writes, manifests."""

from __future__ import annotations

from datetime import date

import pytest

from copilot_usage_report._errors import OutputError
from copilot_usage_report._store import (
    Manifest,
    ManifestFile,
    atomic_write,
    clean_partials,
    file_names,
    inside,
    partial_file,
    read_manifest,
    write_manifest,
)


def test_names_are_unique_and_stable():
    """Clashing names get numeric suffixes, in order, the same every time."""
    urls = [
        "https://h/a/r.ndjson?x",
        "https://h/b/r.ndjson",
        "https://h/c/R.ndjson",
        "https://h/d/manifest.json",
        "https://h/e/",
    ]
    expected = ["r.ndjson", "r-2.ndjson", "R-3.ndjson", "manifest-2.json", "report-5.ndjson"]
    assert file_names(urls) == expected
    assert file_names(urls) == expected


def test_inside_refuses_escapes(tmp_path):
    """A name that would resolve outside the folder is refused."""
    for name in ("../x", "a/../../x", "..", ""):
        with pytest.raises(OutputError):
            inside(tmp_path, name)
    assert inside(tmp_path, "ok.ndjson") == tmp_path / "ok.ndjson"


def test_partial_file_leaves_nothing_on_error(tmp_path):
    """An error inside the block removes the temporary file and creates no final file."""
    with pytest.raises(RuntimeError), partial_file(tmp_path, "a.ndjson") as (handle, temp):
        handle.write(b"half")
        assert temp.exists()
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_whole(tmp_path):
    """atomic_write leaves exactly the new content and no temporary file."""
    target = tmp_path / "m.json"
    target.write_text("old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_clean_partials_removes_leftovers_only(tmp_path):
    """Temporary files of a killed run are removed; real files stay."""
    (tmp_path / ".a.ndjson.123.part").write_text("x")
    (tmp_path / "a.ndjson").write_text("y")
    assert clean_partials(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["a.ndjson"]


def test_manifest_round_trip_and_damaged_manifest(tmp_path):
    """A written manifest reads back equal; a damaged one reads as absent."""
    manifest = Manifest(
        tool="t",
        org="o",
        report="organization-1-day",
        report_day=date(2026, 11, 20),
        files=(ManifestFile(name="a", size=1, sha256="0" * 64, link="https://h/a", records=1),),
    )
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == manifest
    (tmp_path / "manifest.json").write_text("{broken")
    assert read_manifest(tmp_path) is None
