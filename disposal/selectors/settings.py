"""Reads of the county's disposal settings: the nearest unit on an institution's path that
has a setting decides, else the defaults (``levels.py``, the district plan)."""

from __future__ import annotations

from accounts.models import path_ids
from institutions.models import Institution

from ..levels import DEFAULT_DEADLINE_DAYS
from ..models import DeadlineSetting, DisposalPolicy


def deadline_days(scope_path: str) -> dict[str, int]:
    """Days per action type for an institution at ``scope_path``: the defaults, overridden
    by the settings of its county (or any unit above it; the nearest one wins)."""
    ids = path_ids(scope_path)
    depth = {pk: index for index, pk in enumerate(ids)}
    days = {str(k): v for k, v in DEFAULT_DEADLINE_DAYS.items()}
    rows = DeadlineSetting.objects.filter(unit_id__in=ids).values_list(
        "unit_id", "action_type", "days"
    )
    for _unit, action_type, value in sorted(rows, key=lambda row: depth[row[0]]):
        days[action_type] = value
    return days


def disposal_policy(scope_path: str) -> DisposalPolicy:
    """The policy in force for ``scope_path``: its nearest unit's, else the district plan's
    (an unsaved default)."""
    ids = path_ids(scope_path)
    policies = {p.unit_id: p for p in DisposalPolicy.objects.filter(unit_id__in=ids)}
    for unit_id in reversed(ids):
        if unit_id in policies:
            return policies[unit_id]
    return DisposalPolicy()


def notification_recipient(institution: Institution) -> str:
    """Whom a 线索通报 about ``institution`` is proposed to go to (its county's setting)."""
    return disposal_policy(institution.scope_path).notification_recipient
