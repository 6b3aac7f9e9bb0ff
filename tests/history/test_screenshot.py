"""docs/dashboard.png is a picture of the page as it is now: taken again whenever the page changes.

``scripts/dashboard_screenshot.py`` shoots the page built from the synthetic archive's fixed
days and records beside the PNG (``docs/dashboard.png.json``) the SHA-256 of that page and of
the PNG. These tests build the same page again and compare digests (no Chromium needed), so a
change to what the page holds fails here until ``python scripts/dashboard_screenshot.py`` is run.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

from tests._scripts import ROOT, load_script

PNG = ROOT / "docs" / "dashboard.png"
SIDECAR = PNG.with_name(PNG.name + ".json")
RETAKE = "the page changed since docs/dashboard.png: run python scripts/dashboard_screenshot.py"


def _facts() -> dict[str, object]:
    facts: dict[str, object] = json.loads(SIDECAR.read_text("utf-8"))
    return facts


def test_the_screenshot_is_of_the_page_as_built_now(tmp_path: Path) -> None:
    """The synthetic page built now has the digest recorded when the PNG was taken."""
    facts = _facts()
    assert facts["source"] == "synthetic" and facts["dark"] is False
    page = load_script("dashboard_screenshot").synthetic_page(tmp_path)
    assert hashlib.sha256(page.read_bytes()).hexdigest() == facts["page_sha256"], RETAKE


def test_the_png_is_the_one_recorded_and_of_the_window_size() -> None:
    """The PNG is the file the script wrote with that record, at the window's size."""
    facts = _facts()
    data = PNG.read_bytes()
    assert hashlib.sha256(data).hexdigest() == facts["png_sha256"], RETAKE
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert f"{width},{height}" == facts["window"]


def test_a_changed_page_is_caught(tmp_path: Path) -> None:
    """One byte more in the page gives another digest than the recorded one."""
    page = load_script("dashboard_screenshot").synthetic_page(tmp_path)
    page.write_bytes(page.read_bytes().replace(b"</main>", b" </main>"))
    assert hashlib.sha256(page.read_bytes()).hexdigest() != _facts()["page_sha256"]
