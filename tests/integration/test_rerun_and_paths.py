"""Reruns are idempotent and repair damage; no link can make a file land outside the folder."""

from __future__ import annotations

import json

from ._common import FILES, archive_files, assert_saved_exactly, env, folder, serve


def test_rerun_skips_complete_files(standin, run_cli, tmp_path):
    """A second run into the same folder downloads nothing and reports the same outputs."""
    serve(standin)
    first = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert first.code == 0
    second = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert second.code == 0, second.stderr
    assert len(standin.of("storage")) == len(FILES)
    assert "complete from an earlier run" in second.summary
    assert len(standin.of("api")) == 1  # a complete day is not asked again
    for name in ("files", "report-day", "file-count", "total-bytes", "path"):
        assert first.outputs[name] == second.outputs[name]
    assert_saved_exactly(tmp_path)


def test_rerun_repairs_damaged_or_missing_files(standin, run_cli, tmp_path):
    """Changed and missing files are fetched again; intact ones are kept."""
    serve(standin)
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    where = folder(tmp_path)
    (where / FILES[0][0]).write_bytes(b'{"tampered": true}\n')
    (where / FILES[1][0]).unlink()
    (where / f".{FILES[0][0]}.abc.part").write_bytes(b"left by a killed run")
    run = run_cli("fetch", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert len(standin.of("storage")) == len(FILES) * 2
    assert_saved_exactly(tmp_path)


def test_rerun_with_a_damaged_manifest_fetches_everything(standin, run_cli, tmp_path):
    """An unreadable manifest is not trusted: every file is fetched again."""
    serve(standin)
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    (folder(tmp_path) / "manifest.json").write_text("{not json")
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    assert len(standin.of("storage")) == len(FILES) * 2
    assert_saved_exactly(tmp_path)


NASTY = [
    "..%2F..%2F..%2Fescaped.ndjson",
    "..%5C..%5Cescaped-win.ndjson",
    "%2Fetc%2Fpasswd",
    "...",
    "..",
    "nul%00name.ndjson",
    "x" * 300 + ".ndjson",
    "CON",
    "manifest.json",
]


def test_link_names_cannot_escape_the_folder(standin, run_cli, tmp_path):
    """Whatever a link's path says, every file lands directly in the day's folder."""
    from urllib.parse import unquote

    files = [(unquote(n), b'{"i": %d}\n' % i) for i, n in enumerate(NASTY)]
    serve(standin, files)
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    where = folder(tmp_path)
    outside = [p for p in archive_files(tmp_path / "out") if p.parent != where]
    assert outside == []
    others = {
        p.name for p in tmp_path.rglob("*") if p.is_file() and tmp_path / "out" not in p.parents
    }
    assert others == {"github_output", "step_summary"}
    saved = json.loads(run.outputs["files"])
    assert len(saved) == len(NASTY) == len(set(saved))
    for path in saved:
        assert path.startswith(str(where))
        assert len(path.rsplit("/", 1)[-1]) <= 120
    manifest = json.loads((where / "manifest.json").read_text())
    # the link named manifest.json did not overwrite it
    assert manifest["scope"] == {"kind": "org", "name": "my-org"}
    bodies = sorted((where / p.rsplit("/", 1)[-1]).read_bytes() for p in saved)
    assert bodies == sorted(body for _, body in files)
