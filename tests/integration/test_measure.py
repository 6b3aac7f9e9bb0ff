"""The measure the hostile tests rely on: peak RSS from the kernel, exit timed from the signal.

A measure that under-counts would let a memory regression pass; one that counts the test
process would fail honest runs. Each case here has a known answer.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from ._measure import run_measured

MiB = 1024 * 1024

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="ru_maxrss is read in KiB, as Linux gives it"
)


def _python(tmp_path: Path, code: str, **kwargs):
    env = {"PATH": os.environ.get("PATH", "")}
    return run_measured([sys.executable, "-c", code], env=env, cwd=tmp_path, **kwargs)


def test_a_child_that_holds_100_mib_reports_at_least_that(tmp_path):
    """100 MiB written (so resident), then exit at once: the peak is there, nothing sampled."""
    run = _python(tmp_path, "import os; data = b'x' * (100 << 20); os._exit(3)")
    assert run.code == 3
    assert 100 * MiB <= run.peak_rss < 100 * MiB + 64 * MiB, run.peak_rss


def test_the_peak_is_the_childs_own_not_the_test_process_image(tmp_path):
    """While this process holds 300 MiB, a child that allocates nothing reports a few MiB."""
    held = b"y" * (300 * MiB)
    run = _python(tmp_path, "pass")
    assert len(held) == 300 * MiB
    assert run.code == 0
    assert 1 * MiB < run.peak_rss < 64 * MiB, run.peak_rss


def test_a_peak_between_two_quiet_phases_is_kept(tmp_path):
    """A short spike, freed long before the exit: the high-water mark still holds it."""
    code = "import time; data = b'z' * (150 << 20); del data; time.sleep(0.3)"
    run = _python(tmp_path, code)
    assert run.peak_rss >= 150 * MiB, run.peak_rss


def test_the_exit_is_timed_from_the_signal_and_its_code_is_the_signal(tmp_path):
    """SIGTERM once the child says it is ready: killed by it, timed from the moment it was sent."""
    ready = tmp_path / "ready"
    code = f"import pathlib, time; pathlib.Path({str(ready)!r}).touch(); time.sleep(30)"
    run = _python(tmp_path, code, send=(signal.SIGTERM, ready.exists))
    assert run.code == -signal.SIGTERM
    assert run.signalled_after is not None and run.signalled_after < 1.0
    assert run.seconds < 20
    assert run.signalled_after < run.seconds


def test_a_run_past_its_timeout_is_killed_and_an_error(tmp_path):
    with pytest.raises(AssertionError, match=r"ran longer than 0\.5 s"):
        _python(tmp_path, "import time; time.sleep(30)", timeout=0.5)
