"""Names and texts from archives and servers are data: every control character, every printed name.

Each control character (C0 with NUL, TAB, CR and LF; DEL; C1; the line and paragraph
separators; the bidirectional marks, embeddings, overrides and isolates) is sent, followed
by a workflow command of its own, through the names the tool prints: a manifest's scope,
report, day and file names and the folders on disk, run through the real ``history``;
report files' names and records' keys, through ``summarize``; and a loopback server's error
message, ``report_day``, link file names and records, through ``fetch``, all in a workflow
step (``GITHUB_ACTIONS``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``). No control character
but the line breaks the tool writes reaches stdout, stderr, the outputs or the summary, and
no line starts a workflow command the tool did not write.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._app.workflow import COMMAND_NAMES
from tests.app.test_workflow_commands import assert_canonical

from ._hostile import DAY, Hostile, Result, assert_failed_cleanly, links_answer, run_cli

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="folder names with control characters; the hostile server's helpers measure on Linux",
)

#: Every character that is layout, not data: C0, DEL, C1, separators, bidirectional controls.
CONTROLS = [
    *map(chr, range(0x20)),
    "\x7f",
    *map(chr, range(0x80, 0xA0)),
    "\u061c",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]
#: What may never be written: all of them but LF, the line break the tool writes itself.
FORBIDDEN = frozenset(CONTROLS) - {"\n"}
#: What a name carries after its control character: a command the tool must not obey.
MARK = "INJECTED"


def payload(chars: list[str] | str) -> str:
    """Each character followed by a workflow command of each grammar the runner reads."""
    return "".join(f"{c}::error::{MARK}{c}##[error]{MARK}" for c in chars)


def escaped(char: str) -> str:
    """How the tool shows ``char``: ``\\n``, ``\\x1b``, ``\\u202e``."""
    names = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    code = ord(char)
    return names.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def assert_data(*texts: str) -> None:
    """No forbidden character in any text."""
    for text in texts:
        found = sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN})
        assert found == [], (found, text[-2000:])


def assert_commands_are_ours(stdout: str, stderr: str) -> None:
    """stdout starts no workflow command; each command line on stderr is canonical, one the
    tool prints, and none of them begins with what a name carried; no other line of the log
    holds ``##[`` (the runner reads that grammar anywhere in a line, but inside a command of
    the canonical one, which it reads first, it is only text)."""
    assert [ln for ln in stdout.splitlines() if ln.lstrip().startswith("::")] == []
    log = (stdout + "\n" + stderr).splitlines()
    assert [ln for ln in log if "##[" in ln and not ln.startswith("::")] == []
    for line in stderr.splitlines():
        if not line.lstrip().startswith("::"):
            continue
        match = assert_canonical(line)
        assert match.group("name") in COMMAND_NAMES
        assert not match.group("message").startswith(MARK), line
        assert MARK not in (match.group("props") or ""), line


def assert_clean_run(stdout: str, stderr: str, *files: str) -> None:
    """``assert_data`` over everything the run wrote, and its commands its own."""
    assert_data(stdout, stderr, *files)
    assert_commands_are_ours(stdout, stderr)


# -- archives: history and summarize -------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real archive of the demo organization, a few days of three kinds, fetched once."""
    from copilot_usage_report._app.demo import demo_archive

    out = tmp_path_factory.mktemp("archive")
    demo_archive(out, days=1, report="organization-1-day,users-1-day,user-teams-1-day")
    return out


def _manifests(root: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(root.rglob("manifest.json")):
        yield path, json.loads(path.read_text())


def _bad_manifests(archive: Path, sweep: Path) -> int:
    """For each control character, a folder on disk named with it whose manifest's scope
    carries it, and one each for report, day and a file name; returns how many."""
    _, good = next(_manifests(archive))
    count = 0
    for n, char in enumerate(CONTROLS):
        for field in ("scope", "report", "day", "file"):
            manifest = json.loads(json.dumps(good))
            bad = f"x{payload(char)}"
            if field == "scope":
                manifest["scope"]["name"] = bad
            elif field == "report":
                manifest["report"] = bad
            elif field == "day":
                manifest["report_day"] = bad
            else:
                manifest["files"][0]["name"] = bad
            # A folder name holds any character but NUL and "/": the path is printed too.
            shown = "_" if char == "\x00" else char
            name = f"{n}-{field}-{shown}::error::{MARK}"
            folder = sweep / name
            folder.mkdir(parents=True)
            (folder / "manifest.json").write_text(json.dumps(manifest))
            count += 1
    return count


@pytest.mark.parametrize("actions", [True, False], ids=["workflow", "terminal"])
def test_history_shows_every_control_character_in_an_archive_as_data(
    archive, run_cli, tmp_path, actions
):
    """Manifests whose scope, report, day or file name (and folder) carry any control character
    are each skipped with one warning, the rest is built, and nothing printed obeys them."""
    sweep = tmp_path / "sweep"
    shutil.copytree(archive, sweep / "good")
    bad = _bad_manifests(archive, sweep)
    run = run_cli("history", str(sweep), "--out", str(tmp_path / "site"), actions=actions)
    assert run.code == 0, run.stderr[-3000:]
    assert "day(s) of orgs/octo-demo;" in run.stdout
    assert_clean_run(run.stdout, run.stderr, run.summary, *run.outputs.values())
    prefix = "::warning " if actions else "copilot-usage-report: warning: "
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith(prefix)]
    assert len(warnings) == bad, run.stderr[-3000:]
    shown = "\n".join(warnings)
    for char in FORBIDDEN - {"\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85"}:
        # Whitespace a message folds to a space; every other character shows as its escape.
        assert escaped(char) in shown, escaped(char)


def _aggregate(key: str) -> dict[str, Any]:
    """An organization's day record whose every breakdown key is ``key``."""
    activity = {"code_generation_activity_count": 2, "user_initiated_interaction_count": 1}
    return {
        "day": DAY,
        "organization_id": "1",
        "daily_active_users": 1,
        **activity,
        "totals_by_ide": [{"ide": key, **activity}],
        "totals_by_feature": [{"feature": key, **activity}],
        "totals_by_language_feature": [{"language": key, "feature": key, **activity}],
        "totals_by_model_feature": [{"model": key, "feature": key, **activity}],
    }


def test_summarize_shows_every_control_character_in_report_files_as_data(run_cli, tmp_path):
    """Records whose keys carry every control character, in files named with them: the summary,
    its outputs and notes show them as escapes; an unreadable such file fails in one line."""
    folder = tmp_path / "reports"
    folder.mkdir()
    key = payload(CONTROLS)
    named = "".join(c for c in CONTROLS if c not in "\x00/")
    (folder / f"a{named}.ndjson").write_text(json.dumps(_aggregate(key)) + "\n")
    run = run_cli("summarize", str(folder), actions=True)
    assert run.code == 0, run.stderr[-3000:]
    assert_clean_run(run.stdout, run.stderr, run.summary, *run.outputs.values())
    assert escaped("\x1b") in run.stdout and escaped("\u202e") in run.stdout
    (folder / f"b{named}.ndjson").write_text(json.dumps({"what": key}) + "\n")
    failed = run_cli("summarize", str(folder), actions=True)
    assert failed.code != 0
    assert_clean_run(failed.stdout, failed.stderr, failed.summary, *failed.outputs.values())
    errors = [ln for ln in failed.stderr.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1, failed.stderr
    assert escaped("\x1b") in errors[0]


# -- servers: fetch --------------------------------------------------------------------------

#: GitHub's message is quoted up to 300 characters: the characters go in groups that fit.
GROUPS = [CONTROLS[i : i + 7] for i in range(0, len(CONTROLS), 7)]


def _fetch(tmp_path: Path, routes: dict[str, Any], *args: str) -> Result:
    server = Hostile(routes={})
    for prefix, make in routes.items():
        server.routes[prefix] = make(server)
    try:
        return run_cli(tmp_path, "--api-url", server.url, "--retries", "0", *args)
    finally:
        server.close()


USER_RECORD = b'{"user_id": 1, "day": "%s"}\n' % DAY.encode()


def _written(result: Result) -> tuple[str, ...]:
    return (result.stdout, result.stderr, result.summary, *result.outputs.values())


@pytest.mark.parametrize("chars", GROUPS, ids=[f"U+{ord(g[0]):04X}" for g in GROUPS])
def test_a_servers_error_message_is_shown_as_data(tmp_path, chars):
    """GitHub's ``message`` carrying control characters and commands: one ``::error`` line
    showing them as escapes, in the log, the ``error`` output and the summary."""
    body = json.dumps({"message": payload(chars)}).encode()
    result = _fetch(tmp_path, {"/orgs/": lambda s: lambda c: c.answer(403, body)})
    line = assert_failed_cleanly(tmp_path, result, 1, "HTTP 403")
    assert_clean_run(*_written(result))
    for char in chars:
        if not char.isspace():  # whitespace a message folds to one space
            assert escaped(char) in line, escaped(char)
            assert escaped(char) in result.outputs["error"]


def test_a_report_day_that_is_no_date_is_shown_as_data(tmp_path):
    """A ``report_day`` carrying every control character: one format error, nothing obeyed."""

    def api(server: Hostile):
        body = {"download_links": [server.link()], "report_day": payload(CONTROLS)}
        return lambda c: c.answer(200, json.dumps(body).encode())

    result = _fetch(tmp_path, {"/orgs/": api})
    assert_failed_cleanly(tmp_path, result, 1, "report_day")
    assert_clean_run(*_written(result))


@pytest.mark.parametrize("encoded", [False, True], ids=["raw", "percent-encoded"])
def test_link_file_names_are_shown_as_data(tmp_path, encoded):
    """Link file names carrying every control character: a raw one is refused unfetched in one
    line, a percent-encoded one saved under a safe name; nothing printed obeys them."""
    name = payload(CONTROLS)
    if encoded:  # a link is at most 8 KiB: one command after each character
        name = "".join(f"%{b:02X}" for c in CONTROLS for b in f"{c}::error::{MARK}".encode())
    routes = {
        "/orgs/": lambda s: links_answer(s.link(f"r{name}.ndjson")),
        "/files/": lambda s: lambda c: c.answer(200, USER_RECORD),
    }
    result = _fetch(tmp_path, routes)
    if encoded:
        assert result.code == 0, result.stderr[-3000:]
    else:
        assert_failed_cleanly(tmp_path, result, 1, "control character")
    assert_clean_run(*_written(result))


def test_records_keys_from_storage_are_shown_as_data(tmp_path):
    """A downloaded record whose IDE, feature, language and model carry every control character:
    the job summary and the log show them as escapes; the file is kept as GitHub sent it."""
    record = (json.dumps(_aggregate(payload(CONTROLS))) + "\n").encode()
    routes = {
        "/orgs/": lambda s: links_answer(s.link("report.ndjson")),
        "/files/": lambda s: lambda c: c.answer(200, record),
    }
    result = _fetch(tmp_path, routes)
    assert result.code == 0, result.stderr[-3000:]
    assert_clean_run(*_written(result))
    assert escaped("\x1b") in result.summary and escaped("\u202e") in result.summary
    saved = list((tmp_path / "out").rglob("report.ndjson"))
    assert len(saved) == 1 and saved[0].read_bytes() == record


def test_seat_lists_names_are_shown_as_data(run_cli, tmp_path):
    """Seats whose plan, login, team and editor carry every control character: the fetch and
    the history built from it print and write none of them as itself."""
    from copilot_usage_report._standin.seats import SeatBook
    from copilot_usage_report._standin.server import StandIn

    from .test_seats_cli import fetch, seat

    name = payload(CONTROLS)
    seats = [
        seat(1, 40.0, 2.0, plan=f"business{name}", team={"slug": name, "name": name}),
        seat(2, 40.0, None, last_activity_editor=name),
    ]
    seats[0]["assignee"]["login"] = name
    with StandIn(token="ghp_SEATSTOKEN1234567890") as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(seats, page_size=10)
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 0, run.stderr[-3000:]
    assert_clean_run(run.stdout, run.stderr, run.summary, *run.outputs.values())
    # the plan's name, shown escaped (and cut at 256 characters, so an early character)
    assert escaped("\x01") in run.summary
    built = run_cli("history", str(tmp_path / "out"), "--out", str(tmp_path / "site"), actions=True)
    assert built.code == 0, built.stderr[-3000:]
    assert_clean_run(built.stdout, built.stderr, built.summary, *built.outputs.values())
