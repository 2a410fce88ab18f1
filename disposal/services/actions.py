"""Writes of disposal. Each function checks the user's role and unit, owns its transaction
and names the user in the history (django-simple-history). Nothing here deletes a row.

The entry point for the rating is :func:`apply_level`: when the county section approves
(or raises) an institution's level, the actions the level requires are created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Role, path_ids
from institutions.models import Institution, RegistrationStatus
from institutions.services import save_institution
from risklists.levels import Level
from risklists.models import Assessment
from risklists.selectors import rating_findings
from screening.models import PrepaymentRecord

from ..levels import (
    CONDITIONAL_TYPES,
    DEFAULT_DEADLINE_DAYS,
    FOLLOW_UP_LEVEL,
    ActionType,
    is_below,
    required_action_types,
)
from ..models import (
    ActionEvidence,
    ActionStatus,
    DeadlineSetting,
    DisposalAction,
    DisposalCase,
    DisposalPolicy,
    InstitutionPlan,
    Outcome,
    RefundPlan,
    RefundRecord,
    TargetOutcome,
    Transfer,
    ZeroingEntry,
    ZeroingStatus,
)
from ..querysets import OPEN_STATUSES
from ..selectors.actions import on_ledger_q, refund_totals, target_outcome
from ..validators import validate_evidence_file

REASON_LENGTH = 100  # simple-history's history_change_reason column
CLOSED = (ActionStatus.DONE, ActionStatus.NOT_APPLICABLE)


def _reason(obj, text: str):
    if text:
        obj._change_reason = str(text)[:REASON_LENGTH]


def _save(obj, user, reason: str = ""):
    obj._history_user = user
    _reason(obj, reason)
    obj.save()
    return obj


def _in_scope(user, institution: Institution) -> bool:
    if user.is_superuser:
        return True
    return user.unit_id is not None and institution.scope_path.startswith(user.unit.path)


def require_editor(user, institution: Institution):
    """Township staff and the county section change disposal; leaders only read."""
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))
    if not _in_scope(user, institution):
        raise PermissionDenied(_("This institution is outside your unit."))


def _not_future(value: date | None, field_name: str, today: date):
    if value and value > today:
        raise ValidationError({field_name: _("The date cannot be in the future.")})


# --- deadlines --------------------------------------------------------------------------


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


def disposal_policy(scope_path: str) -> DisposalPolicy:
    """The policy in force for ``scope_path``: its nearest unit's, else the district plan's
    (an unsaved default)."""
    ids = path_ids(scope_path)
    policies = {p.unit_id: p for p in DisposalPolicy.objects.filter(unit_id__in=ids)}
    for unit_id in reversed(ids):
        if unit_id in policies:
            return policies[unit_id]
    return DisposalPolicy()


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


def notification_recipient(institution: Institution) -> str:
    """Whom a 线索通报 about ``institution`` is proposed to go to (its county's setting)."""
    return disposal_policy(institution.scope_path).notification_recipient


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
            action = DisposalAction(
                case=case,
                institution=institution,
                action_type=action_type,
                level=level,
                assessment_id=assessment_id,
                responsible_unit_id=institution.township_id,
                required_on=today,
                deadline=today + timedelta(days=days[action_type]),
                created_by=user,
            )
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
    return _save(action, user, change)


@transaction.atomic
def add_evidence(*, user, action: DisposalAction, upload, description: str = "") -> ActionEvidence:
    require_editor(user, action.institution)
    try:
        validate_evidence_file(upload)
    except ValidationError as exc:
        raise ValidationError({"evidence_file": exc.messages}) from exc
    evidence = ActionEvidence(
        action=action,
        institution=action.institution,
        file=upload,
        original_name=upload.name[:255],
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


# --- refunds, resettlement, assistance, transfers, plan ---------------------------------


@transaction.atomic
def save_record(*, user, record, today: date | None = None):
    """Create or edit a resettlement, assistance, transfer or refund owed."""
    require_editor(user, record.institution)
    if record.pk is None:
        record.created_by = user
    record.full_clean()
    return _save(record, user)


@transaction.atomic
def record_refund(*, user, record: RefundRecord, today: date | None = None) -> RefundRecord:
    """A refund paid to an elder; the refunds of a payer never exceed what is due."""
    today = today or timezone.localdate()
    plan = RefundPlan.objects.select_for_update().get(pk=record.plan_id)
    require_editor(user, plan.institution)
    record.institution = plan.institution
    _not_future(record.refunded_on, "refunded_on", today)
    paid = RefundRecord.objects.filter(plan=plan).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    if record.amount and paid + record.amount > plan.amount_due:
        raise ValidationError(
            {
                "amount": _("Only %(left)s yuan is still due to this elder.")
                % {"left": plan.amount_due - paid}
            }
        )
    record.created_by = user
    record.full_clean()
    return _save(record, user)


@transaction.atomic
def prefill_refunds(*, user, institution: Institution) -> list[RefundPlan]:
    """One refund owed per payer with an outstanding prepayment (amount − refunded), from the
    screening records. Payers who already have a refund owed are left as they are."""
    require_editor(user, institution)
    existing = set(
        RefundPlan.objects.filter(institution=institution).values_list("payer_key", flat=True)
    )
    per_payer: dict[str, dict] = {}
    for record in PrepaymentRecord.objects.filter(institution=institution).order_by("paid_on"):
        outstanding = record.outstanding
        if outstanding <= 0:
            continue
        row = per_payer.setdefault(
            record.payer_key,
            {
                "payer_name": record.payer_name,
                "payer_id_number": record.payer_id_number,
                "payer_phone": record.payer_phone,
                "amount_due": Decimal("0"),
            },
        )
        row["amount_due"] += outstanding
        row["payer_phone"] = row["payer_phone"] or record.payer_phone
    created = []
    for key, values in per_payer.items():
        if key in existing:
            continue
        plan = RefundPlan(
            institution=institution, from_prepayment_records=True, created_by=user, **values
        )
        plan.full_clean()
        created.append(_save(plan, user, _("From the prepayment records")))
    return created


@transaction.atomic
def save_plan(*, user, institution: Institution, text: str) -> InstitutionPlan | None:
    """A new version of the "一院一策" plan; nothing when the text did not change."""
    require_editor(user, institution)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the plan.")})
    latest = (
        InstitutionPlan.objects.select_for_update()
        .filter(institution=institution)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.text == text:
        return None
    plan = InstitutionPlan(
        institution=institution,
        version=(latest.version + 1) if latest else 1,
        text=text,
        created_by=user,
    )
    plan.save()
    return plan


# --- the 清零 ledger ----------------------------------------------------------------------


def _entry(institution: Institution, user) -> ZeroingEntry:
    entry = ZeroingEntry.objects.select_for_update().filter(institution=institution).first()
    return entry or ZeroingEntry(institution=institution, created_by=user)


def _on_ledger(institution: Institution) -> bool:
    return Institution.objects.filter(on_ledger_q(), pk=institution.pk).exists()


@transaction.atomic
def assign_zeroing(
    *, user, institution: Institution, responsible_user=None, responsible_name="", notes=""
) -> ZeroingEntry:
    """Put a person in charge of a venue (包干到人); the entry is then in progress."""
    require_editor(user, institution)
    if not _on_ledger(institution):
        raise ValidationError(_("Only unregistered venues are on the zeroing ledger."))
    entry = _entry(institution, user)
    if entry.is_crossed_off:
        raise ValidationError(_("This venue is already crossed off."))
    if responsible_user is not None and responsible_user.role not in (
        Role.TOWNSHIP_STAFF,
        Role.COUNTY_REVIEWER,
    ):
        raise ValidationError({"responsible_user": _("Choose a member of staff.")})
    entry.responsible_user = responsible_user
    entry.responsible_name = (responsible_name or "").strip()
    entry.notes = notes
    if entry.status == ZeroingStatus.OPEN and (responsible_user or entry.responsible_name):
        entry.status = ZeroingStatus.IN_PROGRESS
    return _save(entry, user)


@dataclass
class Registration:
    """What a venue needs to become a registered institution."""

    credit_code: str
    registration_status: str = RegistrationStatus.REGISTERED_NOT_FILED
    legal_form: str = ""
    registration_authority: str = ""


@transaction.atomic
def cross_off(
    *,
    user,
    institution: Institution,
    outcome: str,
    outcome_on: date | None = None,
    registration: Registration | None = None,
    notes: str = "",
    today: date | None = None,
) -> ZeroingEntry:
    """销号: cross a venue off the ledger, only once its outcome is reached.

    - registered: the venue is now registered (or is registered here, through the registry's
      own service, so it becomes an institution with its history); a venue that took large
      prepayments only once every refund owed is paid back (责令退还资金);
    - closed or banned: on a date;
    - transferred: a transfer to an authority is recorded.
    """
    today = today or timezone.localdate()
    require_editor(user, institution)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if not _on_ledger(institution):
        raise ValidationError(_("Only unregistered venues are on the zeroing ledger."))
    entry = _entry(institution, user)
    if entry.is_crossed_off:
        raise ValidationError(_("This venue is already crossed off."))
    target = target_outcome(rating_findings([institution])[institution.pk])
    outcome_on = outcome_on or None
    _not_future(outcome_on, "outcome_on", today)

    if outcome == Outcome.REGISTERED:
        if target == TargetOutcome.REFUND_AND_CLOSE:
            totals = refund_totals([institution.pk])[institution.pk]
            if totals.payers == 0 or totals.outstanding > 0:
                raise ValidationError(
                    _(
                        "This venue took large prepayments: it is crossed off as registered "
                        "only once every refund owed is recorded and paid back. Close it, ban "
                        "it or transfer it otherwise."
                    ),
                    code="refunds_outstanding",
                )
        if institution.registration_status == RegistrationStatus.UNREGISTERED:
            if registration is None or not registration.credit_code:
                raise ValidationError(
                    {
                        "credit_code": _(
                            "Not crossed off: the venue is not registered yet. Give its "
                            "unified social credit code once it is registered."
                        )
                    }
                )
            institution.registration_status = registration.registration_status
            institution.credit_code = registration.credit_code.strip().upper()
            if registration.legal_form:
                institution.legal_form = registration.legal_form
            if registration.registration_authority:
                institution.registration_authority = registration.registration_authority
            # The registry's own service: validation (credit code) and history stay there.
            save_institution(
                user=user,
                institution=institution,
                reason=_("Registered: crossed off the zeroing ledger"),
            )
        entry.outcome_on = outcome_on or today
        entry.transfer = None
    elif outcome in (Outcome.CLOSED, Outcome.BANNED):
        if outcome_on is None:
            raise ValidationError(
                {"outcome_on": _("Not crossed off: give the date it was closed or banned.")}
            )
        entry.outcome_on = outcome_on
        entry.transfer = None
    elif outcome == Outcome.TRANSFERRED:
        transfer = (
            Transfer.objects.filter(institution=institution).order_by("-transferred_on").first()
        )
        if transfer is None:
            raise ValidationError(
                _("Not crossed off: record the transfer to the authority first."),
                code="no_transfer",
            )
        entry.transfer = transfer
        entry.outcome_on = transfer.transferred_on
    else:
        raise ValidationError({"outcome": _("Choose the outcome reached.")})

    entry.outcome = outcome
    entry.target_outcome = target
    entry.status = ZeroingStatus.CROSSED_OFF
    entry.crossed_off_on = today
    entry.crossed_off_by = user
    if notes:
        entry.notes = (entry.notes + "\n" + notes).strip() if entry.notes else notes
    entry.institution = institution
    _save(entry, user, _("Crossed off: %(outcome)s") % {"outcome": Outcome(outcome).label})
    if outcome == Outcome.REGISTERED:
        schedule_follow_up(user=user, institution=institution, entry=entry, today=today)
    return entry


def schedule_follow_up(
    *, user, institution: Institution, entry: ZeroingEntry | None = None, today: date
) -> DisposalAction | None:
    """衡山县 §一.三: 督促其尽快依法办理登记，并加强后续跟踪检查. A venue crossed off as registered
    gets a follow-up check on its disposal board, with the county's deadline for it and the
    ledger's person in charge (包干到人). Once per institution.

    The action belongs to the institution's disposal case; a venue whose level was never
    approved gets a case at green (正常开展日常监管) until the county approves one.
    """
    if DisposalAction.objects.filter(
        institution=institution, action_type=ActionType.FOLLOW_UP_CHECK
    ).exists():
        return None
    reason = _("Registered: follow-up checks")
    case = DisposalCase.objects.select_for_update().filter(institution=institution).first()
    if case is None:
        case = DisposalCase(
            institution=institution,
            level=FOLLOW_UP_LEVEL,
            level_applied_on=today,
            created_by=user,
        )
        _save(case, user, reason)
    days = deadline_days(institution.scope_path)[ActionType.FOLLOW_UP_CHECK]
    action = DisposalAction(
        case=case,
        institution=institution,
        action_type=ActionType.FOLLOW_UP_CHECK,
        level=FOLLOW_UP_LEVEL,
        responsible_unit_id=institution.township_id,
        responsible_user=entry.responsible_user if entry else None,
        responsible_name=entry.responsible_name if entry else "",
        required_on=today,
        deadline=today + timedelta(days=days),
        created_by=user,
    )
    return _save(action, user, reason)
