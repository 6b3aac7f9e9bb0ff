"""Messages in the reader's words: ``--day latest`` at a terminal, ``day: latest`` in Actions.

Messages are written once, naming options in either spelling; ``spell`` rewrites
them for where they are read, when they are rendered (the error boundary, the
warnings). Only the names below are touched, so other text passes unchanged.
"""

from __future__ import annotations

import re

__all__ = ["spell"]

#: Action input -> command-line option, where the two names differ or both exist.
_OPTIONS = {
    "org": "--org",
    "enterprise": "--enterprise",
    "report": "--report",
    "token": "--token",
    "day": "--day",
    "if-not-available": "--if-not-available",
    "api-url": "--api-url",
    "api-version": "--api-version",
    "path": "--output-dir",
    "retries": "--retries",
    "max-wait": "--max-wait",
    "concurrency": "--concurrency",
    "timeout": "--timeout",
    "job-summary": "--summary",
    "format": "--format",
    "max-file-size": "--max-file-size",
    "deadline": "--deadline",
    "lock-wait": "--lock-wait",
    "inactive-days": "--inactive-days",
    "seat-price": "--seat-price",
}
_INPUTS = {option: name for name, option in _OPTIONS.items()}
#: Inputs whose values messages quote (``day: latest``), in both spellings.
_VALUED = ("day", "if-not-available", "report", "format")
_VALUE = r"([a-z0-9][\w.-]*(?:\.\.[\w-]+)?)"

#: ``the day input``, unless the message names the action on purpose ("of the action").
_INPUT_WORDS = re.compile(
    r"(?<!in a workflow, )\bthe (" + "|".join(map(re.escape, _OPTIONS)) + r") input\b"
    r"(?! of the action)"
)
_INPUT_VALUE = re.compile(r"(?<![\w-])(" + "|".join(_VALUED) + r"): " + _VALUE)
_OPTION_VALUE = re.compile(r"(?<![\w-])--(" + "|".join(_VALUED) + r") " + _VALUE)
_OPTION = re.compile(
    r"(?<![\w-])(" + "|".join(map(re.escape, sorted(_INPUTS, key=len, reverse=True))) + r")"
    r"(?![\w-])(?: [A-Z]{2,}\b)?"
)
#: Options with no input of the same name, and what a workflow does instead.
_ACTIONS_ONLY = {
    "--debug": "debug logging (re-run the job with debug logging on, or set RUNNER_DEBUG=1)",
}
_NO_INPUT = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, _ACTIONS_ONLY)) + r")(?![\w-])")
_TWICE = re.compile(r"(the [\w-]+ input|--[\w-]+) or \1(?![\w-])")


def spell(text: str, *, actions: bool) -> str:
    """``text`` with every option named as the reader types it.

    At a terminal (``actions=False``): ``the day input`` and ``day: latest`` become
    ``--day`` and ``--day latest``. In Actions: ``--day latest`` becomes ``day:
    latest`` and ``--max-wait`` becomes ``the max-wait input``. A phrase that then
    names one thing twice (``--output-dir or --output-dir``) is said once.
    """
    if actions:
        text = _OPTION_VALUE.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)
        text = _OPTION.sub(lambda m: f"the {_INPUTS[m.group(1)]} input", text)
        text = _NO_INPUT.sub(lambda m: _ACTIONS_ONLY[m.group(1)], text)
    else:
        text = _INPUT_VALUE.sub(lambda m: f"{_OPTIONS[m.group(1)]} {m.group(2)}", text)
        text = _INPUT_WORDS.sub(lambda m: _OPTIONS[m.group(1)], text)
    return _TWICE.sub(r"\1", text)
