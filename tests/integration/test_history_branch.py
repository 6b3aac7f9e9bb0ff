"""The history branch against a real git server on loopback (git http-backend behind HTTP).

Every run here clones, commits and pushes for real, with the token handed to
git as a header through the environment: the server records what arrived.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot_usage_report._errors import HistoryBranchError, InputError
from copilot_usage_report.history._branch import PublishResult, publish_history
from copilot_usage_report.history._git import BOT_NAME, Git

from ._gitserver import GIT, GitServer, basic, require_git

pytestmark = pytest.mark.skipif(
    os.name == "nt", reason="the tests' CGI git server runs on POSIX only"
)

TOKEN = "ghs_HISTORYTOKEN0123456789abcdef"
COPILOT_TOKEN = "github_pat_COPILOTTOKEN0123456789"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "metrics"
BRANCH = "copilot-usage"
READ_ONLY = "ghs_READONLY0123456789"


def _secrets() -> list[bytes]:
    """The token in every form it could leak: plain, and inside the Basic header value."""
    pair = base64.b64encode(f"x-access-token:{TOKEN}".encode())
    return [TOKEN.encode(), pair]


def add_day(
    archive: Path,
    day: str,
    *,
    scope: str = "orgs/octo-demo",
    report: str = "organization-1-day",
    fixture: str = "organization-1-day.ndjson",
) -> Path:
    """A verified day folder in the archive layout, with the fixture's records moved to ``day``."""
    folder = archive / scope / report / day
    folder.mkdir(parents=True)
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    data = text.replace('"day": "2026-11-20"', f'"day": "{day}"').encode()
    name = f"{report}-{day}.ndjson"
    (folder / name).write_bytes(data)
    kind, _, who = scope.partition("/")
    manifest = {
        "tool": "copilot-usage-report test",
        "scope": {"kind": kind.rstrip("s"), "name": who},
        "org": who,
        "report": report,
        "report_day": day,
        "origin": "https://api.github.com",
        "files": [
            {
                "name": name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "link": f"https://example.com/{name}",
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


@pytest.fixture(scope="module", autouse=True)
def _git_backend() -> None:
    """git and git http-backend are there, or the one line naming the package (a failure in CI)."""
    require_git()


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config of the machine running the tests."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        for field in ("NAME", "EMAIL"):
            monkeypatch.delenv(f"GIT_{role}_{field}", raising=False)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[GitServer]:
    with GitServer(tmp_path / "server", TOKEN, read_only_token=READ_ONLY) as running:
        yield running


class SpyGit(Git):
    """Our runner, checking the clone for the token just before each push."""

    seen_files: list[Path]
    remote_urls: list[str]

    def run(self, *args: str, **kwargs: object):
        if args and args[0] == "push":
            for path in self.repo.rglob("*"):
                if path.is_file():
                    content = path.read_bytes()
                    for secret in _secrets():
                        assert secret not in content, f"token found in {path}"
                    SpyGit.seen_files.append(path)
            SpyGit.remote_urls.append(
                super().run("config", "--get", "remote.origin.url").stdout.strip()
            )
        return super().run(*args, **kwargs)  # type: ignore[arg-type]


def publish(server: GitServer, archive: Path, **kwargs: object) -> tuple[PublishResult, list[Git]]:
    made: list[Git] = []

    def factory(*args: object, **kw: object) -> Git:
        git = SpyGit(*args, **kw)  # type: ignore[arg-type]
        made.append(git)
        return git

    options: dict[str, object] = {
        "branch": BRANCH,
        "repository": server.repository,
        "server": server.url,
        "token": TOKEN,
        "git_factory": factory,
        "sleep": lambda _: None,
        **kwargs,
    }
    return publish_history(archive, **options), made  # type: ignore[arg-type]


def tree(server: GitServer, ref: str = BRANCH) -> list[str]:
    return server.git("ls-tree", "-r", "--name-only", ref).split()


def show(server: GitServer, path: str, ref: str = BRANCH) -> bytes:
    import subprocess

    return subprocess.run(
        [GIT, "-C", str(server.bare), "show", f"{ref}:{path}"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout


@pytest.fixture(autouse=True)
def _spy_state() -> None:
    SpyGit.seen_files = []
    SpyGit.remote_urls = []


def test_first_run_creates_the_branch_as_an_orphan_with_the_day_and_the_page(server, tmp_path):
    """One commit, no parent, the day folder byte-exact, the page, the CSV and the README."""
    archive = tmp_path / "archive"
    folder = add_day(archive, "2026-11-20")
    result, _ = publish(server, archive)
    assert len(result.commit) == 40
    assert server.git("rev-parse", BRANCH).strip() == result.commit
    assert server.git("rev-list", "--count", BRANCH).strip() == "1"
    day = "orgs/octo-demo/organization-1-day/2026-11-20"
    assert sorted(tree(server)) == sorted(
        [
            ".nojekyll",
            "README.md",
            "daily.csv",
            "index.html",
            f"{day}/manifest.json",
            f"{day}/organization-1-day-2026-11-20.ndjson",
        ]
    )
    for name in ("manifest.json", "organization-1-day-2026-11-20.ndjson"):
        assert show(server, f"{day}/{name}") == (folder / name).read_bytes()
    assert result.added == (day,)
    assert result.url == f"{server.url}/{server.repository}/tree/{BRANCH}"
    log = server.git("log", "-1", "--format=%an <%ae>%n%cn%n%s", BRANCH).splitlines()
    assert log[0].startswith(BOT_NAME + " <")
    assert log[1] == BOT_NAME
    assert log[2] == "Copilot usage of orgs/octo-demo for 2026-11-20"
    assert b"orgs/octo-demo/" in show(server, "README.md")
    assert "copilot-usage.sqlite" not in " ".join(tree(server))


def test_a_second_day_adds_one_folder_and_a_new_page(server, tmp_path):
    """The next day's run (a fresh runner: only its own day on disk) adds exactly that day."""
    add_day(tmp_path / "first", "2026-11-20")
    first, _ = publish(server, tmp_path / "first")
    add_day(tmp_path / "second", "2026-11-21")
    second, _ = publish(server, tmp_path / "second")
    assert second.commit and second.commit != first.commit
    assert server.git("rev-parse", f"{BRANCH}^").strip() == first.commit
    changed = server.git("diff", "--name-status", first.commit, second.commit).splitlines()
    day = "orgs/octo-demo/organization-1-day/2026-11-21"
    assert sorted(changed) == sorted(
        [
            f"A\t{day}/manifest.json",
            f"A\t{day}/organization-1-day-2026-11-21.ndjson",
            "M\tdaily.csv",
            "M\tindex.html",
        ]
    )
    assert b"2026-11-20" in show(server, "daily.csv")  # rebuilt over the whole branch
    assert b"2026-11-21" in show(server, "daily.csv")
    assert second.added == (day,)


def test_a_rerun_makes_no_commit_and_pushes_nothing(server, tmp_path):
    """The same archive again: the branch is untouched and no pack is sent."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    first, _ = publish(server, archive)
    pushes = len(server.pushes())
    again, _ = publish(server, archive)
    assert again.commit == ""
    assert server.git("rev-parse", BRANCH).strip() == first.commit
    assert len(server.pushes()) == pushes


def test_two_runs_pushing_at_the_same_time_both_land(server, tmp_path):
    """Two organizations into one branch at once: one push is refused, rebuilt on top, lands."""
    add_day(tmp_path / "start", "2026-11-19")
    start, _ = publish(server, tmp_path / "start")
    add_day(tmp_path / "a", "2026-11-20", scope="orgs/alpha")
    add_day(tmp_path / "b", "2026-11-20", scope="orgs/beta")
    server.race_next_pushes(2)
    results: dict[str, PublishResult] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            results[name], _ = publish(server, tmp_path / name)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not errors, errors
    assert results["a"].commit and results["b"].commit
    assert sorted(r.attempts for r in results.values()) == [1, 2]
    names = tree(server)
    for scope in ("orgs/alpha", "orgs/beta", "orgs/octo-demo"):
        assert any(n.startswith(scope + "/") for n in names), scope
    csv = show(server, "daily.csv")
    assert b"orgs/alpha" in csv and b"orgs/beta" in csv  # rebuilt, not one run's copy
    assert server.git("rev-list", "--count", BRANCH).strip() == "3"
    assert start.commit in server.git("rev-list", BRANCH)


def test_per_user_reports_stay_out_unless_asked(server, tmp_path):
    """users-1-day is left out by default, with a warning saying how to keep it."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    add_day(archive, "2026-11-20", report="users-1-day", fixture="users-1-day.ndjson")
    warnings: list[str] = []
    publish(server, archive, warn=warnings.append)
    assert not any("users-1-day" in n for n in tree(server))
    assert any("history-per-user" in w for w in warnings)


def test_per_user_reports_are_gzipped_and_the_manifest_keeps_both_hashes(server, tmp_path):
    """With per_user, the branch holds .ndjson.gz; gunzipped, it is the original byte for byte."""
    archive = tmp_path / "archive"
    folder = add_day(archive, "2026-11-20", report="users-1-day", fixture="users-1-day.ndjson")
    publish(server, archive, per_user=True)
    base = "orgs/octo-demo/users-1-day/2026-11-20"
    original = (folder / "users-1-day-2026-11-20.ndjson").read_bytes()
    stored = show(server, f"{base}/users-1-day-2026-11-20.ndjson.gz")
    assert gzip.decompress(stored) == original
    (entry,) = json.loads(show(server, f"{base}/manifest.json"))["files"]
    assert entry["name"] == "users-1-day-2026-11-20.ndjson.gz"
    assert entry["sha256"] == hashlib.sha256(stored).hexdigest()
    assert entry["size"] == len(stored)
    assert entry["uncompressed"] == {
        "name": "users-1-day-2026-11-20.ndjson",
        "size": len(original),
        "sha256": hashlib.sha256(original).hexdigest(),
    }


def test_a_per_user_file_over_the_limit_is_refused_before_any_request(server, tmp_path):
    """Over GitHub's per-file limit (lowered here): one line naming it; the server saw nothing."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20", report="users-1-day", fixture="users-1-day.ndjson")
    with pytest.raises(HistoryBranchError) as caught:
        publish(server, archive, per_user=True, max_file_bytes=100)
    message = caught.value.message
    assert "users-1-day-2026-11-20.ndjson.gz" in message
    assert "over GitHub's 100-byte limit" in message
    assert "\n" not in message
    assert server.requests == []


def test_a_folder_that_does_not_match_its_manifest_is_not_committed(server, tmp_path):
    """A file changed after its manifest was written is skipped and named."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    bad = add_day(archive, "2026-11-21")
    (bad / "organization-1-day-2026-11-21.ndjson").write_bytes(b"{}\n")
    warnings: list[str] = []
    publish(server, archive, warn=warnings.append)
    assert not any("2026-11-21" in n for n in tree(server))
    assert any("2026-11-21" in w and "does not match its manifest" in w for w in warnings)


@pytest.mark.parametrize("case", ["link", "folder link", "fifo", "big integer", "other day"])
def test_a_folder_the_gate_refuses_is_not_committed(server, tmp_path, case):
    """A file that is a link to one outside the archive (its target never copied), a FIFO (no
    waiting), a record beyond the database's range or of another day: skipped and named."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    bad = add_day(archive, "2026-11-21")
    file = bad / "organization-1-day-2026-11-21.ndjson"
    data = file.read_bytes()
    if case == "folder link":
        outside = tmp_path / "elsewhere"
        bad.rename(outside)
        bad.symlink_to(outside, target_is_directory=True)
        publish(server, archive)
        assert not any("2026-11-21" in n for n in tree(server))
        return
    if case == "link":
        secret = tmp_path / "outside.ndjson"
        secret.write_bytes(data)
        file.unlink()
        file.symlink_to(secret)
    elif case == "fifo":
        file.unlink()
        os.mkfifo(file)
    else:
        old = b'"day": "2026-11-21"'
        new = b'"day": "2026-11-20"' if case == "other day" else old + b', "x": ' + b"9" * 30
        file.write_bytes(data.replace(old, new, 1))
        manifest = json.loads((bad / "manifest.json").read_text())
        manifest["files"][0].update(
            size=file.stat().st_size, sha256=hashlib.sha256(file.read_bytes()).hexdigest()
        )
        (bad / "manifest.json").write_text(json.dumps(manifest))
    warnings: list[str] = []
    publish(server, archive, warn=warnings.append)
    assert not any("2026-11-21" in n for n in tree(server))
    assert [w for w in warnings if "2026-11-21" in w] == [w for w in warnings if str(bad) in w]
    assert len([w for w in warnings if str(bad) in w]) == 1, warnings


def test_the_token_went_as_a_header_and_nowhere_else(server, tmp_path):
    """Every request carried the header; no argv, remote URL or file of the clone holds it."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    result, made = publish(server, archive)
    assert result.commit
    assert server.requests
    sent = {str(r["headers"].get("authorization")).lower() for r in server.requests}
    assert sent == {basic(TOKEN).lower()}
    (git,) = made
    assert any(c[:2] == ("git", "push") for c in git.commands)
    for command in git.commands:
        for secret in _secrets():
            assert secret.decode() not in " ".join(command)
    assert SpyGit.remote_urls == [f"{server.url}/{server.repository}.git"]
    assert any(p.parts[-2:] == (".git", "config") for p in SpyGit.seen_files)


def test_the_users_own_git_identity_is_kept(server, tmp_path):
    """An identity set with git config (an earlier step) signs the commit instead of the bot."""
    home = Path(str(tmp_path / "home"))
    (home / ".gitconfig").write_text("[user]\n\tname = Mona Lisa\n\temail = mona@example.com\n")
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    publish(server, archive)
    assert server.git("log", "-1", "--format=%an <%ae>", BRANCH).strip() == (
        "Mona Lisa <mona@example.com>"
    )


def test_a_wrong_token_fails_in_one_line_without_the_token(server, tmp_path):
    """The server refuses the token: one line, git's reason, no token, nothing pushed."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    with pytest.raises(HistoryBranchError) as caught:
        publish(server, archive, token="ghs_WRONGTOKEN999")
    assert "ghs_WRONGTOKEN999" not in caught.value.message
    assert "\n" not in caught.value.message
    assert "read the history branch" in caught.value.message
    assert server.pushes() == []


def test_a_bad_branch_name_is_an_input_error_before_any_request(server, tmp_path):
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    with pytest.raises(InputError, match="not a valid branch name"):
        publish(server, archive, branch="bad..name")
    assert server.requests == []


def _action_env(server: GitServer, archive: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment action.yml's history step gives the CLI (plus the fetch's token)."""
    return {
        "INPUT_OUTPUT_DIR": str(archive),
        "INPUT_HISTORY_BRANCH": BRANCH,
        "INPUT_HISTORY_TOKEN": TOKEN,
        "INPUT_HISTORY_PER_USER": "false",
        "INPUT_HISTORY_SITE": str(tmp_path / "site"),
        "INPUT_TOKEN": COPILOT_TOKEN,  # the Copilot metrics token: must never reach git
        "GITHUB_SERVER_URL": server.url,
        "GITHUB_REPOSITORY": server.repository,
        "RUNNER_TEMP": str(tmp_path),
        **extra,
    }


def test_the_action_step_publishes_sets_outputs_and_leaks_nothing(server, tmp_path, run_cli):
    """publish-history as the action runs it: outputs, site, masked token, rerun without commit."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    env = _action_env(server, archive, tmp_path)
    run = run_cli("publish-history", env=env, actions=True)
    assert run.code == 0, run.stderr
    commit = run.outputs["history-commit"]
    assert commit == server.git("rev-parse", BRANCH).strip()
    assert run.outputs["history-url"] == f"{server.url}/{server.repository}/tree/{BRANCH}"
    site = Path(run.outputs["history-site"])
    assert {p.name for p in site.iterdir()} >= {"index.html", "daily.csv", "copilot-usage.sqlite"}
    assert f"::add-mask::{TOKEN}" in run.stderr.splitlines()
    assert "$ git push --porcelain origin HEAD:refs/heads/copilot-usage" in run.stderr
    assert run.stderr.index("::group::History branch: git") < run.stderr.index("$ git push")
    assert run.stderr.index("$ git push") < run.stderr.index("::endgroup::")
    for secret in _secrets():
        assert secret.decode() not in run.everything
    copilot = base64.b64encode(f"x-access-token:{COPILOT_TOKEN}".encode()).decode()
    for request in server.requests:
        headers = json.dumps(request["headers"])
        assert COPILOT_TOKEN not in headers and copilot not in headers
    assert "committed to [copilot-usage]" in run.summary

    again = run_cli("publish-history", env=env, actions=True)
    assert again.code == 0, again.stderr
    assert again.outputs["history-commit"] == ""
    assert server.git("rev-parse", BRANCH).strip() == commit
    assert "no commit" in again.summary


def test_without_a_history_token_the_copilot_token_is_not_used(server, tmp_path, run_cli):
    """history-token empty: exit 2 before any request, though INPUT_TOKEN is set."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    env = _action_env(server, archive, tmp_path, INPUT_HISTORY_TOKEN="")
    run = run_cli("publish-history", env=env, actions=True)
    assert run.code == 2
    assert run.outputs["error-type"] == "InputError"
    assert "history-token" in run.outputs["error"]
    assert server.requests == []


def test_a_refused_token_is_one_annotation_and_exit_1(server, tmp_path, run_cli):
    """The server says 401: one ::error:: line naming the step, no traceback, no token."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    env = _action_env(server, archive, tmp_path, INPUT_HISTORY_TOKEN="ghs_REFUSED000")
    run = run_cli("publish-history", env=env, actions=True)
    assert run.code == 1
    assert run.outputs["error-type"] == "HistoryBranchError"
    assert "Traceback" not in run.stderr
    assert "ghs_REFUSED000" not in run.everything
    assert "contents: write" in run.summary


def test_a_token_that_may_not_push_says_what_permission_is_missing(server, tmp_path):
    """A read-only workflow token: the fetch works, the push is refused; the message says why."""
    add_day(tmp_path / "first", "2026-11-20")
    first, _ = publish(server, tmp_path / "first")
    add_day(tmp_path / "second", "2026-11-21")
    with pytest.raises(HistoryBranchError) as caught:
        publish(server, tmp_path / "second", token=READ_ONLY)
    assert "403" in caught.value.message
    assert "permissions: contents: write" in caught.value.message
    assert READ_ONLY not in caught.value.message
    assert server.git("rev-parse", BRANCH).strip() == first.commit


def test_retries_are_bounded(server, tmp_path):
    """With one attempt allowed, the run that loses the race fails in one line; the other lands."""
    add_day(tmp_path / "start", "2026-11-19")
    publish(server, tmp_path / "start")
    add_day(tmp_path / "a", "2026-11-20", scope="orgs/alpha")
    add_day(tmp_path / "b", "2026-11-20", scope="orgs/beta")
    server.race_next_pushes(2)
    outcomes: list[object] = []

    def run(name: str) -> None:
        try:
            outcomes.append(publish(server, tmp_path / name, attempts=1)[0])
        except HistoryBranchError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    failed = [o for o in outcomes if isinstance(o, HistoryBranchError)]
    landed = [o for o in outcomes if isinstance(o, PublishResult)]
    assert len(failed) == 1 and len(landed) == 1, outcomes
    assert "gave up after 1 attempts" in failed[0].message
    assert server.git("rev-parse", BRANCH).strip() == landed[0].commit


def test_a_backfill_commit_names_its_span():
    """Many days in one commit: the subject gives first, last and count; the body each folder."""
    from copilot_usage_report.history._branch import _message

    days = [f"orgs/octo-demo/organization-1-day/2026-11-{d:02d}" for d in range(1, 31)]
    message = _message(days, [])
    subject, _, body = message.partition("\n\n")
    assert subject == "Copilot usage of orgs/octo-demo for 2026-11-01..2026-11-30 (30 days)"
    assert body.splitlines()[0] == f"added {days[0]}"
    assert len(body.splitlines()) == 30


def test_fetch_then_publish_history_the_way_the_action_chains_them(
    server, standin, tmp_path, run_cli
):
    """The fetch's own archive goes to the branch: the day folder byte-exact, the page rebuilt."""
    from ._common import DAY, FILES, serve
    from ._common import env as fetch_env

    serve(standin)
    fetched = run_cli("fetch", env=fetch_env(standin, tmp_path), actions=True)
    assert fetched.code == 0, fetched.stderr
    archive = tmp_path / "out"
    assert (archive / "orgs" / "my-org").is_dir(), sorted(p.name for p in archive.iterdir())
    env = _action_env(server, archive, tmp_path)
    run = run_cli("publish-history", env=env, actions=True)
    assert run.code == 0, run.stderr
    day = f"orgs/my-org/organization-1-day/{DAY.isoformat()}"
    names = tree(server)
    for name, data in FILES:
        assert f"{day}/{name}" in names
        assert show(server, f"{day}/{name}") == data
    assert f"{day}/manifest.json" in names
    assert run.outputs["history-commit"] == server.git("rev-parse", BRANCH).strip()


def test_the_seat_inputs_reach_the_history_step_as_they_reach_the_fetch(server, tmp_path, run_cli):
    """inactive-days and seat-price, as the action passes them to both steps: the history
    site's database and page count the inactive seats the fetch counted, at that price."""
    import re

    from copilot_usage_report._standin.seats import SeatBook
    from copilot_usage_report._standin.server import StandIn

    from .test_seats_cli import CLASSIC, fetch, many

    seats = many(20)
    rules = {"INPUT_INACTIVE_DAYS": "45", "INPUT_SEAT_PRICE": "12.5"}
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(seats)
        fetched = fetch(run_cli, standin.api_url, tmp_path, **rules)
    assert fetched.code == 0, fetched.stderr
    inactive = int(fetched.outputs["seats-inactive"])
    env = _action_env(server, tmp_path / "out", tmp_path, INPUT_HISTORY_PER_USER="true", **rules)
    run = run_cli("publish-history", env=env, actions=True)
    assert run.code == 0, run.stderr
    site = Path(run.outputs["history-site"])
    with sqlite3.connect(site / "copilot-usage.sqlite") as db:
        assert db.execute("SELECT inactive, inactive_days FROM seat_days").fetchall() == [
            (inactive, 45)
        ]
    page = (site / "index.html").read_text("utf-8")
    card = re.search(r'data-metric="Inactive seats">.*?class="v">(\d+)<', page)
    assert card is not None and int(card.group(1)) == inactive
    assert "no activity for 45+ days" in page and "USD a month at 12.5 USD a seat" in page
    asked = len(server.requests)
    bad = run_cli("publish-history", env={**env, "INPUT_INACTIVE_DAYS": "0"}, actions=True)
    assert bad.code == 2 and "inactive-days" in bad.stderr, bad.stderr
    assert len(server.requests) == asked  # refused before any request


def test_a_working_copy_that_cannot_be_written_is_one_line(server, tmp_path):
    """An OS error on the runner's disk (here: the work folder is a file) is one clear line."""
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(HistoryBranchError, match="cannot write the working copy") as caught:
        publish(server, archive, work_dir=blocker)
    assert "\n" not in caught.value.message
    assert server.requests == []


def test_the_same_day_fetched_again_by_another_run_changes_nothing(server, tmp_path):
    """A backfill re-fetching a day the cron committed: same files, other manifest; no commit."""
    add_day(tmp_path / "cron", "2026-11-20")
    first, _ = publish(server, tmp_path / "cron")
    again = add_day(tmp_path / "backfill", "2026-11-20")
    manifest = json.loads((again / "manifest.json").read_text())
    manifest["tool"] = "copilot-usage-report 9.9.9"
    (again / "manifest.json").write_text(json.dumps(manifest))
    second, _ = publish(server, tmp_path / "backfill")
    assert second.commit == ""
    assert server.git("rev-parse", BRANCH).strip() == first.commit


def test_a_day_served_differently_replaces_its_folder_whole(server, tmp_path):
    """GitHub served the day again, other content: the folder is replaced, the commit says so."""
    add_day(tmp_path / "first", "2026-11-20")
    publish(server, tmp_path / "first")
    folder = add_day(tmp_path / "second", "2026-11-20")
    name = "organization-1-day-2026-11-20.ndjson"
    data = (
        (folder / name)
        .read_bytes()
        .replace(b'"daily_active_users": 42', b'"daily_active_users": 43')
    )
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result, _ = publish(server, tmp_path / "second")
    day = "orgs/octo-demo/organization-1-day/2026-11-20"
    assert result.replaced == (day,)
    assert show(server, f"{day}/{name}") == data
    assert f"replaced {day}" in server.git("log", "-1", "--format=%B", BRANCH)


@pytest.mark.parametrize("for_server", [False, True], ids=["any-host", "this-server"])
def test_a_header_left_in_the_users_git_config_is_not_sent_beside_ours(
    server, tmp_path, for_server
):
    """An extraheader in the global git config (an earlier step's) is reset: one header arrives."""
    stale = "AUTHORIZATION: basic " + base64.b64encode(b"x-access-token:ghs_STALE").decode()
    section = f'[http "{server.url}/"]' if for_server else "[http]"
    home = tmp_path / "home"
    (home / ".gitconfig").write_text(f'{section}\n\textraheader = "{stale}"\n')
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    result, _ = publish(server, archive)
    assert result.commit
    sent = {str(r["headers"].get("authorization")).lower() for r in server.requests}
    assert sent == {basic(TOKEN).lower()}


def test_git_variables_of_the_job_cannot_point_git_elsewhere(server, tmp_path, monkeypatch):
    """GIT_DIR / GIT_WORK_TREE set by an earlier step do not redirect our commits."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(elsewhere))
    archive = tmp_path / "archive"
    add_day(archive, "2026-11-20")
    result, _ = publish(server, archive)
    monkeypatch.delenv("GIT_DIR")  # for the test's own look at the server
    monkeypatch.delenv("GIT_WORK_TREE")
    assert result.commit == server.git("rev-parse", BRANCH).strip()
    assert list(elsewhere.iterdir()) == []


def test_git_versions_are_read_and_old_ones_named():
    """git 2.31 brought GIT_CONFIG_COUNT; the version parser reads the forms git prints."""
    from copilot_usage_report.history._git import MIN_VERSION, parse_version

    assert parse_version("git version 2.39.5") == (2, 39)
    assert parse_version("git version 2.45.1.windows.1") == (2, 45)
    assert parse_version("git version 2.30.9 (Apple Git-130)") == (2, 30) < MIN_VERSION
    assert parse_version("nonsense") is None


def test_the_action_after_a_failed_range_puts_the_saved_days_on_the_branch(
    server, standin, tmp_path
):
    """action.yml run as the runner runs it: the range fails on its fourth day, yet the history
    step runs, the three saved and verified days go to the branch (the failed one does not), its
    summary line names them, and the composite, so the job, still fails."""
    from datetime import timedelta

    from ._common import DAY, FILES
    from ._composite import run_action

    days = [DAY - timedelta(days=n) for n in (3, 2, 1, 0)]
    for day in days[:3]:
        standin.add_report("my-org", day, list(FILES))
    standin.add_report("my-org", days[3], [("broken.ndjson", b'{"user_id": 1\n')])
    archive = tmp_path / "archive"
    run = run_action(
        {
            "org": "my-org",
            "token": "ghp_TESTTOKEN1234567890",
            "api-url": standin.api_url,
            "day": f"{days[0].isoformat()}..{days[3].isoformat()}",
            "path": str(archive),
            "history-branch": BRANCH,
            "history-token": TOKEN,
            "concurrency": "1",
        },
        workdir=tmp_path,
        env={
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_SERVER_URL": server.url,
            "GITHUB_REPOSITORY": server.repository,
        },
    )
    fetch, history = run.step("fetch"), run.step("history")
    assert fetch.outcome == "failure", fetch.stderr
    assert "broken.ndjson" in fetch.stderr
    assert fetch.outputs["file-count"] == str(3 * len(FILES))
    assert run.step("upload").outcome == "success"  # the runner would upload the three days
    assert history.outcome == "success", history.stderr
    assert history.env["INPUT_FETCH_OUTCOME"] == "failure"
    assert run.outcome == "failure"
    names = tree(server)
    for day in days[:3]:
        assert f"orgs/my-org/organization-1-day/{day.isoformat()}/manifest.json" in names
    assert not [n for n in names if days[3].isoformat() in n]
    assert history.outputs["history-commit"] == server.git("rev-parse", BRANCH).strip()
    summary = (tmp_path / "summary.md").read_text()
    assert "the fetch failed, but the 3 day folder(s) it saved and verified" in summary
    for day in days[:3]:
        assert day.isoformat() in summary.split("History:", 1)[1]


def test_the_history_step_stays_out_when_the_fetch_failed_before_saving_anything(
    server, standin, tmp_path
):
    """Nothing saved (the first day already fails): the history step is skipped, no push."""
    from ._common import DAY
    from ._composite import run_action

    standin.add_report("my-org", DAY, [("broken.ndjson", b"[")])
    before = len(server.requests)
    run = run_action(
        {
            "org": "my-org",
            "token": "ghp_TESTTOKEN1234567890",
            "api-url": standin.api_url,
            "day": DAY.isoformat(),
            "path": str(tmp_path / "archive"),
            "history-branch": BRANCH,
            "history-token": TOKEN,
        },
        workdir=tmp_path,
        env={
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_SERVER_URL": server.url,
            "GITHUB_REPOSITORY": server.repository,
        },
    )
    assert run.step("fetch").outcome == "failure"
    assert run.step("history").outcome == "skipped"
    assert run.outcome == "failure"
    assert len(server.requests) == before
