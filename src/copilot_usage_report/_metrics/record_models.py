"""What each record kind's used fields must be, as pydantic models: only to name, in an
error message, the field of a record the tally refused (``records.record_error``), so
reading and fetching never load them.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import BaseModel, ConfigDict

__all__ = ["MODELS"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class _Counts(_Model):
    user_initiated_interaction_count: int | None = None
    code_generation_activity_count: int | None = None
    code_acceptance_activity_count: int | None = None
    loc_suggested_to_add_sum: int | None = None
    loc_suggested_to_delete_sum: int | None = None
    loc_added_sum: int | None = None
    loc_deleted_sum: int | None = None


class _Ide(_Counts):
    ide: str | None = None


class _Feature(_Counts):
    feature: str | None = None


class _Language(_Counts):
    language: str | None = None
    feature: str | None = None


class _Model2(_Counts):
    model: str | None = None
    language: str | None = None
    feature: str | None = None


class _Activity(_Counts):
    day: date
    totals_by_ide: tuple[_Ide, ...] | None = None
    totals_by_feature: tuple[_Feature, ...] | None = None
    totals_by_language_feature: tuple[_Language, ...] | None = None
    totals_by_model_feature: tuple[_Model2, ...] | None = None
    totals_by_language_model: tuple[_Model2, ...] | None = None
    organization_id: int | str | None = None
    enterprise_id: int | str | None = None


class _AggregateDay(_Activity):
    daily_active_users: int | None = None
    weekly_active_users: int | None = None
    monthly_active_users: int | None = None


class _UserDay(_Activity):
    user_id: int | str | None = None
    user_login: str | None = None
    used_chat: bool | None = None
    used_agent: bool | None = None
    used_cli: bool | None = None


class _UserTeam(_Model):
    day: date
    user_id: int | str | None = None
    user_login: str | None = None
    team_id: int | str | None = None
    slug: str | None = None
    organization_id: int | str | None = None
    enterprise_id: int | str | None = None


MODELS: Final[dict[str, type[_Model]]] = {
    "aggregate": _AggregateDay,
    "users": _UserDay,
    "user-teams": _UserTeam,
}
