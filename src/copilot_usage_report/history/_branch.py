"""The history branch: the run's day folders committed, the page rebuilt, pushed, retried.

Invariants this module keeps:

- Only the branch is fetched, one commit deep; the first run creates it as an
  orphan branch (no history shared with the repository's code).
- Data folders are copied, never merged; the generated files (``index.html``,
  ``daily.csv``, ``README.md``) are rebuilt from the whole branch on every
  attempt. A rejected push (another run pushed first) is retried a bounded
  number of times by re-reading the remote branch and rebuilding on top of it.
- Nothing changed, nothing committed: a rerun leaves the branch as it was.
- Everything about size is checked before the first network request.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from .._archive import decode_json
from .._core import DEFAULT_INACTIVE_DAYS
from .._errors import HistoryBranchError, InputError
from ._build import BuildResult, build
from ._git import Git
from ._stage import MANIFEST, MAX_FILE_BYTES, StagedDay, content_of, stage_days

__all__ = ["DEFAULT_ATTEMPTS", "PublishResult", "history_url", "publish_history"]

DEFAULT_ATTEMPTS = 5
GENERATED = ("index.html", "daily.csv")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
#: Reasons a push is refused because the branch moved meanwhile: worth a rebuild and a retry.
_MOVED = (
    "fetch first",
    "non-fast-forward",
    "stale info",
    "failed to update ref",
    "failed to lock",
    "cannot lock ref",
    "incorrect old value",
    "already exists",
)


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: ``commit`` is empty when nothing changed."""

    branch: str
    commit: str
    url: str
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    attempts: int
    site: BuildResult | None


def history_url(server: str, repository: str, branch: str) -> str:
    """The branch on the repository's web page."""
    return f"{server.rstrip('/')}/{repository}/tree/{branch}"


def _check_inputs(git: Git, branch: str, repository: str, server: str) -> None:
    if not _REPOSITORY.fullmatch(repository) or ".." in repository:
        raise InputError(f"repository {repository!r} is not of the form OWNER/NAME.")
    if not re.fullmatch(r"https?://[^\s/@?#]+(/[^\s@?#]*)?", server):
        raise InputError(
            f"server URL {server!r} is not an http(s) address without credentials, such as "
            "https://github.com."
        )
    valid = git.run("check-ref-format", "--branch", branch, check=False).returncode == 0
    if not valid or branch.startswith("-") or branch in ("HEAD",):
        raise InputError(
            f"history-branch {branch!r} is not a valid branch name; use a name such as "
            "copilot-usage."
        )


def _remote_tip(git: Git, branch: str) -> str | None:
    done = git.run(
        "ls-remote", "--heads", "origin", f"refs/heads/{branch}", what="read the history branch"
    )
    for line in done.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def _checkout(git: Git, branch: str) -> bool:
    """Reset the clone to the remote branch (True), or to an empty orphan branch (False)."""
    tip = _remote_tip(git, branch)
    if tip is not None:
        git.run(
            "fetch",
            "--quiet",
            "--depth=1",
            "--no-tags",
            "origin",
            f"+refs/heads/{branch}:refs/remotes/origin/{branch}",
            what="fetch the history branch",
        )
        git.run("checkout", "--quiet", "--force", "-B", branch, f"refs/remotes/origin/{branch}")
    else:
        git.run("symbolic-ref", "HEAD", f"refs/heads/{branch}")
        git.run("update-ref", "-d", f"refs/heads/{branch}", check=False)
        git.run("read-tree", "--empty")
    git.run("clean", "--quiet", "-ffdx")
    return tip is not None


def _place(clone: Path, days: Sequence[StagedDay]) -> tuple[list[str], list[str]]:
    """Copy each day folder in; one already there with the same content is left alone.

    Same content means the same files as GitHub served them (names, sizes,
    SHA-256), all present: a re-fetch of a day the branch holds (a backfill
    next to the cron) changes nothing, while a day GitHub served differently
    replaces the folder as a whole. The folder is the unit: a run holding more
    files of a report (a re-run that completed it) replaces the folder, and one
    holding only some of the files the branch's folder has leaves it alone.
    """
    added: list[str] = []
    replaced: list[str] = []
    for day in days:
        target = clone / day.relative
        manifest = target / MANIFEST
        if manifest.is_file():
            there = manifest.read_bytes()
            same = content_of(there)
            ours = content_of(day.manifest)
            if (
                same is not None
                and ours is not None
                and ours <= same
                and all((target / name).is_file() for name in _names(there))
            ):
                continue
        (replaced if target.exists() else added).append(day.relative.as_posix())
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name, source in day.files:
            shutil.copyfile(source, target / name)
        manifest.write_bytes(day.manifest)
    return added, replaced


def _names(manifest: bytes) -> list[str]:
    """The file names a manifest lists (as stored: a compressed file by its ``.gz`` name)."""
    try:
        data: Any
        data, problem = decode_json(manifest)
        if problem is not None:
            return [""]
        return [str(e["name"]) for e in data["files"]]
    except (ValueError, TypeError, KeyError):
        return [""]  # never a file: the folder is replaced


def _readme(clone: Path) -> str:
    scopes = sorted(
        f"{kind}/{p.name}"
        for kind in ("orgs", "enterprises")
        for p in (clone / kind).glob("*")
        if p.is_dir()
    )
    listed = "".join(f"- `{s}/`\n" for s in scopes) or "- (none yet)\n"
    return (
        "# Copilot usage history\n\n"
        "This branch is written by the copilot-usage-report action (`history-branch` input); "
        "do not edit it by hand: each run rebuilds the generated files and may replace them.\n\n"
        "- `index.html`: the dashboard over every day below (open it, or serve this branch "
        "with GitHub Pages: Settings, Pages, Deploy from a branch, this branch, `/ (root)`).\n"
        "- `daily.csv`: one row per scope and day, the headline numbers.\n"
        "- `orgs/<org>/<report>/<day>/` and `enterprises/<slug>/<report>/<day>/`: the report "
        "files exactly as GitHub served them, with a `manifest.json` recording each file's "
        "size and SHA-256 (per-user reports, when kept, are gzip-compressed and the manifest "
        "records both hashes).\n\n"
        "The SQLite database is not kept here: each run uploads it with its artifact, or "
        "`copilot-usage-report history` rebuilds it from this branch.\n\n"
        f"Scopes on this branch:\n\n{listed}"
    )


class SeatRules(TypedDict):
    """The rules ``build`` applies to the page: inactive days, seat price, credit pool."""

    inactive_days: int
    seat_price: float | None
    credit_pool: int | None
    show_repositories: bool


_DEFAULT_RULES: SeatRules = {
    "inactive_days": DEFAULT_INACTIVE_DAYS,
    "seat_price": None,
    "credit_pool": None,
    "show_repositories": False,
}


def _regenerate(
    clone: Path,
    scratch: Path,
    *,
    per_user: bool,
    max_file_bytes: int,
    rules: SeatRules | None = None,
) -> BuildResult:
    """Rebuild the generated files from the whole branch (never a merge of old ones)."""
    site = scratch / "page"
    if site.exists():
        shutil.rmtree(site)
    result = build(
        [clone], site, users=per_user, database=False, require_reports=False,
        **(rules or _DEFAULT_RULES),
    )  # fmt: skip
    for name, path in (("index.html", result.page), ("daily.csv", result.csv)):
        if path.stat().st_size > max_file_bytes:
            raise HistoryBranchError(
                f"the generated {name} would be {path.stat().st_size:,} bytes, over GitHub's "
                f"{max_file_bytes:,}-byte limit for one file; nothing was pushed."
            )
        shutil.copyfile(path, clone / name)
    (clone / "README.md").write_text(_readme(clone), encoding="utf-8", newline="\n")
    (clone / ".nojekyll").write_bytes(b"")
    return result


def _message(added: Sequence[str], replaced: Sequence[str]) -> str:
    changed = [*added, *replaced]
    if not changed:
        return "Rebuild the Copilot usage history page\n"
    scopes = sorted({"/".join(c.split("/")[:2]) for c in changed})
    days = sorted({c.split("/")[3] for c in changed})
    span = ", ".join(days) if len(days) <= 3 else f"{days[0]}..{days[-1]} ({len(days)} days)"
    body = "".join(f"added {c}\n" for c in added) + "".join(f"replaced {c}\n" for c in replaced)
    return f"Copilot usage of {', '.join(scopes)} for {span}\n\n{body}"


def _push(git: Git, branch: str) -> bool:
    """Push HEAD to the branch: True when it landed, False when the branch moved meanwhile."""
    done = git.run("push", "--porcelain", "origin", f"HEAD:refs/heads/{branch}", check=False)
    if done.returncode == 0:
        return True
    report = [ln for ln in done.stdout.splitlines() if ln.startswith("!")]
    if report and any(reason in line for line in report for reason in _MOVED):
        return False
    words = git.scrub(report[0].split("\t")[-1]) if report else git.last_words(done)
    advice = ""
    if "403" in words or "denied" in words.lower():
        advice = (
            " The token may read but not push: give the job `permissions: contents: write`, "
            "or set history-token to a token that may push."
        )
    raise HistoryBranchError(f"git could not push the history branch {branch!r}: {words}.{advice}")


def publish_history(
    archive: Path,
    *,
    branch: str,
    repository: str,
    server: str,
    token: str,
    per_user: bool = False,
    site: Path | None = None,
    work_dir: Path | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    attempts: int = DEFAULT_ATTEMPTS,
    log: Callable[[str], None] = lambda _: None,
    warn: Callable[[str], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
    git_log: Callable[[str], None] | None = None,
    git_factory: Callable[..., Git] = Git,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    seat_price: float | None = None,
    credit_pool: int | None = None,
    show_repositories: bool = False,
) -> PublishResult:
    """Commit the archive's day folders to ``branch`` and push, retrying a moved branch.

    ``site``, when given, receives the dashboard and the SQLite database built
    over the whole branch after the push (for the artifact). ``inactive_days`` and
    ``seat_price`` are the seat rules of the page (``build``), ``credit_pool`` its cost's
    pool; ``show_repositories`` names private and internal repositories on it.
    """
    rules: SeatRules = {
        "inactive_days": inactive_days,
        "seat_price": seat_price,
        "credit_pool": credit_pool,
        "show_repositories": show_repositories,
    }
    try:
        with tempfile.TemporaryDirectory(prefix="copilot-usage-history-", dir=work_dir) as tmp:
            scratch = Path(tmp)
            clone = scratch / "clone"
            clone.mkdir()
            git = git_factory(clone, server=server, token=token, log=git_log)
            git.check_version()
            _check_inputs(git, branch, repository, server)
            days = stage_days(
                archive,
                scratch / "staged",
                per_user=per_user,
                max_file_bytes=max_file_bytes,
                warn=warn,
                repositories=show_repositories,
            )
            git.run("init", "--quiet")
            git.run("remote", "add", "origin", f"{server.rstrip('/')}/{repository}.git")
            identity = git.identity_env()
            commit = ""
            added: list[str] = []
            replaced: list[str] = []
            for attempt in range(1, attempts + 1):
                existed = _checkout(git, branch)
                added, replaced = _place(clone, days)
                _regenerate(
                    clone, scratch, per_user=per_user, max_file_bytes=max_file_bytes, rules=rules
                )
                git.run("add", "--all")
                if git.run("diff", "--cached", "--quiet", check=False).returncode == 0:
                    log(f"The history branch {branch!r} already holds everything; no commit.")
                    break
                git.run(
                    "commit",
                    "--quiet",
                    "--no-verify",
                    "-m",
                    _message(added, replaced),
                    env=identity,
                    what="commit to the history branch",
                )
                if _push(git, branch):
                    commit = git.run("rev-parse", "HEAD").stdout.strip()
                    how = "updated" if existed else "created"
                    log(f"History branch {branch!r} {how}: commit {commit[:12]}.")
                    break
                if attempt == attempts:
                    raise HistoryBranchError(
                        f"the history branch {branch!r} kept moving while this run pushed; gave up "
                        f"after {attempts} attempts. Rerun the job: its folders will be added then."
                    )
                log(
                    f"The history branch {branch!r} moved while this run pushed; rebuilding on top "
                    f"of it (attempt {attempt + 1} of {attempts})."
                )
                sleep(random.uniform(0.5, 2.0) * attempt)  # noqa: S311 - jitter, not a secret
            built = None
            if site is not None:
                built = build(
                    [clone], site, users=per_user, database=True, require_reports=False, **rules
                )
            return PublishResult(
                branch=branch,
                commit=commit,
                url=history_url(server, repository, branch),
                added=tuple(added) if commit else (),
                replaced=tuple(replaced) if commit else (),
                attempts=attempt,
                site=built,
            )
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise HistoryBranchError(
            f"cannot write the working copy of the history branch{where}: "
            f"{exc.strerror or exc}. Check that the runner's temporary folder is writable and has "
            "space, then rerun the job."
        ) from None
