"""The demo's fixed week gives the same bytes as before the package moved into subpackages.

``tests/fixtures/golden.json`` was recorded by ``python tests/_golden.py`` before the move
(archive files, manifests and run index, ``--json`` and step outputs, job summaries,
``summarize``, CSV tables, ``daily.csv``, every database table, the page). A change that
means to alter an output re-records it, and says so in its commit.
"""

from __future__ import annotations

import json

import pytest

from tests._golden import GOLDEN, capture, faketime_library
from tests._tools import require_tool


def test_the_fixed_week_is_byte_for_byte_what_it_was(tmp_path):
    require_tool(faketime_library() is not None, "libfaketime", "faketime")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    captured = capture(tmp_path)
    changed = sorted(
        k for k in expected.keys() | captured.keys() if expected.get(k) != captured.get(k)
    )
    assert changed == [], f"{len(changed)} of {len(expected)} outputs differ"


def test_the_comparison_can_fail(tmp_path):
    """A digest of other bytes is another digest: the record is of content, not of names."""
    expected = json.loads(GOLDEN.read_text("utf-8"))
    assert len(expected) > 250  # the fixed week: every file, output, table and page
    assert len(set(expected.values())) > 225  # files differ from each other
    with pytest.raises(KeyError):
        expected["archive orgs/octo-demo/organization-1-day/2026-11-24/manifest.json"]
