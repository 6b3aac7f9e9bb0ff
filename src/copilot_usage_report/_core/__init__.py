"""The settings of a run and the small vocabularies every layer shares.

The registry of report kinds and the scopes (``kinds``), link checks and redaction (``links``), the
parsers of every input value (``values``), the one table of options (``options``:
flag, variables, action input, default, parser, help), the bounds of a transfer
(``bounds``), the validated ``Settings`` built from the command line or the
workflow's inputs (``settings``, the only module that reads the environment) and
the TLS context (``tls``); ``_exports`` is the lazy-export helper every package's
``__init__`` uses (``lazy_exports``).

Layer 1: may import ``_errors`` only (and the standard library, httpx, pydantic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._exports import lazy_exports as lazy_exports

if TYPE_CHECKING:
    from ._exports import lazy_exports as lazy_exports
    from .bounds import ACCEPT_ENCODING as ACCEPT_ENCODING
    from .bounds import CANCEL as CANCEL
    from .bounds import MAX_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES
    from .bounds import MAX_LINE_BYTES as MAX_LINE_BYTES
    from .bounds import TOO_DEEP as TOO_DEEP
    from .bounds import Inflater as Inflater
    from .bounds import Pace as Pace
    from .bounds import TransferBounds as TransferBounds
    from .bounds import UndecodableBody as UndecodableBody
    from .bounds import check_cancel as check_cancel
    from .bounds import human_size as human_size
    from .kinds import CREDITS as CREDITS
    from .kinds import SEATS as SEATS
    from .kinds import SUMMED as SUMMED
    from .kinds import Grain as Grain
    from .kinds import ReportKind as ReportKind
    from .kinds import Scope as Scope
    from .kinds import billing_path as billing_path
    from .kinds import kind_named as kind_named
    from .kinds import offered as offered
    from .kinds import register_kind as register_kind
    from .kinds import report_grain as report_grain
    from .links import check_url as check_url
    from .links import is_expired as is_expired
    from .links import origin as origin
    from .links import redact as redact
    from .links import redact_text as redact_text
    from .links import safe_file_name as safe_file_name
    from .options import CREDIT_POOLS as CREDIT_POOLS
    from .options import CREDIT_USD as CREDIT_USD
    from .options import DEFAULT_INACTIVE_DAYS as DEFAULT_INACTIVE_DAYS
    from .options import DEFAULT_OUTPUT_DIR as DEFAULT_OUTPUT_DIR
    from .options import ENV_COMMANDS as ENV_COMMANDS
    from .options import LIST_PRICES as LIST_PRICES
    from .options import MAX_INACTIVE_DAYS as MAX_INACTIVE_DAYS
    from .options import OPTIONS as OPTIONS
    from .options import option as option
    from .options import options_of as options_of
    from .settings import MISSING_CREDENTIAL as MISSING_CREDENTIAL
    from .settings import RawInputs as RawInputs
    from .settings import Settings as Settings
    from .settings import build_settings as build_settings
    from .settings import command_options as command_options
    from .settings import kind_modules as kind_modules
    from .settings import testing_mode as testing_mode
    from .tls import prepare_tls_context as prepare_tls_context
    from .tls import tls_context as tls_context
    from .values import parse_flag as parse_flag
    from .values import parse_format as parse_format
    from .values import parse_seconds as parse_seconds
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
