"""The program: command line, workflow files, signals, the demo; the only layer
that touches argv, stdout and stderr, signals and the ``GITHUB_*`` files.

``cli`` dispatches the commands (entry point ``main``), ``parser`` and ``help``
build the argparse parser and its texts, ``boundary`` turns every error into one
line and an exit code, ``spelling`` writes a message in the reader's spelling
(``--day`` at a terminal, ``day:`` in a workflow), ``stop`` handles SIGINT and
SIGTERM, ``progress`` draws the progress bar and workflow groups, ``workflow``
writes outputs, masks and the job summary (``action_outputs``: the outputs action.yml
exposes), ``streams`` guards stdout and stderr (every printed text is data: control
characters escaped), ``session`` makes the real HTTP clients
and runs the pipeline with them, ``kinds`` loads the plug-in modules of kinds (tests only) and
describes the registry of kinds whole, ``publish_history`` is the history-branch
command, ``demo`` and ``serve_demo`` run the stand-in.

Layer 6: may import every package below it; nothing imports it but the entry
points (``__main__`` and the console script).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .cli import main as main
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
