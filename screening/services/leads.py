"""Writes to leads (线索): recording them and moving them received → verified → handled →
fed back.

区县方案·畅通线索举报渠道: 对收集到的举报线索进行甄别 … 要及时核实、查办、反馈，并定期向区民政局和
属地政法部门报送线索办理情况. Each step records its date and who did it; the history keeps every
change, so the order of the steps is enforced here rather than trusted to the form.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import create_once
from institutions.models import Institution

from ..models import Lead, LeadStatus

# A lead still not fed back this many days after it was received is shown as overdue. The
# plans ask for 及时 handling without a number; two weeks is the section's working rule.
OVERDUE_DAYS = 15

# The order of the workflow; each step names the date field it fills.
STEPS = {
    LeadStatus.RECEIVED: (LeadStatus.VERIFIED, "verified_on"),
    LeadStatus.VERIFIED: (LeadStatus.HANDLED, "handled_on"),
    LeadStatus.HANDLED: (LeadStatus.FED_BACK, "fed_back_on"),
}
HISTORY_REASON_LENGTH = 100  # simple-history's history_change_reason column


def overdue_q(today: date | None = None) -> Q:
    """Leads received more than ``OVERDUE_DAYS`` ago and still not fed back."""
    today = today or timezone.localdate()
    return Q(received_on__lt=today - timedelta(days=OVERDUE_DAYS)) & ~Q(status=LeadStatus.FED_BACK)


def is_overdue(lead: Lead, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return lead.status != LeadStatus.FED_BACK and lead.received_on < today - timedelta(
        days=OVERDUE_DAYS
    )


def next_status(lead: Lead) -> str | None:
    step = STEPS.get(lead.status)
    return step[0] if step else None


def _require_editor(user, lead: Lead):
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))
    if user.is_superuser:
        return
    if user.unit is None or lead.unit_id is None or not lead.unit.path.startswith(user.unit.path):
        raise PermissionDenied(_("This township is outside your unit."))
    if lead.institution_id and not (
        Institution.objects.visible_to(user).filter(pk=lead.institution_id).exists()
    ):
        raise PermissionDenied(_("This institution is outside your unit."))


def _check_date(value: date | None, field: str, not_before: date | None, label: str):
    if value is None:
        raise ValidationError({field: _("Give the date.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before and value < not_before:
        raise ValidationError(
            {
                field: _("The date cannot be before %(step)s (%(date)s).")
                % {"step": label, "date": not_before.isoformat()}
            }
        )


def _save(lead: Lead, user, reason: str = ""):
    lead._history_user = user
    if reason:
        lead._change_reason = reason[:HISTORY_REASON_LENGTH]
    lead.save()
    return lead


def record_lead(*, user, lead: Lead, client_id: str = "") -> tuple[Lead, bool]:
    """A new lead, made at most once per ``client_id`` (the field app's own id of a lead
    recorded on a phone), through the same checks as the lead form (``save_lead``). Returns
    ``(lead, created)``; the same id sent for another subject or township is refused."""
    return create_once(
        model=Lead,
        user=user,
        instance=lead,
        client_id=client_id,
        save=lambda: save_lead(user=user, lead=lead),
        same=lambda existing: existing.subject == lead.subject and existing.unit_id == lead.unit_id,
        reused=lambda existing: (
            _(
                "This record's id was already used for the lead %(subject)s: it cannot record "
                "another lead. Record this one as a new lead."
            )
            % {"subject": existing.subject}
        ),
    )


@transaction.atomic
def save_lead(*, user, lead: Lead) -> Lead:
    """Create or edit a lead's record (not its workflow steps); the history names ``user``."""
    _require_editor(user, lead)
    if lead.institution_id and lead.unit_id:
        institution = lead.institution
        if not institution.scope_path.startswith(lead.unit.path):
            raise ValidationError(
                {"institution": _("This institution is not in the lead's township.")}
            )
    if lead.received_on and lead.received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    if lead.reported_to_county_on:
        _check_date(
            lead.reported_to_county_on,
            "reported_to_county_on",
            lead.received_on,
            _("the date received"),
        )
    if lead.pk is None:
        lead.created_by = user
        lead.status = LeadStatus.RECEIVED
    # 衡山县 §二.二 第一时间报告: the moment it is marked major is when the county is told.
    reason = ""
    if lead.is_major and lead.major_since is None:
        lead.major_since = timezone.now()
        reason = _("Reported to the county section as a major case lead")
    elif not lead.is_major:
        lead.major_since = None
    lead.full_clean(exclude=["scope_path"])
    return _save(lead, user, reason)


@transaction.atomic
def verify_lead(
    *,
    user,
    lead: Lead,
    is_fraud_related: bool | None,
    verified_on: date,
    institution: Institution | None = None,
    note: str = "",
) -> Lead:
    """甄别核实: is it an elder-care fraud lead? Links the institution once identified."""
    _require_step(user, lead, LeadStatus.RECEIVED)
    if is_fraud_related is None:
        raise ValidationError(
            {"is_fraud_related": _("Say whether the lead is related to elder-care fraud.")}
        )
    _check_date(verified_on, "verified_on", lead.received_on, _("the date received"))
    if institution is not None:
        if not Institution.objects.visible_to(user).filter(pk=institution.pk).exists():
            raise PermissionDenied(_("This institution is outside your unit."))
        if not institution.scope_path.startswith(lead.unit.path):
            raise ValidationError(
                {"institution": _("This institution is not in the lead's township.")}
            )
        lead.institution = institution
    lead.is_fraud_related = is_fraud_related
    lead.verified_on = verified_on
    lead.status = LeadStatus.VERIFIED
    lead.handler = user
    return _save(lead, user, note or _("Verified"))


@transaction.atomic
def handle_lead(*, user, lead: Lead, result: str, handled_on: date) -> Lead:
    """查办: what was done, in words; the result is required."""
    _require_step(user, lead, LeadStatus.VERIFIED)
    if not (result or "").strip():
        raise ValidationError({"result": _("Describe the result of the handling.")})
    _check_date(handled_on, "handled_on", lead.verified_on, _("the verification"))
    lead.result = result.strip()
    lead.handled_on = handled_on
    lead.status = LeadStatus.HANDLED
    lead.handler = user
    return _save(lead, user, _("Handled"))


@transaction.atomic
def feed_back_lead(*, user, lead: Lead, fed_back_on: date, note: str = "") -> Lead:
    """反馈: the reporter (or the referring authority) has been told the result."""
    _require_step(user, lead, LeadStatus.HANDLED)
    _check_date(fed_back_on, "fed_back_on", lead.handled_on, _("the handling"))
    lead.fed_back_on = fed_back_on
    lead.status = LeadStatus.FED_BACK
    lead.handler = user
    return _save(lead, user, note or _("Fed back"))


@transaction.atomic
def report_lead_to_county(*, user, lead: Lead, reported_on: date) -> Lead:
    """报送: the handling of the lead was reported to the county bureau."""
    _require_editor(user, lead)
    _check_date(reported_on, "reported_to_county_on", lead.received_on, _("the date received"))
    lead.reported_to_county_on = reported_on
    return _save(lead, user, _("Reported to the county"))


def can_find_groundless(lead: Lead) -> bool:
    """A lead verified as fraud related (it counts for the rating) and not yet found
    groundless."""
    return (
        lead.status != LeadStatus.RECEIVED
        and lead.is_fraud_related is True
        and lead.groundless_on is None
    )


@transaction.atomic
def find_lead_groundless(*, user, lead: Lead, found_on: date, reason: str) -> Lead:
    """查无实据: the handling found a verified lead groundless. It stops counting as a
    complaint against the institution (O2 被投诉举报); the reason is kept."""
    _require_editor(user, lead)
    if not can_find_groundless(lead):
        raise ValidationError(
            _("Only a lead verified as related to elder-care fraud can be found groundless.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"groundless_reason": _("Give the reason why it is groundless.")})
    _check_date(found_on, "groundless_on", lead.verified_on, _("the verification"))
    lead.groundless_on = found_on
    lead.groundless_reason = reason
    return _save(lead, user, _("Found groundless: %(reason)s") % {"reason": reason})


def _require_step(user, lead: Lead, expected: str):
    _require_editor(user, lead)
    if lead.status != expected:
        raise ValidationError(
            _("This step cannot be done now: the lead is %(status)s.")
            % {"status": lead.get_status_display()}
        )


@transaction.atomic
def mark_key_lead(*, user, lead: Lead, is_key: bool, reason: str = "") -> Lead:
    """区县方案 二(二)五 攻坚行动: the county section marks a lead 重点 (or no longer); the
    history says who, when and why."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section marks key leads."))
    if not Lead.objects.visible_to(user).filter(pk=lead.pk).exists():
        raise PermissionDenied(_("This township is outside your unit."))
    if lead.is_key == is_key:
        return lead
    lead.is_key = is_key
    change = _("Marked as a key lead") if is_key else _("No longer a key lead")
    reason = (reason or "").strip()
    return _save(lead, user, f"{change}: {reason}" if reason else change)
