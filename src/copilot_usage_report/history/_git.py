"""The git command line, driven so that the token never leaves the process environment.

Invariants this module keeps:

- The token reaches git only as an HTTP ``Authorization`` header, through the
  child's environment (``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``),
  scoped to the one server URL: never in an argument, a remote URL, a config
  file or any other file on disk. Redirects are not followed, so the header
  cannot be carried to another host.
- Git never prompts, never asks a credential helper, never signs, never
  converts line endings and never starts a background gc: the bytes committed
  are the bytes on disk, and a run cannot hang waiting for a person.
- Every command has a timeout; a failure is one ``HistoryBranchError`` line with
  git's own last words, from which the token and its header are removed.
"""

from __future__ import annotations

import base64
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .._errors import HistoryBranchError

__all__ = ["BOT_EMAIL", "BOT_NAME", "Git", "auth_header"]

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
#: Seconds one git command may take (a shallow fetch or a push of a day is seconds).
DEFAULT_TIMEOUT = 300.0


def auth_header(token: str) -> str:
    """The header value git sends: Basic ``x-access-token:<token>``, as actions/checkout does."""
    pair = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
    return f"basic {pair}"


#: GIT_CONFIG_COUNT (how the header reaches git) exists since git 2.31.
MIN_VERSION = (2, 31)


def parse_version(text: str) -> tuple[int, int] | None:
    """``(2, 39)`` from ``git version 2.39.5`` (or ``2.45.1.windows.1``); None if unreadable."""
    match = re.search(r"(\d+)\.(\d+)", text)
    return (int(match[1]), int(match[2])) if match else None


class Git:
    """Run ``git`` in one repository, authenticated towards one server by an env-only header.

    ``commands`` records every argv run (in order), so callers and tests can see
    exactly what was on the command line.
    """

    def __init__(
        self,
        repo: Path,
        *,
        server: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT,
        log: Callable[[str], None] | None = None,
        base_env: Mapping[str, str] | None = None,
    ) -> None:
        executable = shutil.which("git")
        if executable is None:
            raise HistoryBranchError(
                "git is not installed, so the history branch cannot be updated; install git "
                "(GitHub's runners have it) or leave history-branch empty."
            )
        self.executable = executable
        self.repo = repo
        self.server = server.rstrip("/") + "/"
        self.timeout = timeout
        self.commands: list[tuple[str, ...]] = []
        self._token = token
        self._header = auth_header(token) if token else ""
        self._log = log
        self._env = self._environment(os.environ if base_env is None else base_env)

    def _environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """The child's environment: the caller's, plus our settings after any it already has."""
        # Variables that would point git at another repository than our clone.
        redirect = {
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_COMMON_DIR",
            "GIT_NAMESPACE",
        }
        env = {k: v for k, v in base.items() if k not in redirect}
        env.update(
            {
                "GIT_TERMINAL_PROMPT": "0",
                "GCM_INTERACTIVE": "never",
                "GIT_ASKPASS": "",
                "SSH_ASKPASS": "",
                "LC_ALL": "C",
            }
        )
        settings = [
            ("credential.helper", ""),
            ("http.followRedirects", "false"),
            ("core.autocrlf", "false"),
            ("core.safecrlf", "false"),
            ("core.hooksPath", os.devnull),
            ("commit.gpgsign", "false"),
            ("gc.auto", "0"),
            ("init.defaultBranch", "main"),
        ]
        # An empty value resets the list: a header an earlier step left in a git config file
        # (actions/checkout's, another token's) is never sent beside ours.
        settings += [("http.extraheader", ""), (f"http.{self.server}.extraheader", "")]
        if self._header:
            settings.append((f"http.{self.server}.extraheader", f"AUTHORIZATION: {self._header}"))
        try:
            first = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
        except ValueError:
            first = 0
        for offset, (key, value) in enumerate(settings):
            env[f"GIT_CONFIG_KEY_{first + offset}"] = key
            env[f"GIT_CONFIG_VALUE_{first + offset}"] = value
        env["GIT_CONFIG_COUNT"] = str(first + len(settings))
        return env

    def check_version(self) -> None:
        """Refuse a git too old to take settings from the environment (the header would be lost)."""
        found = parse_version(self.run("version").stdout)
        if found is not None and found < MIN_VERSION:
            raise HistoryBranchError(
                f"git {found[0]}.{found[1]} is too old for the history branch: git "
                f"{MIN_VERSION[0]}.{MIN_VERSION[1]} or newer is needed (GitHub's runners have it)."
            )

    def scrub(self, text: str) -> str:
        """``text`` without the token or the header that carries it."""
        for secret in (self._header, self._header.partition(" ")[2], self._token):
            if secret:
                text = text.replace(secret, "***")
        return text

    def run(
        self,
        *args: str,
        check: bool = True,
        env: Mapping[str, str] | None = None,
        what: str = "",
    ) -> subprocess.CompletedProcess[str]:
        """``git -C <repo> <args>``; with ``check``, a non-zero exit is a ``HistoryBranchError``.

        ``what`` names the step in the error message ("fetch the branch"…).
        """
        argv = (self.executable, "-C", str(self.repo), *args)
        self.commands.append(("git", *args))
        if self._log is not None:
            shown = (a.splitlines()[0] + " …" if "\n" in a else a for a in args)
            self._log("git " + " ".join(shlex.quote(a) for a in shown))
        try:
            done = subprocess.run(
                argv,
                env={**self._env, **(env or {})},
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise HistoryBranchError(
                f"git did not {what or args[0]} within {self.timeout:.0f} s; the git server "
                "may be slow or unreachable. Rerun the job."
            ) from None
        except OSError as exc:
            raise HistoryBranchError(f"cannot run git: {exc.strerror or exc}.") from None
        if check and done.returncode != 0:
            raise HistoryBranchError(f"git could not {what or args[0]}: {self.last_words(done)}")
        return done

    def last_words(self, done: subprocess.CompletedProcess[str]) -> str:
        """git's most telling line of a failure (``fatal:`` first), scrubbed, one line."""
        lines = [ln.strip() for ln in (done.stderr + "\n" + done.stdout).splitlines() if ln.strip()]
        fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
        chosen = (fatal or lines or [f"exit status {done.returncode}"])[-1]
        return self.scrub(chosen)

    def identity_env(self) -> dict[str, str]:
        """Author and committer as github-actions[bot], unless git config names someone.

        An identity set by the user (``git config --global user.name`` in an
        earlier step, or the environment) wins; ours only fills the gap.
        """
        env: dict[str, str] = {}
        for field, variable, default in (
            ("user.name", "NAME", BOT_NAME),
            ("user.email", "EMAIL", BOT_EMAIL),
        ):
            configured = self.run("config", "--get", field, check=False).stdout.strip()
            for role in ("AUTHOR", "COMMITTER"):
                if not configured and not self._env.get(f"GIT_{role}_{variable}"):
                    env[f"GIT_{role}_{variable}"] = default
        return env


def commands_text(commands: Sequence[tuple[str, ...]]) -> str:
    """The recorded commands as text, one per line (for logs and tests)."""
    return "\n".join(" ".join(c) for c in commands)
