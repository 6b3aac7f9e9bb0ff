"""Write the README's inputs and outputs tables from action.yml, or check that they match.

    python scripts/action_docs.py            # rewrite the tables in README.md
    python scripts/action_docs.py --check    # exit 1 if README.md differs from action.yml

The tables sit between ``<!-- inputs:start -->`` / ``<!-- inputs:end -->`` and
``<!-- outputs:start -->`` / ``<!-- outputs:end -->``; nothing else is touched.
action.yml is this script's source: edit a description there, then run this script. The
inputs that are options (``fetch``'s) follow the table of options in
``src/copilot_usage_report/_core/options.py``: tests/test_action.py holds action.yml to it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _cell(text: str) -> str:
    """One table cell: a single line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _text(text: str) -> str:
    """A description as a cell: angle brackets shown, not read as HTML tags."""
    return _cell(text).replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def render_inputs(inputs: Mapping[str, Mapping[str, Any]]) -> str:
    """The inputs table: name, default (or "required"), description."""
    rows = ["| input | default | description |", "| --- | --- | --- |"]
    for name, spec in inputs.items():
        if spec.get("required"):
            default = "**required**"
        elif str(spec.get("default", "")) == "":
            default = "(empty)"
        else:
            default = _cell(_code(str(spec["default"])))
        rows.append(f"| `{name}` | {default} | {_text(spec['description'])} |")
    return "\n".join(rows)


def render_outputs(outputs: Mapping[str, Mapping[str, Any]]) -> str:
    """The outputs table: name, description."""
    rows = ["| output | description |", "| --- | --- |"]
    rows += [f"| `{name}` | {_text(spec['description'])} |" for name, spec in outputs.items()]
    return "\n".join(rows)


def update(readme: str, action: Mapping[str, Any]) -> str:
    """The README with both tables regenerated from ``action``."""
    for section, table in (
        ("inputs", render_inputs(action["inputs"])),
        ("outputs", render_outputs(action["outputs"])),
    ):
        pattern = re.compile(rf"(<!-- {section}:start -->\n).*?(<!-- {section}:end -->)", re.DOTALL)
        match = pattern.search(readme)
        if match is None:
            raise ValueError(f"README has no <!-- {section}:start/end --> markers")
        readme = readme[: match.end(1)] + table + "\n" + readme[match.start(2) :]
    return readme


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite README.md, or with --check report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 on a difference")
    args = parser.parse_args(argv)
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    fresh = update(readme, action)
    if fresh == readme:
        print("README.md inputs and outputs tables match action.yml.")
        return 0
    if args.check:
        print(
            "README.md's inputs/outputs tables differ from action.yml: run "
            "`uv run python scripts/action_docs.py` and commit the result.",
            file=sys.stderr,
        )
        return 1
    readme_path.write_text(fresh, encoding="utf-8")
    print("README.md tables rewritten from action.yml.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
