"""Disposal's refunds owed (``RefundPlan``) and paid (``RefundRecord``) move into the one
refund ledger, kept against the elders' prepayment records (``screening.PrepaymentRefund``).

Run after ``screening.0010`` has turned the refunds typed on the prepayment records into
entries, so nothing is counted twice:

- what an elder is owed is what their prepayment records still show; a refund owed that
  was added by hand for more than that (a payment nobody recorded) becomes a prepayment
  record of the kind "other" for the difference, dated when the refund owed was added;
- each refund paid becomes entries against the elder's records that are still owed, the
  oldest payment first, with its own date, notes, author and time. What exceeds everything
  the elder is still owed was already counted on the prepayment records (the same money
  typed in both places) and is not added again;
- a refund owed's deadline and notes are added to the notes of the elder's first record.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import Sum
from django.utils import timezone

ZERO = Decimal("0")
NOTE = "迁移自处置台账的退费记录"
OTHER_NOTE = "迁移：处置台账登记的应退金额（无预付费记录）"
REASON = "迁移到退费台账"
NOTES_LENGTH = 255


def _day(moment, fallback):
    return timezone.localdate(moment) if moment else fallback


def forwards(apps, schema_editor):
    RefundPlan = apps.get_model("disposal", "RefundPlan")
    RefundRecord = apps.get_model("disposal", "RefundRecord")
    PrepaymentRecord = apps.get_model("screening", "PrepaymentRecord")
    PrepaymentRefund = apps.get_model("screening", "PrepaymentRefund")
    RecordHistory = apps.get_model("screening", "HistoricalPrepaymentRecord")
    RefundHistory = apps.get_model("screening", "HistoricalPrepaymentRefund")

    payments = {}
    for payment in RefundRecord.objects.order_by("refunded_on", "pk"):
        payments.setdefault(payment.plan_id, []).append(payment)
    touched = set()
    for plan in RefundPlan.objects.order_by("institution_id", "pk"):
        records = list(
            PrepaymentRecord.objects.filter(
                institution_id=plan.institution_id, payer_key=plan.payer_key
            ).order_by("paid_on", "pk")
        )
        refunded = dict(
            PrepaymentRefund.objects.filter(prepayment__in=records)
            .values("prepayment_id")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("prepayment_id", "total")
        )
        owed = {r.pk: r.amount - refunded.get(r.pk, ZERO) for r in records}
        paid = payments.get(plan.pk, [])
        beyond = plan.amount_due - sum((v for v in owed.values() if v > 0), ZERO)
        if not plan.from_prepayment_records and beyond > 0:
            first_day = min(
                [_day(plan.created_at, None)] + [p.refunded_on for p in paid],
                key=lambda day: day or timezone.localdate(),
            )
            other = PrepaymentRecord(
                institution_id=plan.institution_id,
                scope_path=plan.scope_path,
                payer_name=plan.payer_name,
                payer_id_number=plan.payer_id_number,
                payer_phone=plan.payer_phone,
                payer_key=plan.payer_key,
                kind="other",
                amount=beyond,
                paid_on=first_day or timezone.localdate(),
                notes=OTHER_NOTE,
                created_by_id=plan.created_by_id,
            )
            other.save()
            _history(RecordHistory, other, plan.created_by_id, plan.created_at)
            records.append(other)
            owed[other.pk] = beyond
        if records and (plan.due_by or plan.notes):
            first = records[0]
            parts = [first.notes] if first.notes else []
            if plan.due_by:
                parts.append(f"应于{plan.due_by:%Y-%m-%d}前退还")
            if plan.notes:
                parts.append(plan.notes)
            first.notes = "；".join(parts)[:NOTES_LENGTH]
            PrepaymentRecord.objects.filter(pk=first.pk).update(notes=first.notes)
        for payment in paid:
            left = payment.amount
            # Payments made before the refund first, then any other still owed.
            ordered = [r for r in records if r.paid_on <= payment.refunded_on] + [
                r for r in records if r.paid_on > payment.refunded_on
            ]
            for record in ordered:
                if left <= 0:
                    break
                share = min(left, owed[record.pk])
                if share <= 0:
                    continue
                entry = PrepaymentRefund(
                    prepayment_id=record.pk,
                    institution_id=record.institution_id,
                    scope_path=record.scope_path,
                    amount=share,
                    refunded_on=payment.refunded_on,
                    notes=(payment.notes or NOTE)[:NOTES_LENGTH],
                    created_by_id=payment.created_by_id,
                )
                entry.save()
                PrepaymentRefund.objects.filter(pk=entry.pk).update(created_at=payment.created_at)
                _refund_history(RefundHistory, entry, payment)
                owed[record.pk] -= share
                left -= share
                touched.add(record.pk)
    for record_id in touched:
        total = PrepaymentRefund.objects.filter(prepayment_id=record_id).aggregate(
            s=Sum("amount")
        )["s"]
        PrepaymentRecord.objects.filter(pk=record_id).update(refunded_amount=total or ZERO)


def _history(History, record, user_id, moment):
    History.objects.create(
        id=record.pk,
        created_at=record.created_at,
        created_by_id=record.created_by_id,
        institution_id=record.institution_id,
        payer_name=record.payer_name,
        payer_id_number=record.payer_id_number,
        payer_phone=record.payer_phone,
        payer_key=record.payer_key,
        kind=record.kind,
        amount=record.amount,
        paid_on=record.paid_on,
        monthly_fee=record.monthly_fee,
        months_covered=record.months_covered,
        refunded_amount=record.refunded_amount,
        promised_return=record.promised_return,
        promised_return_note=record.promised_return_note,
        notes=record.notes,
        history_date=moment or timezone.now(),
        history_type="+",
        history_user_id=user_id,
        history_change_reason=REASON,
    )


def _refund_history(History, entry, payment):
    History.objects.create(
        id=entry.pk,
        created_at=payment.created_at,
        amount=entry.amount,
        refunded_on=entry.refunded_on,
        notes=entry.notes,
        created_by_id=entry.created_by_id,
        institution_id=entry.institution_id,
        prepayment_id=entry.prepayment_id,
        reverses_id=None,
        history_date=payment.created_at,
        history_type="+",
        history_user_id=payment.created_by_id,
        history_change_reason=REASON,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disposal", "0008_phone_numbers_validated"),
        ("screening", "0014_refunds_into_the_ledger"),
    ]

    # Backwards, the refunds stay in the ledger (disposal's tables come back empty).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
