"""Headless Chromium for the page tests: load a file with the network off, read the DOM.

Chromium runs with a fresh profile, every host unresolvable and a dead proxy, so
any request the page tried would fail (and the page's CSP would report it on
the console). Console messages come from Chromium's own log on stderr
(``--enable-logging=stderr``): every message the page logs, every uncaught
error and every CSP violation is one ``CONSOLE`` line there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from tests._scripts import load_script
from tests._tools import require_tool

FLAGS = (
    *load_script("dashboard_screenshot").OFFLINE_FLAGS,
    "--proxy-server=127.0.0.1:9",
    "--enable-logging=stderr",
    "--v=0",
)
_CONSOLE = re.compile(r":CONSOLE(?::\d+)?\] (.*)$", re.MULTILINE)


def chromium() -> str | None:
    """The Chromium binary (Debian's ``chromium`` package), if installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def require_chromium() -> None:
    """Skip without Chromium (fail where ``CI`` is set), naming Debian's package."""
    require_tool(chromium() is not None, "Chromium", "chromium")


@dataclass
class Loaded:
    dom: str
    console: list[str]


def load(page: Path, tmp: Path, *extra: str, window: str = "1200,2000") -> Loaded:
    """Load ``page`` from disk; the DOM after scripts ran, and the console's messages."""
    binary = chromium()
    assert binary is not None
    profile = tmp / f"profile-{uuid.uuid4().hex[:8]}"
    done = subprocess.run(
        [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={window}",
            "--virtual-time-budget=5000",
            *extra,
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return Loaded(dom=done.stdout, console=_CONSOLE.findall(done.stderr))


def screenshot(page: Path, tmp: Path, target: Path, *, window: str = "1200,2400") -> Path:
    binary = chromium()
    assert binary is not None
    subprocess.run(
        [
            binary,
            *FLAGS,
            f"--user-data-dir={tmp / f'profile-{uuid.uuid4().hex[:8]}'}",
            f"--window-size={window}",
            "--hide-scrollbars",
            f"--screenshot={target}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return target


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        """Every descendant with this tag and these attribute values."""
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str, **attrs: str) -> Node:
        [node] = self.all(tag, **attrs)
        return node

    def content(self) -> str:
        return "".join(self.text) + "".join(c.content() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


_VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "col"}
_SVG_VOID = {"path", "line", "circle", "rect"}


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def rows(table: Node) -> list[list[str]]:
    """A table's body rows, as the text of their cells."""
    body = table.one("tbody")
    return [[td.content() for td in tr.all("td")] for tr in body.all("tr")]
