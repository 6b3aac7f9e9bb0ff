"""Check a release tag against pyproject.toml and CHANGELOG.md, and write its release notes.

    python scripts/release.py v1.2.3 [--notes-file NOTES.md]

Fails (exit 1, one line naming what disagrees) unless the tag is ``vX.Y.Z``,
``pyproject.toml`` says version ``X.Y.Z``, ``CHANGELOG.md`` has a dated,
non-empty ``## [X.Y.Z] - YYYY-MM-DD`` section, and ``README.md`` says
"`@vX` is the newest release of vX.x, now X.Y.Z". On success it writes that
section's body to the notes file, and inside Actions sets the step outputs
``version`` (``X.Y.Z``) and ``major`` (``vX``, the tag the release workflow moves).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TAG = re.compile(r"v(?P<major>0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?P<rest>.*)$", re.MULTILINE)
#: The README's sentence mapping the major tag users write (``@v1``) to the release it names.
README_RELEASE = re.compile(
    r"`@(?P<major>v\d+)`\s+is\s+the\s+newest\s+release\s+of\s+(?P=major)\.x,\s+now\s+"
    r"(?P<version>\d+\.\d+\.\d+)"
)


class ReleaseError(Exception):
    """The tag, pyproject.toml and CHANGELOG.md do not agree."""


@dataclass(frozen=True)
class Release:
    """What the release workflow needs to know about a checked tag."""

    version: str
    major: str
    notes: str


def changelog_section(changelog: str, version: str) -> tuple[str, str]:
    """The ``(rest of the heading, body)`` of the changelog section for ``version``."""
    headings = list(_HEADING.finditer(changelog))
    for i, heading in enumerate(headings):
        if heading.group("version") == version:
            end = headings[i + 1].start() if i + 1 < len(headings) else len(changelog)
            body = changelog[heading.end() : end]
            body = re.sub(r"^\[[^\]]+\]:\s*\S+\s*$", "", body, flags=re.MULTILINE)  # link refs
            return heading.group("rest"), body.strip()
    raise ReleaseError(f"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' section.")


def check_readme(readme: str, version: str, major: str) -> None:
    """The README names ``major`` as the tag to use and ``version`` as the release it is."""
    said = README_RELEASE.search(readme)
    if said is None:
        raise ReleaseError(
            f"README.md does not say which release `@{major}` is: write "
            f"'`@{major}` is the newest release of {major}.x, now {version}'."
        )
    if (said["major"], said["version"]) != (major, version):
        raise ReleaseError(
            f"README.md says `@{said['major']}` is {said['version']}, but this release is "
            f"{version} (`@{major}`): update that sentence."
        )


def check_release(
    tag: str, *, pyproject: str, changelog: str, readme: str | None = None
) -> Release:
    """Check that ``tag`` may be released; the version, major tag and notes if so."""
    match = _TAG.fullmatch(tag)
    if match is None:
        raise ReleaseError(f"tag {tag!r} is not a release tag of the form vX.Y.Z.")
    version = tag[1:]
    declared = tomllib.loads(pyproject)["project"]["version"]
    if declared != version:
        raise ReleaseError(
            f"tag {tag} but pyproject.toml says version {declared}: bump one of them."
        )
    rest, notes = changelog_section(changelog, version)
    if not re.fullmatch(r" - \d{4}-\d{2}-\d{2}\s*", rest):
        raise ReleaseError(
            f"CHANGELOG.md's [{version}] heading has no release date: "
            f"write '## [{version}] - YYYY-MM-DD'."
        )
    if not notes:
        raise ReleaseError(f"CHANGELOG.md's [{version}] section is empty.")
    major = f"v{match.group('major')}"
    if readme is not None:
        check_readme(readme, version, major)
    return Release(version=version, major=major, notes=notes + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Check the tag; write the notes and outputs; 0 on success, 1 with a reason if not."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tag", help="the release tag, vX.Y.Z")
    parser.add_argument("--notes-file", type=Path, help="write the release notes here")
    args = parser.parse_args(argv)
    try:
        release = check_release(
            args.tag,
            pyproject=(ROOT / "pyproject.toml").read_text(encoding="utf-8"),
            changelog=(ROOT / "CHANGELOG.md").read_text(encoding="utf-8"),
            readme=(ROOT / "README.md").read_text(encoding="utf-8"),
        )
    except ReleaseError as error:
        print(f"::error title=Release check::{error}", file=sys.stderr)
        return 1
    if args.notes_file is not None:
        args.notes_file.write_text(release.notes, encoding="utf-8")
    if output := os.environ.get("GITHUB_OUTPUT"):
        with Path(output).open("a", encoding="utf-8") as out:
            out.write(f"version={release.version}\nmajor={release.major}\n")
    print(
        f"{args.tag}: pyproject.toml, CHANGELOG.md and README.md agree; major tag {release.major}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
