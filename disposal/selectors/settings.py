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
    return deadline_days_for([scope_path])[scope_path]


def deadline_days_for(scope_paths) -> dict[str, dict[str, int]]:
    """``deadline_days`` of many paths at once (one query)."""
    paths = set(scope_paths)
    ids = {pk for path in paths for pk in path_ids(path)}
    settings: dict[int, list[tuple[str, int]]] = {}
    for unit_id, action_type, value in DeadlineSetting.objects.filter(unit_id__in=ids).values_list(
        "unit_id", "action_type", "days"
    ):
        settings.setdefault(unit_id, []).append((action_type, value))
    result = {}
    for path in paths:
        days = {str(k): v for k, v in DEFAULT_DEADLINE_DAYS.items()}
        for unit_id in path_ids(path):  # root first: the nearest unit is applied last
            days.update(settings.get(unit_id, ()))
        result[path] = days
    return result


def disposal_policy(scope_path: str) -> DisposalPolicy:
    """The policy in force for ``scope_path``: its nearest unit's, else the district plan's
    (an unsaved default)."""
    return disposal_policies_for([scope_path])[scope_path]


def disposal_policies_for(scope_paths) -> dict[str, DisposalPolicy]:
    """``disposal_policy`` of many paths at once (one query)."""
    paths = set(scope_paths)
    ids = {pk for path in paths for pk in path_ids(path)}
    policies = {p.unit_id: p for p in DisposalPolicy.objects.filter(unit_id__in=ids)}
    default = DisposalPolicy()
    result = {}
    for path in paths:
        nearest = [policies[pk] for pk in reversed(path_ids(path)) if pk in policies]
        result[path] = nearest[0] if nearest else default
    return result


def notification_recipient(institution: Institution) -> str:
    """Whom a 线索通报 about ``institution`` is proposed to go to (its county's setting)."""
    return disposal_policy(institution.scope_path).notification_recipient
