"""Writes of disposal cases and their actions. Each function checks the user's role and unit,
owns its transaction and names the user in the history (django-simple-history). Nothing
here deletes a row.

The entry point for the rating is :func:`apply_level`: when the county section approves
(or raises) an institution's level, the actions the level requires are created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.files import IMAGES, clean_image, sniff_upload
from institutions.models import Institution
from risklists.levels import Level
from risklists.models import Assessment
from risklists.selectors import rating_findings

from ..levels import CONDITIONAL_TYPES, ActionType, is_below, required_action_types
from ..models import ActionEvidence, ActionStatus, DisposalAction, DisposalCase
from ..querysets import OPEN_STATUSES
from ..selectors.records import refund_totals
from ..selectors.settings import (
    deadline_days,
    deadline_days_for,
    disposal_policies_for,
    disposal_policy,
)
from ..validators import validate_evidence_file
from .common import _in_scope, _save, refuse_while_owed, require_editor

CLOSED = (ActionStatus.DONE, ActionStatus.NOT_APPLICABLE)
ZERO = Decimal("0")


@transaction.atomic
def add_conditional_action(
    *, user, institution: Institution, action_type: str, reason: str, today: date | None = None
) -> DisposalAction:
    """The county section adds 纳入处非机制 or 移送司法机关 to a case by hand, with a reason:
    the records need not show the signs the level's condition reads (衡山县 §一.三: every
    orange institution enters the mechanism; a crime suspected on other evidence)."""
    today = today or timezone.localdate()
    if not (user.can_review and _in_scope(user, institution)):
        raise PermissionDenied(_("Only the county section adds an action by hand."))
    if action_type not in CONDITIONAL_TYPES:
        raise ValidationError({"action_type": _("This action cannot be added by hand.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the action is added.")})
    case = DisposalCase.objects.select_for_update().filter(institution=institution).first()
    if case is None:
        raise ValidationError(
            _("No level has been approved for this institution yet: approve one first.")
        )
    if DisposalAction.objects.filter(institution=institution, action_type=action_type).exists():
        raise ValidationError({"action_type": _("This institution already has this action.")})
    days = deadline_days(institution.scope_path)
    action = DisposalAction(
        case=case,
        institution=institution,
        action_type=action_type,
        level=case.level,
        assessment_id=case.assessment_id,
        responsible_unit_id=institution.township_id,
        required_on=today,
        deadline=today + timedelta(days=days[action_type]),
        manual_reason=reason[:255],
        created_by=user,
    )
    action.full_clean()
    return _save(action, user, _("Added by hand: %(reason)s") % {"reason": reason})


# --- key cases (攻坚行动) ----------------------------------------------------------------


@transaction.atomic
def mark_key_case(
    *, user, institution: Institution, is_key: bool, reason: str = ""
) -> DisposalCase:
    """区县方案 二(二)五 攻坚行动: the county section marks a case 重点 (or no longer); the key
    cases come first on the county's board. The history says who, when and why."""
    if not (user.can_review and _in_scope(user, institution)):
        raise PermissionDenied(_("Only the county section marks key cases."))
    case = DisposalCase.objects.select_for_update().filter(institution=institution).first()
    if case is None:
        raise ValidationError(
            _("No level has been approved for this institution yet: approve one first.")
        )
    if case.is_key == is_key:
        return case
    case.is_key = is_key
    change = _("Marked as a key case") if is_key else _("No longer a key case")
    reason = (reason or "").strip()
    return _save(case, user, f"{change}: {reason}" if reason else change)


# --- applying a level -------------------------------------------------------------------


@dataclass
class ApplyResult:
    case: DisposalCase
    created: list = field(default_factory=list)
    reopened: list = field(default_factory=list)
    lowered: list = field(default_factory=list)


@transaction.atomic
def apply_level(
    institution: Institution,
    level: str,
    *,
    user,
    assessment: Assessment | None = None,
    today: date | None = None,
    illegal_fundraising: bool | None = None,
    crime_suspected: bool | None = None,
) -> ApplyResult:
    """Create the actions ``level`` requires for ``institution`` (四级分类处置).

    Called when the county section approves a rating or raises a level. Idempotent: an
    action type exists at most once per institution, so approving the same level again
    creates nothing. Raising adds what the higher level requires (and reopens actions that
    were set aside as "not applicable" after an earlier lowering). Lowering closes nothing:
    open actions the new level no longer requires are flagged ``level_lowered_on`` for a
    person to decide, with a reason.

    ``illegal_fundraising`` and ``crime_suspected`` decide the conditional actions (纳入处非
    机制, 移送司法机关); when not given they are what the approved ``assessment`` found (its
    hits and their evidence), or without one what the institution's rating found. The
    county's policy may enter every orange and red institution into the mechanism (衡山县).
    """
    if level not in Level.values:
        raise ValueError(f"Unknown level {level!r}")
    if not (user.can_review and _in_scope(user, institution)):
        raise PermissionDenied(_("Only the county section applies an approved level."))
    today = today or timezone.localdate()
    if illegal_fundraising is None or crime_suspected is None:
        found = (
            assessment.findings
            if assessment is not None
            else rating_findings([institution])[institution.pk]
        )
        if illegal_fundraising is None:
            illegal_fundraising = found.illegal_fundraising
        if crime_suspected is None:
            crime_suspected = found.crime_suspected
    assessment_id = assessment.pk if assessment is not None else None

    case = DisposalCase.objects.select_for_update().filter(institution=institution).first()
    label = Level(level).label
    reason = _("Level applied: %(level)s") % {"level": label}
    if case is None:
        case = DisposalCase(institution=institution, created_by=user)
    if (
        case.pk is None
        or case.level != level
        or case.assessment_id != assessment_id
        or case.illegal_fundraising != illegal_fundraising
        or case.crime_suspected != crime_suspected
    ):
        case.level = level
        case.level_applied_on = today
        case.assessment_id = assessment_id
        case.illegal_fundraising = illegal_fundraising
        case.crime_suspected = crime_suspected
        _save(case, user, reason)

    result = ApplyResult(case=case)
    required = required_action_types(
        level,
        illegal_fundraising=illegal_fundraising,
        crime_suspected=crime_suspected,
        mechanism_for_every_orange=disposal_policy(
            institution.scope_path
        ).mechanism_for_every_orange,
    )
    existing = {a.action_type: a for a in DisposalAction.objects.filter(institution=institution)}
    days = deadline_days(institution.scope_path)

    for action_type in required:
        action = existing.get(action_type)
        if action is None:
            action = _new_action(case, institution, action_type, days, today, user)
            _save(action, user, reason)
            result.created.append(action)
        elif action.level_lowered_on is not None:
            if action.status == ActionStatus.NOT_APPLICABLE:
                # Set aside after a lowering; the level needs it again.
                action.status = ActionStatus.OPEN
                action.required_on = today
                action.deadline = today + timedelta(days=days[action_type])
                action.overdue_since = None
                action.completed_on = None
                action.status_reason = ""
                result.reopened.append(action)
            action.level_lowered_on = None
            _save(action, user, _("Level raised again: %(level)s") % {"level": label})

    for action_type, action in existing.items():
        if (
            action_type not in required
            and action.status in OPEN_STATUSES
            and action.level_lowered_on is None
            and is_below(level, action_type)
        ):
            action.level_lowered_on = today
            _save(action, user, _("Level lowered to %(level)s: decide") % {"level": label})
            result.lowered.append(action)
    return result


def _new_action(case, institution, action_type: str, days: dict, today: date, user):
    """An action the case's level requires, due by the county's deadline for its type."""
    return DisposalAction(
        case=case,
        institution=institution,
        action_type=action_type,
        level=case.level,
        assessment_id=case.assessment_id,
        responsible_unit_id=institution.township_id,
        scope_path=institution.scope_path,
        required_on=today,
        deadline=today + timedelta(days=days[action_type]),
        created_by=user,
    )


@transaction.atomic
def apply_levels(approvals, *, user, today: date | None = None) -> int:
    """``apply_level`` for many approved levels at once (what ``ratings_approved``
    announces): ``approvals`` carry ``institution_id``, ``assessment_id`` and ``level``.

    An institution's first level, the common case of a batch, is created in bulk by the
    same rules (the level's required actions, the conditions its assessment found, the
    county's deadlines and policy), with history naming ``user``, in a constant number of
    queries; an institution that already has a case goes through ``apply_level``, which
    knows raising and lowering. The number of cases created is returned.
    """
    approvals = list(approvals)
    if not approvals:
        return 0
    if not user.can_review:
        raise PermissionDenied(_("Only the county section applies an approved level."))
    today = today or timezone.localdate()
    institutions = Institution.objects.in_bulk([a.institution_id for a in approvals])
    if not all(_in_scope(user, institution) for institution in institutions.values()):
        raise PermissionDenied(_("Only the county section applies an approved level."))
    assessments = Assessment.objects.in_bulk([a.assessment_id for a in approvals])
    applied = set(
        DisposalAction.objects.filter(institution_id__in=list(institutions)).values_list(
            "institution_id", flat=True
        )
    ) | set(
        DisposalCase.objects.filter(institution_id__in=list(institutions)).values_list(
            "institution_id", flat=True
        )
    )
    paths = {institution.scope_path for institution in institutions.values()}
    days_for, policy_for = deadline_days_for(paths), disposal_policies_for(paths)
    cases, actions = [], []
    for approval in approvals:
        institution = institutions[approval.institution_id]
        assessment = assessments[approval.assessment_id]
        if institution.pk in applied:
            apply_level(institution, approval.level, user=user, assessment=assessment, today=today)
            continue
        if approval.level not in Level.values:
            raise ValueError(f"Unknown level {approval.level!r}")
        found = assessment.findings
        case = DisposalCase(
            institution=institution,
            level=approval.level,
            level_applied_on=today,
            assessment=assessment,
            illegal_fundraising=found.illegal_fundraising,
            crime_suspected=found.crime_suspected,
            scope_path=institution.scope_path,
            created_by=user,
        )
        case._change_reason = _("Level applied: %(level)s") % {"level": Level(case.level).label}
        cases.append(case)
        required = required_action_types(
            case.level,
            illegal_fundraising=case.illegal_fundraising,
            crime_suspected=case.crime_suspected,
            mechanism_for_every_orange=policy_for[
                institution.scope_path
            ].mechanism_for_every_orange,
        )
        for action_type in required:
            action = _new_action(
                case, institution, action_type, days_for[institution.scope_path], today, user
            )
            action._change_reason = case._change_reason
            actions.append(action)
    bulk_create_with_history(cases, DisposalCase, batch_size=500, default_user=user)
    for action in actions:
        action.case_id = action.case.pk
    bulk_create_with_history(actions, DisposalAction, batch_size=500, default_user=user)
    return len(cases)


# --- following an action ----------------------------------------------------------------


@transaction.atomic
def update_action(*, user, action: DisposalAction, today: date | None = None) -> DisposalAction:
    """Save the changes made to ``action`` (status, responsible person, dates, 文号, notes).

    The rules of one action: "not applicable" and closing an action after a lowering need a
    reason; only the county section moves a deadline; done actions get their completion
    date; dates are not in the future.
    """
    today = today or timezone.localdate()
    before = DisposalAction.objects.select_for_update().get(pk=action.pk)
    require_editor(user, before.institution)
    errors = {}
    if action.deadline != before.deadline and not user.can_review:
        errors["deadline"] = _("Only the county section changes a deadline.")
    reason = (action.status_reason or "").strip()
    action.status_reason = reason
    if action.status == ActionStatus.NOT_APPLICABLE and not reason:
        errors["status_reason"] = _("Say why this action does not apply.")
    if (
        action.status in CLOSED
        and before.status in OPEN_STATUSES
        and before.level_lowered_on is not None
        and not reason
    ):
        errors["status_reason"] = _(
            "The level was lowered: say why this action is closed (or keep it open)."
        )
    for name in ("carried_out_on", "completed_on"):
        value = getattr(action, name)
        if value and value > today:
            errors[name] = _("The date cannot be in the future.")
    if action.completed_on and action.required_on and action.completed_on < action.required_on:
        errors["completed_on"] = _("The completion date is before the action was required.")
    user_unit = action.responsible_user.unit if action.responsible_user_id else None
    if action.responsible_user_id and not (
        user_unit is not None
        and (
            action.institution.scope_path.startswith(user_unit.path)
            or user_unit.path.startswith(action.institution.township.path)
        )
    ):
        errors["responsible_user"] = _("This person does not work for this institution's area.")
    if errors:
        raise ValidationError(errors)
    owed = ZERO
    if (
        action.action_type == ActionType.URGE_REFUND
        and action.status in CLOSED
        and before.status not in CLOSED
    ):
        # 督促清退资金 is closed only once the elders are paid back, or by the county section
        # with its reason (e.g. transferred to the police with the refund claim).
        owed = max(refund_totals([action.institution_id])[action.institution_id].outstanding, ZERO)
        if owed > 0:
            refuse_while_owed(user, owed, reason, "status_reason")

    if action.status == ActionStatus.DONE and not action.completed_on:
        action.completed_on = action.carried_out_on or today
    if action.status in OPEN_STATUSES:
        action.completed_on = None
    if action.deadline >= today:
        action.overdue_since = None
    action.full_clean()
    change = ""
    if action.status != before.status:
        change = _("Status: %(status)s") % {"status": action.get_status_display()}
    if owed > 0:
        change = _("%(change)s, %(amount)s yuan still owed to elders: %(reason)s") % {
            "change": change,
            "amount": f"{owed:,.2f}",
            "reason": reason,
        }
    return _save(action, user, change)


@transaction.atomic
def add_evidence(*, user, action: DisposalAction, upload, description: str = "") -> ActionEvidence:
    require_editor(user, action.institution)
    try:
        validate_evidence_file(upload)
    except ValidationError as exc:
        raise ValidationError({"evidence_file": exc.messages}) from exc
    original_name = upload.name[:255]
    if sniff_upload(upload) in IMAGES:
        # A photo is stored as its clean copy: pixels only, no EXIF (GPS) block.
        try:
            upload = clean_image(upload)
        except ValidationError as exc:
            raise ValidationError({"evidence_file": exc.messages}) from exc
    evidence = ActionEvidence(
        action=action,
        institution=action.institution,
        file=upload,
        original_name=original_name,
        size=upload.size,
        description=description[:200],
        created_by=user,
    )
    _save(evidence, user)
    # The action's own history says a file was added, so its trail is complete.
    _save(action, user, _("Evidence added: %(name)s") % {"name": evidence.original_name})
    return evidence


def flag_overdue_actions(today: date | None = None) -> int:
    """Flag open actions past their deadline (escalated to the county's board). Idempotent:
    an action is flagged once, on the first day it is overdue."""
    today = today or timezone.localdate()
    actions = list(
        DisposalAction.objects.filter(
            status__in=OPEN_STATUSES, deadline__lt=today, overdue_since__isnull=True
        )
    )
    for action in actions:
        action.overdue_since = today
    if actions:
        with transaction.atomic():
            bulk_update_with_history(
                actions,
                DisposalAction,
                ["overdue_since"],
                batch_size=500,
                default_change_reason=_("Overdue: escalated to the county"),
            )
    return len(actions)
