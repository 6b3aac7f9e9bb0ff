"""One pass per byte, from outside: a fetch's summary equals ``summarize`` of the files it saved.

Each sample report (``tests/fixtures/samples/``) is served by the loopback stand-in, in
odd-sized chunks so lines arrive cut anywhere, and fetched by the real CLI, whose summary comes
from the records decoded while they arrived. ``summarize`` of the saved files, also the real
CLI, reads them from disk: the two ``metrics`` outputs (and the headline outputs) must be equal.
A sample that is not a report (the API's link list) is named by both and summarised by neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._standin.server import StandIn
from tests._samples import NOT_REPORTS, SAMPLE_FILES, SAMPLES

TOKEN = "ghp_TESTTOKEN1234567890"
DAY = datetime.now(UTC).date() - timedelta(days=3)
METRIC_OUTPUTS = (
    "metrics",
    "daily-active-users",
    "weekly-active-users",
    "monthly-active-users",
    "acceptance-rate",
)


def _assert_same_metrics(fetched, from_disk, paths: list[Path], run_cli) -> None:
    """The fetch's outputs are summarize's, but for where the whole metrics are (a fetch
    writes ``metrics-file``, summarize none); that file is ``summarize --json``, to the key."""
    for output in METRIC_OUTPUTS:
        ours, theirs = fetched.outputs[output], from_disk.outputs[output]
        if output == "metrics":
            ours, theirs = json.loads(ours), json.loads(theirs)
            assert ours["left_out"].pop("file") == fetched.outputs["metrics-file"]
            assert theirs["left_out"].pop("file") == ""
            # each fits the room its own other outputs leave, so one may keep fewer old days
            kept = {json.dumps(d, sort_keys=True) for d in ours["days"]}
            other = {json.dumps(d, sort_keys=True) for d in theirs["days"]}
            assert kept <= other or other <= kept
            assert len(kept) + ours["left_out"].pop("days") == len(other) + theirs["left_out"].pop(
                "days"
            )
            del ours["days"], theirs["days"]
        assert ours == theirs, output
    whole = run_cli("summarize", "--json", *map(str, paths))
    assert whole.code == 0, whole.stderr
    assert json.loads(Path(fetched.outputs["metrics-file"]).read_text()) == json.loads(whole.stdout)


def _chunked(body: bytes, size: int = 997) -> Callable[[], Iterator[bytes]]:
    """A body the stand-in sends chunk by chunk (chunked transfer encoding)."""

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), size):
            yield body[start : start + size]

    return chunks


def _fetch_env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The action's inputs for a fetch of the day's per-user report from the stand-in."""
    return {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        "INPUT_DAY": DAY.isoformat(),
        "INPUT_REPORT": "users-1-day",
        **extra,
    }


def _fetch(standin: StandIn, run_cli, tmp_path: Path, names: list[str]):
    files = [
        (f"{i}-{Path(name).name}", _chunked((SAMPLES / name).read_bytes()))
        for i, name in enumerate(names)
    ]
    standin.add_report("my-org", DAY, list(files), kind="users-1-day")
    run = run_cli("fetch", env=_fetch_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    saved = [Path(p) for p in json.loads(run.outputs["files"])]
    assert [p.read_bytes() for p in saved] == [(SAMPLES / n).read_bytes() for n in names]
    return run, saved


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_a_fetched_sample_sums_up_as_summarize_reads_it(standin, run_cli, tmp_path, name):
    """The fetch's metrics outputs are summarize's of the saved file, to the last character."""
    fetched, (path,) = _fetch(standin, run_cli, tmp_path, [name])
    from_disk = run_cli("summarize", str(path), actions=True)
    refused = from_disk.code == 1 and "no Copilot usage record" in from_disk.stderr
    assert refused == (name in NOT_REPORTS), from_disk.stderr  # a report is never refused
    if refused:
        # not a report: summarize refuses it, the fetch keeps it and says it was not summarised
        assert str(path) in from_disk.stderr
        warned = [line for line in fetched.everything.splitlines() if "Not summarised" in line]
        assert len(warned) == 1 and str(path) in warned[0]
        assert json.loads(fetched.outputs["metrics"])["days"] == []
        return
    assert from_disk.code == 0, from_disk.stderr
    assert json.loads(fetched.outputs["metrics"])["days"]
    _assert_same_metrics(fetched, from_disk, [path], run_cli)


def test_all_samples_fetched_at_once_sum_up_in_the_listed_order(standin, run_cli, tmp_path):
    """Many files downloaded four at a time, each tallied apart, merge as summarize adds them:
    the same numbers and the same notes (every day's aggregate appears twice, so the later
    file's replaces the earlier one's, in the order the files are listed)."""
    reports = [n for n in SAMPLE_FILES if n not in NOT_REPORTS]
    fetched, saved = _fetch(standin, run_cli, tmp_path, reports * 2)
    from_disk = run_cli("summarize", *map(str, saved), actions=True)
    assert from_disk.code == 0, from_disk.stderr
    _assert_same_metrics(fetched, from_disk, saved, run_cli)
    notes = [line.split("note: ", 1)[1] for line in from_disk.stderr.splitlines()]
    assert notes  # the replaced aggregates
    warned = [
        line.split("::", 2)[2]
        for line in fetched.everything.splitlines()
        if line.startswith("::warning title=Usage summary::")
    ]
    assert warned == notes


def test_an_ordinary_fetch_never_imports_pydantic(standin, run_cli, tmp_path):
    """pydantic is the fetch's largest import (about 90 ms of figure 5's 250): an ordinary
    report, its link list, its records and its manifest are read and written by msgspec, and
    pydantic is loaded only to word an error. The interpreter's own import log says so."""
    name = next(n for n in SAMPLE_FILES if n not in NOT_REPORTS and "users" in n)
    standin.add_report(
        "my-org", DAY, [("users.ndjson", (SAMPLES / name).read_bytes())], kind="users-1-day"
    )
    env = _fetch_env(standin, tmp_path, PYTHONPROFILEIMPORTTIME="1")
    run = run_cli("fetch", env=env, actions=True)
    assert run.code == 0, run.stderr
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in run.everything.splitlines()  # in Actions mode stderr joins stdout
        if line.startswith("import time:") and "|" in line
    }
    # The log is the fetch's (a module loaded by import_module has no line of its own, but
    # every import statement in it has: pydantic's would).
    assert {"httpx", "msgspec", "copilot_usage_report._pipeline.job"} <= imported
    assert not {m for m in imported if m.split(".")[0] in ("pydantic", "pydantic_core")}
