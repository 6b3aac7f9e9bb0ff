"""Every scenario at once: the token and link signatures never appear in anything captured."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from copilot_usage_report._standin.server import Fault, StandIn

from ._common import DAY, FILES, TOKEN, env, serve

Setup = Callable[[StandIn], None]


def _api(*faults: Fault) -> Setup:
    def setup(s: StandIn) -> None:
        serve(s)
        s.api_faults.extend(faults)

    return setup


def _storage(*faults: Fault) -> Setup:
    def setup(s: StandIn) -> None:
        serve(s)
        s.storage_faults.extend(faults)

    return setup


def _expired(s: StandIn) -> None:
    s.link_ttl = -60
    serve(s)


def _bad_link(s: StandIn) -> None:
    body = json.dumps(
        {"download_links": ["http://example.com/r.ndjson?sig=LEAKME"], "report_day": str(DAY)}
    ).encode()
    s.api_faults.append(Fault(status=200, body=body))


SCENARIOS: dict[str, tuple[Setup, list[str]]] = {
    "success": (serve, []),
    "no-report": (lambda s: None, []),
    "401": (_api(Fault(status=401, body=b'{"message": "Bad credentials"}')), []),
    "403": (_api(Fault(status=403, body=b'{"message": "no"}')), []),
    "5xx-then-ok": (_api(Fault(status=502)), []),
    "5xx-forever": (_api(*[Fault(status=503)] * 3), ["--retries", "2"]),
    "rate-limit-too-long": (_api(Fault(status=429, headers=(("Retry-After", "9999"),))), []),
    "api-dropped": (_api(Fault(action="drop")), []),
    "storage-dropped": (_storage(Fault(action="drop")), []),
    "storage-truncated-forever": (_storage(*[Fault(action="truncate")] * 9), ["--retries", "1"]),
    "storage-403": (_storage(Fault(status=403)), []),
    "expired-forever": (_expired, []),
    "unsafe-link": (_bad_link, []),
    "damaged-file": (lambda s: serve(s, [("x.ndjson", b"{oops\n")]), []),
    "bad-input": (serve, ["--day", "tomorrow"]),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_nothing_captured_holds_a_secret(standin, run_cli, tmp_path, name):
    """Output, errors, summary, outputs (but the links one) and files hold no token or signature."""
    setup, args = SCENARIOS[name]
    setup(standin)
    run = run_cli("fetch", *args, env=env(standin, tmp_path), actions=True)
    assert "Traceback" not in run.stderr
    captured = [run.stdout, run.stderr, run.summary]
    captured += [v for k, v in run.outputs.items() if k != "download-links"]
    out = tmp_path / "out"
    if out.exists():
        files = [p for p in out.rglob("*") if p.is_file()]
        captured += [p.read_bytes().decode("utf-8", "replace") for p in files]
    # The masks themselves (the lines the runner consumes to hide the token and signatures).
    text = "\n".join(
        ln for ln in "\n".join(captured).splitlines() if not ln.startswith("::add-mask::")
    )
    assert TOKEN not in text
    assert "sig=" not in text and "LEAKME" not in text
    for link in (link for issued in standin.issued for link in issued):
        assert link.split("?", 1)[1] not in text
    for request in standin.of("storage"):
        assert "authorization" not in request.headers
        assert TOKEN not in json.dumps(request.headers) + json.dumps(request.query)
    if name == "success":
        assert run.code == 0 and run.outputs["file-count"] == str(len(FILES))
    else:
        assert run.code in (0, 1, 2)
