"""The output folder: unique safe names, atomic writes, manifests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from copilot_usage_report._archive.store import (
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
from copilot_usage_report._errors import OutputError


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


def _v2(**files: int) -> dict[str, Any]:
    return {
        "manifest_version": 2,
        "tool": "t",
        "scope": {"kind": "org", "name": "my-org"},
        "report": "organization-1-day",
        "report_day": "2026-01-02",
        "api_origin": "https://api.github.com",
        "files": [
            {"name": name, "size": size, "sha256": "0" * 64, "link": "https://h/x"}
            for name, size in files.items()
        ],
    }


@pytest.mark.parametrize(
    "name",
    [
        "../../outside/x.ndjson",
        "..",
        "sub/x.ndjson",
        "a\\b.ndjson",
        ".hidden.ndjson",
        "x?.ndjson",
        "manifest.json",
        "index.json",
        "CON",
        "",
    ],
)
def test_a_manifest_with_an_unsafe_name_reads_as_absent(tmp_path, name):
    """Manifest names pass safe_file_name unchanged, or the whole manifest is untrusted."""
    import json

    (tmp_path / "manifest.json").write_text(json.dumps(_v2(**{"ok.ndjson": 1, name: 2})))
    assert read_manifest(tmp_path) is None


def test_a_manifest_listing_a_name_twice_reads_as_absent(tmp_path):
    """Two entries for one name (in any case) cannot both describe the file on disk."""
    import json

    data = _v2(**{"a.ndjson": 1})
    data["files"] = [*data["files"], {**data["files"][0], "name": "A.ndjson"}]
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    assert read_manifest(tmp_path) is None


def test_a_version_1_manifest_still_reads(tmp_path):
    """The older layout's manifest (org, no scope, no origin) reads, with no scope."""
    import json

    data = _v2(**{"a.ndjson": 1})
    for key in ("manifest_version", "scope", "api_origin"):
        del data[key]
    (tmp_path / "manifest.json").write_text(json.dumps({**data, "org": "my-org"}))
    manifest = read_manifest(tmp_path)
    assert manifest is not None and manifest.scope is None and manifest.manifest_version == 1
    assert "no scope" in manifest.describe()


def test_layout_is_lower_cased_under_the_scope_kind(tmp_path):
    """orgs/<org>/<report>/<day> or enterprises/<slug>/…, lower-cased."""
    from copilot_usage_report._archive.store import day_folder
    from copilot_usage_report._core.kinds import Scope

    day = date(2026, 1, 2)
    assert day_folder(tmp_path, Scope("org", "Octo-Demo"), "users-1-day", day) == (
        tmp_path / "orgs" / "octo-demo" / "users-1-day" / "2026-01-02"
    )
    assert day_folder(tmp_path, Scope("enterprise", "ACME"), "enterprise-1-day", day) == (
        tmp_path / "enterprises" / "acme" / "enterprise-1-day" / "2026-01-02"
    )


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://api.github.com", "https://api.github.com"),
        ("https://API.GitHub.com:443/", "https://api.github.com"),
        ("https://ghe.example/api/v3", "https://ghe.example"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_api_origin(url, origin):
    """Scheme, host and a non-default port, lower-cased; never the path."""
    from copilot_usage_report._archive.store import api_origin

    assert api_origin(url) == origin


def test_clean_partials_spares_live_writers(tmp_path):
    """Temporary files of this process and of other live ones stay; a dead one's go."""
    import os
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    mine = tmp_path / f".a.ndjson.{os.getpid()}-{'a' * 12}.part"
    gone = tmp_path / f".b.ndjson.{dead.stdout.strip()}-{'b' * 12}.part"
    for path in (mine, gone):
        path.write_text("x")
    assert clean_partials(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name]


def test_partial_file_turns_os_errors_into_one_output_error(tmp_path):
    """A failing write or rename in the block is an OutputError naming the final path."""
    (tmp_path / "x.ndjson").mkdir()
    with (
        pytest.raises(OutputError, match=r"x\.ndjson: \w"),  # the system's reason follows
        partial_file(tmp_path, "x.ndjson") as (handle, temp),
    ):
        handle.write(b"data")
        handle.close()
        temp.replace(tmp_path / "x.ndjson")
    assert [p.name for p in tmp_path.iterdir()] == ["x.ndjson"]


def test_atomic_write_over_a_directory_is_an_output_error(tmp_path):
    """manifest.json (or any file) as a directory: OutputError, the directory untouched."""
    (tmp_path / "manifest.json").mkdir()
    with pytest.raises(OutputError, match=r"manifest\.json"):
        atomic_write(tmp_path / "manifest.json", b"{}")
    assert (tmp_path / "manifest.json").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
