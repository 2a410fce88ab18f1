"""Writes of the 清零 ledger: a person in charge of each venue (包干到人), crossing it off
once its outcome is reached (对账销号), and the follow-up checks of a venue registered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from institutions.models import Institution, RegistrationStatus
from institutions.services import save_institution
from risklists.selectors import rating_findings

from ..levels import FOLLOW_UP_LEVEL, ActionType
from ..models import (
    DisposalAction,
    DisposalCase,
    Outcome,
    TargetOutcome,
    Transfer,
    ZeroingEntry,
    ZeroingStatus,
)
from ..selectors.records import refund_totals
from ..selectors.settings import deadline_days
from ..selectors.zeroing import on_ledger_q, target_outcome
from .common import _not_future, _save, refuse_while_owed, require_editor


def _entry(institution: Institution, user) -> ZeroingEntry:
    entry = ZeroingEntry.objects.select_for_update().filter(institution=institution).first()
    return entry or ZeroingEntry(institution=institution, created_by=user)


def _on_ledger(institution: Institution) -> bool:
    return Institution.objects.filter(on_ledger_q(), pk=institution.pk).exists()


@transaction.atomic
def assign_zeroing(
    *,
    user,
    institution: Institution,
    responsible_user=None,
    responsible_name="",
    notes="",
    stable=None,
) -> ZeroingEntry:
    """Put a person in charge of a venue (包干到人); the entry is then in progress. ``stable``:
    the township's judgement whether the venue operates stably (运营比较平稳, None: not
    judged), which with its elders housed decides its target (督促登记 or 综合研判)."""
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
    entry.stable = stable
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
    owed_reason: str = "",
    today: date | None = None,
) -> ZeroingEntry:
    """销号: cross a venue off the ledger, only once its outcome is reached.

    - registered: the venue is now registered (or is registered here, through the registry's
      own service, so it becomes an institution with its history); a venue that took large
      prepayments only once every refund owed is paid back (责令退还资金);
    - closed or banned: on a date;
    - transferred: a transfer to an authority is recorded.

    Money still owed to the venue's elders (the refund ledger: what they paid less what was
    refunded) keeps it on the ledger when it stops operating (closed, banned, transferred)
    or was to refund (责令退还资金): only the county section crosses it off then, with its
    ``owed_reason`` (e.g. transferred to the police with the refund claim), kept on the
    entry with the amount owed and in its history.
    """
    today = today or timezone.localdate()
    require_editor(user, institution)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if not _on_ledger(institution):
        raise ValidationError(_("Only unregistered venues are on the zeroing ledger."))
    entry = _entry(institution, user)
    if entry.is_crossed_off:
        raise ValidationError(_("This venue is already crossed off."))
    target = target_outcome(
        rating_findings([institution])[institution.pk],
        residents=institution.residents,
        stable=entry.stable,
    )
    outcome_on = outcome_on or None
    _not_future(outcome_on, "outcome_on", today)

    totals = refund_totals([institution.pk])[institution.pk]
    if (
        outcome == Outcome.REGISTERED
        and target == TargetOutcome.REFUND_AND_CLOSE
        and totals.payers == 0
    ):
        raise ValidationError(
            _(
                "This venue took large prepayments: it is crossed off as registered only "
                "once its elders' prepayments are recorded and refunded. Record them on "
                "the prepayment records, or close it, ban it or transfer it."
            ),
            code="refunds_outstanding",
        )
    owed = owed_to_elders(totals, outcome, target)
    owed_reason = (owed_reason or "").strip()
    if owed > 0:
        refuse_while_owed(user, owed, owed_reason, "owed_reason")

    if outcome == Outcome.REGISTERED:
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
    entry.owed_when_crossed_off = owed if owed > 0 else None
    entry.owed_reason = owed_reason if owed > 0 else ""
    if notes:
        entry.notes = (entry.notes + "\n" + notes).strip() if entry.notes else notes
    entry.institution = institution
    change = _("Crossed off: %(outcome)s") % {"outcome": Outcome(outcome).label}
    if owed > 0:
        change = _("%(change)s, %(amount)s yuan still owed to elders: %(reason)s") % {
            "change": change,
            "amount": f"{owed:,.2f}",
            "reason": owed_reason,
        }
    _save(entry, user, change)
    if outcome == Outcome.REGISTERED:
        schedule_follow_up(user=user, institution=institution, entry=entry, today=today)
    return entry


def owed_to_elders(totals, outcome: str, target: str) -> Decimal:
    """What the venue still owes its elders that its crossing off would leave unpaid: all of
    it when it stops operating or was to refund; nothing for a stable venue registered (its
    elders' deposits stay with the institution it becomes)."""
    if outcome == Outcome.REGISTERED and target != TargetOutcome.REFUND_AND_CLOSE:
        return Decimal("0")
    return max(totals.outstanding, Decimal("0"))


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
