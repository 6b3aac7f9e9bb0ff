"""One pass per byte: what a download decodes as it arrives adds up to what ``summarize`` reads.

Each test feeds files through the content check with a ``FetchTally`` (cut into chunks anywhere,
as a socket cuts them) and compares ``summarize_fetch`` with ``summarize_paths`` of the same
files: the whole ``metrics`` output, the notes and the files skipped, or the same error.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._metrics import Insight, summarize_paths
from copilot_usage_report._pipeline.onepass import FetchTally, fetch_tally, summarize_fetch
from copilot_usage_report._transfer.content import ContentCheck
from copilot_usage_report._transfer.download import (
    Download,
    SavedFile,
    download_one,
    make_storage_client,
)
from tests._samples import NOT_REPORTS, SAMPLE_FILES, SAMPLES
from tests.integration.conftest import parse_outputs
from tests.metrics.test_paths_agree import ANY_JSON, ROW


def _fed(path: Path, cuts: list[int] | int, batch: int = 1 << 20) -> SavedFile:
    """``path`` fed to a content check with a ``FetchTally`` in chunks (a size, or cut points),
    the check handing lines over ``batch`` bytes at a time."""
    body = path.read_bytes()
    if isinstance(cuts, int):
        cuts = list(range(cuts, len(body), cuts))
    sink = FetchTally(path)
    check = ContentCheck(sink, batch=batch)
    start = 0
    for end in [*sorted(set(cuts)), len(body)]:
        check.feed(body[start:end])
        start = max(start, end)
    check.finish(path.read_bytes)
    return SavedFile(path.name, path, len(body), "", check.records, decoded=sink)


def _outcome(read: Any) -> object:
    """Everything a summary says: the metrics, notes and skipped files; or the error's words."""
    try:
        insight: Insight = read()
    except ReportFormatError as exc:
        return ("error", exc.message)
    return insight.metrics(), insight.notes, insight.skipped, insight.files


@pytest.mark.parametrize("name", SAMPLE_FILES)
@pytest.mark.parametrize(("chunk", "batch"), [(1, 1), (13, 100), (4096, 1 << 20), (1 << 30, 1)])
def test_each_sample_adds_up_alike_however_it_arrives(
    name: str, chunk: int, batch: int, tmp_path: Path
):
    """Every sample, cut into chunks of any size: the one-pass summary equals summarize's."""
    path = tmp_path / Path(name).name
    path.write_bytes((SAMPLES / name).read_bytes())
    if chunk == 1 and path.stat().st_size > 20_000:
        chunk = 1021  # a byte at a time takes too long on the large samples; still cuts lines
    saved = _fed(path, chunk, batch)
    assert isinstance(saved.decoded, FetchTally) and saved.decoded.finished
    one_pass = _outcome(lambda: summarize_fetch([saved], unrecognised="skip"))
    assert one_pass == _outcome(lambda: summarize_paths([path], unrecognised="skip"))
    insight = summarize_fetch([saved], unrecognised="skip")
    if name in NOT_REPORTS:  # a non-report is named, and has no day
        assert (insight.days, insight.skipped) == ((), (path,))
    else:  # a report has days and skips nothing
        assert insight.days and insight.skipped == ()


def test_all_samples_at_once_merge_in_order(tmp_path: Path):
    """Files tallied apart and merged in order equal one summarize of them all (notes too)."""
    paths = []
    for i, name in enumerate(SAMPLE_FILES * 2):  # twice: every day's aggregate is replaced
        path = tmp_path / f"{i:02d}-{Path(name).name}"
        path.write_bytes((SAMPLES / name).read_bytes())
        paths.append(path)
    saved = [_fed(p, 997, 5000) for p in paths]
    want = _outcome(lambda: summarize_paths(paths, unrecognised="skip"))
    assert _outcome(lambda: summarize_fetch(saved, unrecognised="skip")) == want
    assert want[1]  # type: ignore[index]  # the replaced aggregates were noted
    # a file whose tally is missing (kept from an earlier run) is read from disk instead
    mixed = [
        SavedFile(s.name, s.path, s.size, "", s.records) if i % 3 else s
        for i, s in enumerate(saved)
    ]
    assert _outcome(lambda: summarize_fetch(mixed, unrecognised="skip")) == want


def _write(folder: str, name: str, text: str) -> Path:
    path = Path(folder) / name
    path.write_text(text)
    return path


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(st.lists(ROW, min_size=1, max_size=8), min_size=1, max_size=3),
    cuts=st.lists(st.integers(0, 3000), max_size=6),
    batch=st.sampled_from([1, 50, 1 << 20]),
)
def test_per_user_rows_agree_however_cut(
    files: list[list[dict[str, Any]]], cuts: list[int], batch: int
):
    """Random per-user rows (some of a wrong type), any chunking: same numbers or same error."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [
            _write(folder, f"{i}.ndjson", "".join(json.dumps(r) + "\n" for r in rows))
            for i, rows in enumerate(files)
        ]
        saved = [_fed(p, cuts, batch) for p in paths]
        one_pass = _outcome(lambda: summarize_fetch(saved, unrecognised="skip"))
        assert one_pass == _outcome(lambda: summarize_paths(paths, unrecognised="skip"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(ANY_JSON, min_size=1, max_size=5),
    one_document=st.booleans(),
    cuts=st.lists(st.integers(0, 400), max_size=4),
    batch=st.sampled_from([1, 50, 1 << 20]),
)
def test_any_json_agrees_however_cut(
    values: list[Any], one_document: bool, cuts: list[int], batch: int
):
    """Any JSON in any shape (NDJSON, documents, wrappers): the same outcome either way."""
    with tempfile.TemporaryDirectory() as folder:
        text = (
            json.dumps(values, indent=1)
            if one_document
            else "".join(json.dumps(v) + "\n" for v in values)
        )
        path = _write(folder, "report.json", text)
        try:
            saved = _fed(path, cuts, batch)
        except ReportFormatError:
            return  # the check refuses it: a download would not keep it
        one_pass = _outcome(lambda: summarize_fetch([saved], unrecognised="skip"))
        assert one_pass == _outcome(lambda: summarize_paths([path], unrecognised="skip"))


def test_a_record_the_summary_cannot_use_does_not_fail_the_check(tmp_path: Path):
    """A wrong type is the summary's error, named as summarize names it; the file passes."""
    path = tmp_path / "users.ndjson"
    path.write_text(
        '{"user_id": 1, "day": "2026-11-20"}\n{"user_id": 2, "day": "2026-11-20", '
        '"used_chat": "yes"}\n'
    )
    saved = _fed(path, 20)
    assert saved.records == 2
    with pytest.raises(ReportFormatError) as one_pass:
        summarize_fetch([saved])
    with pytest.raises(ReportFormatError) as from_disk:
        summarize_paths([path])
    assert one_pass.value.message == from_disk.value.message
    assert "line 2" in one_pass.value.message


def test_per_repository_reports_get_no_tally(tmp_path: Path):
    """repos-* reports are archived, not summarised: their downloads decode nothing."""
    assert fetch_tally("repos-1-day", tmp_path / "a.ndjson") is None
    assert isinstance(fetch_tally("users-1-day", tmp_path / "a.ndjson"), FetchTally)


class _CutOff(httpx.SyncByteStream):
    """A body that breaks off after ``keep`` bytes, as a reset connection does."""

    def __init__(self, body: bytes, keep: int) -> None:
        self.body, self.keep = body, keep

    def __iter__(self):
        for start in range(0, self.keep, 10_000):
            yield self.body[start : min(start + 10_000, self.keep)]
        raise httpx.ReadError("connection reset")


def test_a_retried_download_counts_each_record_once(tmp_path: Path):
    """The attempt cut off half way fed its own tally; the saved file carries the new one's."""
    pad = "x" * 800  # a body of some MB: the check hands lines over a MiB at a time
    rows = [{"user_id": i, "day": "2026-11-20", "used_chat": True, "p": pad} for i in range(3000)]
    body = "".join(json.dumps(r) + "\n" for r in rows).encode()
    answers = [
        httpx.Response(
            200, stream=_CutOff(body, len(body) // 2), headers={"content-length": str(len(body))}
        ),
        httpx.Response(
            200, stream=httpx.ByteStream(body), headers={"content-length": str(len(body))}
        ),
    ]
    client = make_storage_client(transport=httpx.MockTransport(lambda _: answers.pop(0)))
    made: list[FetchTally] = []

    def sink(path: Path) -> FetchTally:
        made.append(FetchTally(path))
        return made[-1]

    saved = download_one(
        client, Download("https://s.test/a", "a.ndjson"), tmp_path, retries=2, records=sink
    )
    assert len(made) == 2 and saved.decoded is made[1]
    assert not made[0].finished and 0 < made[0].records < 3000  # the first took some rows
    insight = summarize_fetch([saved])
    assert [d.user_records for d in insight.days] == [3000]
    assert [d.daily_active_users for d in insight.days] == [3000]
    assert insight.metrics() == summarize_paths([tmp_path / "a.ndjson"]).metrics()


def test_the_summary_of_a_fetch_reads_no_file(standin, tmp_path: Path, monkeypatch, capsys):
    """The real CLI in-process, with every way of reading a report file from disk broken: the
    fetch's summary still comes out, from what the downloads decoded."""
    from datetime import UTC, datetime, timedelta

    from copilot_usage_report._app.cli import main
    from copilot_usage_report._metrics import feed as _feed
    from copilot_usage_report._metrics import records as _records
    from copilot_usage_report._metrics import tally as _tally

    day = datetime.now(UTC).date() - timedelta(days=3)
    users = b"".join(
        b'{"user_id": %d, "day": "%s", "used_chat": true}\n' % (i, day.isoformat().encode())
        for i in range(700)
    )
    aggregate = json.dumps({"day": day.isoformat(), "daily_active_users": 9}).encode()
    standin.add_report("my-org", day, [("users.ndjson", users), ("org.json", aggregate)])

    def no_disk(*_: object, **__: object) -> None:
        raise AssertionError("a report file was read again")

    monkeypatch.setattr(_records, "read_records", no_disk)
    monkeypatch.setattr(_tally, "read_records", no_disk)
    monkeypatch.setattr(_feed.FileTally, "add_line", no_disk)
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    for name, value in {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": "ghp_TESTTOKEN1234567890",
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        "INPUT_DAY": day.isoformat(),
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["fetch", "--no-summary"]) == 0, capsys.readouterr()
    assert "a report file was read again" not in capsys.readouterr().err
    written = parse_outputs(outputs.read_text())
    assert written["daily-active-users"] == "9"
    (only,) = json.loads(written["metrics"])["days"]
    assert only["daily_active_users"] == 9 and only["records"]["user"] == 700


def _verdict(body: bytes, cuts: list[int], check: ContentCheck) -> object:
    start = 0
    try:
        for end in [*sorted(set(cuts)), len(body)]:
            check.feed(body[start:end])
            start = max(start, end)
        check.finish(lambda: body)
    except ReportFormatError as exc:
        return exc.message
    return check.records


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.one_of(
            ANY_JSON.map(json.dumps),
            st.sampled_from(["", " ", "{", "not json", '{"a": NaN}', '"\\ud800"', "[1,"]),
            st.binary(max_size=8).map(lambda b: b.decode("latin-1")),
        ),
        min_size=1,
        max_size=6,
    ),
    cuts=st.lists(st.integers(0, 300), max_size=4),
    batch=st.sampled_from([1, 40, 1 << 20]),
    newline=st.booleans(),
)
def test_the_check_says_the_same_with_a_sink(
    lines: list[str], cuts: list[int], batch: int, newline: bool
):
    """The check with a sink accepts, refuses (in the same words) and counts as it does alone."""
    body = ("\n".join(lines) + ("\n" if newline else "")).encode("utf-8", "surrogatepass")
    alone = _verdict(body, cuts, ContentCheck())
    sink = FetchTally(Path("report.ndjson"))
    assert _verdict(body, cuts, ContentCheck(sink, batch=batch)) == alone
