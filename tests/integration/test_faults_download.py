"""Download faults: files are fetched again from scratch, expired links renewed once."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

from copilot_usage_report._standin.server import Fault, Generated

from ._common import (
    DAY,
    FILES,
    assert_no_leak,
    assert_nothing_partial,
    assert_saved_exactly,
    env,
    serve,
)


@pytest.mark.parametrize(
    "fault",
    [
        Fault(action="drop"),
        Fault(action="truncate"),
        Fault(status=500),
        Fault(status=503),
        Fault(status=429),
    ],
    ids=["dropped", "short-body", "500", "503", "429"],
)
def test_broken_downloads_are_fetched_again(standin, run_cli, tmp_path, fault):
    """A download that breaks is discarded and fetched again; the saved files are exact."""
    serve(standin)
    standin.storage_faults.extend([fault, fault])
    run = run_cli("fetch", "--concurrency", "1", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert_saved_exactly(tmp_path)
    assert len(standin.of("storage")) == len(FILES) + 2
    assert "Downloading it again (retry 1 of 5)" in run.stderr
    assert_no_leak(run.stdout + run.stderr)


def test_storage_timeout_is_retried(standin, run_cli, tmp_path):
    """A storage answer slower than --timeout is abandoned and fetched again."""
    serve(standin)
    standin.storage_faults.append(Fault(delay=2.0))
    run = run_cli("fetch", "--timeout", "0.5", "--concurrency", "1", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert "timed out" in run.stderr
    assert_saved_exactly(tmp_path)


def test_download_that_never_completes_leaves_nothing(standin, run_cli, tmp_path):
    """When every attempt is cut short the run fails and leaves no file, partial or whole."""
    serve(standin, [FILES[0]])
    standin.storage_faults.extend([Fault(action="truncate")] * 3)
    run = run_cli("fetch", "--retries", "2", env=env(standin, tmp_path), actions=True)
    assert run.code == 1
    assert "Traceback" not in run.everything
    assert_nothing_partial(tmp_path)
    assert_no_leak(run.everything)
    assert set(run.outputs) == {"error", "error-type"}  # no result output on failure


def test_refused_signature_asks_for_fresh_links_once(standin, run_cli, tmp_path):
    """Storage answering 403 makes the tool ask the API again and finish with fresh links."""
    serve(standin)
    standin.storage_faults.append(Fault(status=403, body=b"<Error>AuthenticationFailed</Error>"))
    run = run_cli("fetch", "--concurrency", "1", env=env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    assert len(standin.of("api")) == 2
    assert "asking GitHub for fresh links" in run.stderr
    assert json.loads(run.outputs["download-links"]) == standin.issued[-1]
    assert_saved_exactly(tmp_path)


def test_link_already_past_expiry_is_renewed_without_fetching_it(standin, run_cli, tmp_path):
    """A link whose expiry parameter has passed is never requested; fresh links are used."""
    serve(standin)
    past = datetime.now(UTC) - timedelta(minutes=5)
    stale = [
        standin.sign(f"/reports/my-org/organization-1-day/{DAY}/{name}", past) for name, _ in FILES
    ]
    body = json.dumps({"download_links": stale, "report_day": DAY.isoformat()}).encode()
    standin.api_faults.append(Fault(status=200, body=body))
    run = run_cli("fetch", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert len(standin.of("api")) == 2
    assert len(standin.of("storage")) == len(FILES)
    assert_saved_exactly(tmp_path)


def test_fresh_links_refused_too_is_an_error(standin, run_cli, tmp_path):
    """If the fresh links are refused as well, the run fails once, clearly, with nothing partial."""
    standin.link_ttl = -60  # every link the stand-in hands out has already expired
    serve(standin, [FILES[1]])
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 1
    assert len(standin.of("api")) == 2
    (line,) = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    assert "fresh download link was refused too" in line
    assert_nothing_partial(tmp_path)
    assert_no_leak(run.everything)


def test_damaged_file_is_refused_and_not_kept(standin, run_cli, tmp_path):
    """A file that is neither NDJSON nor JSON fails the run and is not saved."""
    serve(standin, [("report.ndjson", b'{"a": 1}\n{"b": 2\n{"c": 3}\n')])
    run = run_cli("fetch", env=env(standin, tmp_path))
    assert run.code == 1
    assert "report.ndjson" in run.stderr and "line 2" in run.stderr
    assert_nothing_partial(tmp_path)


def test_a_large_generated_body_lands_exactly_through_the_cli(standin, run_cli, tmp_path):
    """A 6 MB file sent with its Content-Length (as blob stores send it) lands byte for byte,
    with its SHA-256 in the manifest: the writer thread gets it in several blocks."""
    line = b'{"day": "2026-11-20", "user_id": 7, "pad": "' + b"y" * 2000 + b'"}\n'
    body = line * 3000
    pieces = [body[i : i + 100_003] for i in range(0, len(body), 100_003)]
    standin.add_report("my-org", DAY, [("big.ndjson", Generated(lambda: iter(pieces), len(body)))])
    run = run_cli("fetch", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    folder = tmp_path / "out" / "orgs" / "my-org" / "organization-1-day" / DAY.isoformat()
    assert (folder / "big.ndjson").read_bytes() == body
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"][0]["sha256"] == hashlib.sha256(body).hexdigest()
    assert manifest["files"][0]["records"] == 3000
    assert not list(tmp_path.rglob("*.part"))
