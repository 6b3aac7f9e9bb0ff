"""Report records and what they add up to, by GitHub's definitions.

One module per concept: ``grains`` (the one classifier: what a record is, in GitHub's grain
words, ``grain_of``; and the history's reading of a file), ``records`` (which files hold
records, how a file holds them; ``record_models`` the pydantic models its error messages
name a field with), ``feed`` (one file's lines or values as they arrive), ``fast`` (per-user
lines decoded into typed structs), ``tally`` and ``sums`` (adding up by scope and day),
``teams`` (GitHub's users x user-teams join), ``phases`` (per-user rows by adoption
phase), ``cost`` (a month's seats and credits beyond the pool), ``impact`` (by phase),
``compared`` (credits used beside credits billed, the days with both),
``activity`` and ``model`` (the frozen
``Insight`` and GitHub's metric names), ``precedence`` (which report's aggregate record of a day
counts: the history's rule), ``derived`` (the one definition of the metrics
GitHub's dashboard derives, for the summary, the outputs and the history), ``repos``
(repositories' days, kept apart from the totals), ``seats`` (a seat list counted once per
user), ``credits`` (AI credits billed, from the billing API's answers) and ``summarize`` (files
on disk to an ``Insight``; the shipped
JSON Schema of ``Insight.metrics()``, ``metrics.schema.json`` beside it).

For a download that decodes each line once, ``Tally.file(path)`` gives a
``FileTally`` (``add_line(bytes)``, ``add_lines(list[bytes])``, ``add(value)``,
then ``finish()``; ``Tally.insight()`` at the end).

Layer 3: may import ``_core``, ``_archive`` and ``_errors``; not ``_github`` or
``_transfer`` (same layer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .activity import ACTIVITY_FIELDS as ACTIVITY_FIELDS
    from .activity import ACTIVITY_LABELS as ACTIVITY_LABELS
    from .activity import DIMENSIONS as DIMENSIONS
    from .activity import TOP as TOP
    from .activity import UNKNOWN as UNKNOWN
    from .activity import Activity as Activity
    from .activity import Dimension as Dimension
    from .activity import Row as Row
    from .activity import rounded_rate as rounded_rate
    from .compared import compare_credits as compare_credits
    from .cost import month_costs as month_costs
    from .cost import month_of as month_of
    from .credits import CreditItem as CreditItem
    from .credits import CreditNumbers as CreditNumbers
    from .credits import CreditSums as CreditSums
    from .credits import count_credits as count_credits
    from .credits import read_credit_day as read_credit_day
    from .derived import DERIVED as DERIVED
    from .derived import RATES as RATES
    from .derived import derived_metrics as derived_metrics
    from .derived import percent as percent
    from .derived import ratio as ratio
    from .derived import rounded as rounded
    from .derived import weighted_median as weighted_median
    from .feed import decode_lines as decode_lines
    from .grains import Grain as Grain
    from .grains import Record as Record
    from .grains import grain_of as grain_of
    from .grains import grain_of_columns as grain_of_columns
    from .impact import month_impact as month_impact
    from .model import DayInsight as DayInsight
    from .model import Insight as Insight
    from .precedence import Rank as Rank
    from .precedence import report_rank as report_rank
    from .prs import PR_OUTPUTS as PR_OUTPUTS
    from .prs import PR_TOTALS as PR_TOTALS
    from .prs import agent_counts as agent_counts
    from .prs import pr_ranges as pr_ranges
    from .records import REPORT_SUFFIXES as REPORT_SUFFIXES
    from .records import RecordError as RecordError
    from .records import parse_document as parse_document
    from .records import parse_line as parse_line
    from .records import require_report_files as require_report_files
    from .repos import STAGES as STAGES
    from .repos import Repos as Repos
    from .repos import RepoTally as RepoTally
    from .repos import shown_name as shown_name
    from .seats import SeatCounts as SeatCounts
    from .seats import SeatFact as SeatFact
    from .seats import SeatTally as SeatTally
    from .seats import count_seats as count_seats
    from .seats import idle_days as idle_days
    from .seats import is_inactive as is_inactive
    from .seats import seat_facts as seat_facts
    from .seats import seat_price as seat_price
    from .summarize import summarize_paths as summarize_paths
    from .summarize import unrecognised_error as unrecognised_error
    from .tally import USER_FLAGS as USER_FLAGS
    from .tally import Tally as Tally
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
