"""Writes of the county's disposal settings: its deadlines per action type and its choices
where the two plans differ (纳入处非机制 for every orange institution, whom the 线索通报 goes
to). Only the county section changes them; the history keeps who, when and what."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from risklists.levels import Level

from ..levels import ActionType
from ..models import DeadlineSetting, DisposalAction, DisposalCase, DisposalPolicy
from ..selectors.settings import deadline_days
from .common import _save


@transaction.atomic
def save_deadlines(*, user, unit, days: dict[str, int]) -> None:
    """The county section sets its deadlines; a value equal to the default is still kept."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section sets deadlines."))
    if not user.is_superuser and (user.unit is None or not unit.path.startswith(user.unit.path)):
        raise PermissionDenied(_("This unit is outside yours."))
    existing = {s.action_type: s for s in DeadlineSetting.objects.filter(unit=unit)}
    for action_type, value in days.items():
        if value is None:
            continue
        setting = existing.get(action_type) or DeadlineSetting(unit=unit, action_type=action_type)
        if setting.pk and setting.days == value:
            continue
        setting.days = value
        _save(setting, user)


# --- the county's disposal policy (where the two plans differ) ----------------------------

# Orange and red cases enter the mechanism when the 衡山县 rule is switched on.
MECHANISM_LEVELS = (Level.ORANGE, Level.RED)


@transaction.atomic
def save_disposal_policy(
    *, user, unit, mechanism_for_every_orange: bool, today: date | None = None
) -> int:
    """The county section chooses the 衡山县 rule (纳入处非机制 for every orange institution)
    or the district's (only 属于非法集资的); the history keeps who changed it and when.

    Switching the 衡山县 rule on also adds the action to the orange and red cases below
    ``unit`` that lack it, so that the list does not depend on when a level was approved.
    Switching it off closes nothing: actions already created are followed to their end.
    Returns the number of actions added.
    """
    if not user.can_review:
        raise PermissionDenied(_("Only the county section sets the disposal policy."))
    if not user.is_superuser and (user.unit is None or not unit.path.startswith(user.unit.path)):
        raise PermissionDenied(_("This unit is outside yours."))
    today = today or timezone.localdate()
    policy = DisposalPolicy.objects.select_for_update().filter(unit=unit).first()
    if policy is None:
        policy = DisposalPolicy(unit=unit)
    changed = policy.pk is None or policy.mechanism_for_every_orange != mechanism_for_every_orange
    if not changed:
        return 0
    policy.mechanism_for_every_orange = mechanism_for_every_orange
    rule = _("衡山县 plan") if mechanism_for_every_orange else _("district plan")
    _save(policy, user, _("Mechanism for every orange: %(rule)s") % {"rule": rule})
    if not mechanism_for_every_orange:
        return 0
    return _add_mechanism_to_cases(user, unit, today)


@transaction.atomic
def save_notification_recipient(*, user, unit, recipient: str) -> DisposalPolicy:
    """The county section says whom its lead notifications (线索通报) go to: the district
    plan's 属地人民政府和政法部门, 衡山县's 县民政局养老股, or its own wording. Every new
    线索通报 form proposes it; the history keeps who changed it and when."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section sets the disposal policy."))
    if not user.is_superuser and (user.unit is None or not unit.path.startswith(user.unit.path)):
        raise PermissionDenied(_("This unit is outside yours."))
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationError(
            {"lead_notification_recipient": _("Say whom the lead notification goes to.")}
        )
    policy = DisposalPolicy.objects.select_for_update().filter(unit=unit).first()
    if policy is None:
        policy = DisposalPolicy(unit=unit)
    if policy.pk is not None and policy.lead_notification_recipient == recipient:
        return policy
    policy.lead_notification_recipient = recipient
    policy.full_clean(exclude=["unit"])
    return _save(policy, user, _("Lead notification to: %(recipient)s") % {"recipient": recipient})


def _add_mechanism_to_cases(user, unit, today: date) -> int:
    """纳入处非机制 for every orange and red case below ``unit`` that lacks it: one query to
    find them, one bulk insert (with history)."""
    cases = list(
        DisposalCase.objects.filter(
            scope_path__startswith=unit.path,
            level__in=MECHANISM_LEVELS,
            institution__archived_at__isnull=True,
        )
        .exclude(institution__disposal_actions__action_type=ActionType.FUNDRAISING_MECHANISM)
        .select_related("institution")
    )
    days = deadline_days(unit.path)[ActionType.FUNDRAISING_MECHANISM]
    actions = [
        DisposalAction(
            case=case,
            institution=case.institution,
            scope_path=case.institution.scope_path,
            action_type=ActionType.FUNDRAISING_MECHANISM,
            level=case.level,
            assessment_id=case.assessment_id,
            responsible_unit_id=case.institution.township_id,
            required_on=today,
            deadline=today + timedelta(days=days),
            created_by=user,
        )
        for case in cases
    ]
    if actions:
        bulk_create_with_history(
            actions,
            DisposalAction,
            batch_size=500,
            default_user=user,
            default_change_reason=_("衡山县 plan: every orange institution enters the mechanism"),
        )
    return len(actions)
