"""Writes of the records kept per institution: refunds owed and paid (督促清退资金),
resettlement, assistance, transfers, and the "一院一策" plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import Institution
from screening.models import PrepaymentRecord

from ..models import InstitutionPlan, RefundPlan, RefundRecord
from .common import _not_future, _save, require_editor


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
