"""One run per scope folder: the lock waits a bounded time and names its holder."""

from __future__ import annotations

import os
import threading

import pytest

from copilot_usage_report._archive.lock import LOCK_NAME, scope_lock
from copilot_usage_report._errors import OutputError


class _Clock:
    """A clock that moves only when slept on: no test waits on the wall clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds


def test_a_second_holder_waits_its_bound_then_names_the_first(tmp_path):
    """While held, another taker polls for ``wait`` seconds, then fails in one line."""
    clock = _Clock()
    with scope_lock(tmp_path / "orgs" / "x", wait=0) as path:
        assert path.name == LOCK_NAME
        with (
            pytest.raises(OutputError) as caught,
            scope_lock(tmp_path / "orgs" / "x", wait=2.0, poll=0.5, clock=clock, sleep=clock.sleep),
        ):
            pass  # pragma: no cover - never reached
    assert clock.sleeps == 4
    message = caught.value.message
    assert f"process {os.getpid()}" in message and str(tmp_path / "orgs" / "x") in message
    assert "--lock-wait" in message and "\n" not in message


def test_the_lock_is_free_after_the_block_even_on_error(tmp_path):
    """An error inside the block releases the lock; the file stays (no race on removal)."""
    with pytest.raises(RuntimeError), scope_lock(tmp_path, wait=0):
        raise RuntimeError("boom")
    with scope_lock(tmp_path, wait=0):
        pass
    assert (tmp_path / LOCK_NAME).is_file()


def test_a_waiting_taker_gets_the_lock_when_it_is_released(tmp_path):
    """The second taker succeeds as soon as the first lets go, within its bound."""
    release = threading.Event()
    held = threading.Event()

    def first() -> None:
        with scope_lock(tmp_path, wait=0):
            held.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(timeout=30)
    clock = _Clock()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        release.set()  # the holder finishes while we wait
        thread.join(timeout=30)

    with scope_lock(tmp_path, wait=60, clock=clock, sleep=sleep):
        assert clock.sleeps == 1
    thread.join(timeout=30)


def test_a_folder_that_cannot_be_made_is_an_output_error(tmp_path):
    """A file in the way of the scope folder: OutputError with the path."""
    (tmp_path / "orgs").write_text("a file")
    with pytest.raises(OutputError, match="orgs"), scope_lock(tmp_path / "orgs" / "x", wait=0):
        pass  # pragma: no cover - never reached
