"""Names and texts from reports and servers as Markdown data: shown, never read as markup.

Every name a summary shows that came from a report, an archive or a server (a team,
an IDE, a model, a field GitHub added, a seat plan, a file name, an error message)
goes through ``markdown_code`` (inline code) or ``markdown_text`` (plain text):
inside a table cell or a paragraph, it cannot end the cell or the row, open a link,
an image, an HTML tag or a code span, and its control characters show as escapes
(``visible``).
"""

from __future__ import annotations

import re

from .._errors import visible

__all__ = ["markdown_code", "markdown_text"]

#: ASCII punctuation Markdown (GitHub's) may act on; each is shown as itself when escaped.
_MARKUP = re.compile(r"([\\`*_\[\]<>|!~&#])")
_TICKS = re.compile(r"`+")


def markdown_text(value: str) -> str:
    """``value`` as plain text inside a table cell or a paragraph: one line, no markup."""
    return _MARKUP.sub(r"\\\1", visible(value))


def markdown_code(value: str) -> str:
    """``value`` as inline code inside a table cell: one line, as written, whatever it holds
    (a backtick in it gets a longer fence; a pipe is escaped as GitHub's tables want)."""
    shown = visible(value).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _TICKS.findall(shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"
