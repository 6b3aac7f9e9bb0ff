"""scripts/release.py: a tag is released only when pyproject.toml, CHANGELOG.md and the README
agree; and the README's and docs' examples use the major tag of the current version."""

from __future__ import annotations

import re
import tomllib

import pytest

from . import _docs as docs
from ._scripts import ROOT, load_script

release = load_script("release")

PYPROJECT = '[project]\nname = "x"\nversion = "1.2.3"\n'
CHANGELOG = """# Changelog

## [Unreleased]

## [1.2.3] - 2026-12-01

### Added
- A thing.

## [1.2.2] - 2026-11-30

### Fixed
- Another thing.

[1.2.3]: https://example.invalid/compare/v1.2.2...v1.2.3
"""
README = "Pin a SHA. `@v1` is the newest release of v1.x, now 1.2.3\n([changelog](CHANGELOG.md)).\n"


def test_an_agreeing_tag_gives_version_major_and_the_changelog_section():
    """The notes are the section's body alone: no heading, no other release, no link refs."""
    checked = release.check_release("v1.2.3", pyproject=PYPROJECT, changelog=CHANGELOG)
    assert checked.version == "1.2.3"
    assert checked.major == "v1"
    assert checked.notes == "### Added\n- A thing.\n"


@pytest.mark.parametrize(
    ("tag", "pyproject", "changelog", "says"),
    [
        ("1.2.3", PYPROJECT, CHANGELOG, "not a release tag"),
        ("v1.2", PYPROJECT, CHANGELOG, "not a release tag"),
        ("v1.2.3-rc.1", PYPROJECT, CHANGELOG, "not a release tag"),
        ("v1.2.4", PYPROJECT, CHANGELOG, "pyproject.toml says version 1.2.3"),
        ("v1.2.3", PYPROJECT, CHANGELOG.replace("[1.2.3] - 2026-12-01", "[1.2.4]"), "no '## ["),
        ("v1.2.3", PYPROJECT, CHANGELOG.replace(" - 2026-12-01", ""), "no release date"),
        (
            "v1.2.3",
            PYPROJECT,
            CHANGELOG.replace("### Added\n- A thing.\n", ""),
            "section is empty",
        ),
    ],
    ids=["no-v", "two-parts", "pre-release", "version", "no-section", "no-date", "empty"],
)
def test_a_disagreement_is_refused_naming_it(tag, pyproject, changelog, says):
    """Each way the three can disagree is refused with a message saying which."""
    with pytest.raises(release.ReleaseError, match=says.replace("[", r"\[")):
        release.check_release(tag, pyproject=pyproject, changelog=changelog)


@pytest.mark.parametrize(
    ("readme", "says"),
    [
        (
            README.replace("1.2.3", "1.2.2"),
            "README.md says `@v1` is 1.2.2, but this release is 1.2.3",
        ),
        (README.replace("v1", "v0"), "README.md says `@v0` is 1.2.3"),
        ("Use `@v1`.\n", "README.md does not say which release `@v1` is"),
    ],
    ids=["stale-version", "other-major", "unsaid"],
)
def test_a_readme_naming_another_release_is_refused(readme, says):
    """The README's sentence mapping the major tag to a release must name this one."""
    assert release.check_release("v1.2.3", pyproject=PYPROJECT, changelog=CHANGELOG, readme=README)
    with pytest.raises(release.ReleaseError, match=re.escape(says)):
        release.check_release("v1.2.3", pyproject=PYPROJECT, changelog=CHANGELOG, readme=readme)


def test_main_writes_notes_and_outputs_and_fails_with_one_annotation(tmp_path, capsys, monkeypatch):
    """The command writes the notes and the version/major outputs, or one ::error:: line."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    notes = tmp_path / "notes.md"
    assert release.main([f"v{version}", "--notes-file", str(notes)]) == 0
    assert notes.read_text().strip()
    assert out.read_text() == f"version={version}\nmajor=v{version.split('.')[0]}\n"
    assert release.main(["v0.0.0"]) == 1
    assert capsys.readouterr().err.startswith("::error title=Release check::tag v0.0.0")


def test_the_current_version_is_releasable():
    """pyproject.toml's version has a dated, non-empty changelog section, is the newest one,
    and is the release the README says its major tag is."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    release.check_release(
        f"v{version}",
        pyproject=(ROOT / "pyproject.toml").read_text(),
        changelog=changelog,
        readme=(ROOT / "README.md").read_text(),
    )
    dated = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert dated[0] == version, "the newest dated changelog section is pyproject.toml's version"


def test_every_example_uses_the_major_tag_of_this_version():
    """Each use of the action in the README, SECURITY.md and the docs names this major tag
    (or a SHA pin whose comment names a release of it)."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    major = f"v{version.split('.')[0]}"
    pattern = re.compile(r"OWNER/copilot-usage-report@([\w<>.]+)(?: # (v[\d.]+))?")
    uses = []
    for page in [*docs.pages(), ROOT / "SECURITY.md", ROOT / "CONTRIBUTING.md"]:
        uses += pattern.findall(page.read_text())
    assert len(uses) >= 20
    for ref, comment in uses:
        if ref == "<sha>":
            assert comment.startswith(f"{major}."), comment
        else:
            assert ref in (major, "vX.Y.Z"), ref
    assert f"(`{major}`)" in (ROOT / "SECURITY.md").read_text()
