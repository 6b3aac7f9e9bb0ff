"""Messages in the reader's words: ``--day latest`` at a terminal, ``day: latest`` in Actions.

Messages are written once, naming options in either spelling; ``spell`` rewrites
them for where they are read, when they are rendered (the error boundary, the
warnings). Only the names below are touched, so other text passes unchanged.
"""

from __future__ import annotations

import re

from .._core import MISSING_CREDENTIAL, OPTIONS

__all__ = ["spell"]

#: Action input -> command-line option, from the table of options (``_core.options``).
_OPTIONS = {o.input: o.flag for o in OPTIONS if o.input is not None}
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
#: Advice that differs by reader beyond the option's name: at a terminal, then in a workflow.
_WORKFLOW_WORDS = {
    MISSING_CREDENTIAL: "set the token input to a secret holding a fine-grained token or a "
    "GitHub App's token (GITHUB_TOKEN cannot read the metrics)",
}
#: One thing named twice once spelled: ``--day or --day``, ``--deadline (--deadline)``.
_TWICE = re.compile(r"(the [\w-]+ input|--[\w-]+)(?: or \1(?![\w-])| \(\1\))")


def spell(text: str, *, actions: bool) -> str:
    """``text`` with every option named as the reader types it.

    At a terminal (``actions=False``): ``the day input`` and ``day: latest`` become
    ``--day`` and ``--day latest``. In Actions: ``--day latest`` becomes ``day:
    latest`` and ``--max-wait`` becomes ``the max-wait input``, and advice meant for a
    terminal (``export GH_TOKEN=...``) becomes the workflow's. A phrase that then
    names one thing twice (``--output-dir or --output-dir``, ``--deadline (--deadline)``)
    is said once.
    """
    if actions:
        for terminal, workflow in _WORKFLOW_WORDS.items():
            text = text.replace(terminal, workflow)
        text = _OPTION_VALUE.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)
        text = _OPTION.sub(lambda m: f"the {_INPUTS[m.group(1)]} input", text)
        text = _NO_INPUT.sub(lambda m: _ACTIONS_ONLY[m.group(1)], text)
    else:
        text = _INPUT_VALUE.sub(lambda m: f"{_OPTIONS[m.group(1)]} {m.group(2)}", text)
        text = _INPUT_WORDS.sub(lambda m: _OPTIONS[m.group(1)], text)
    return _TWICE.sub(r"\1", text)
