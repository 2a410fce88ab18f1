"""The refunds typed on prepayment records (``refunded_amount``, ``refunded_on``) become
entries of the refund ledger: one entry per record, dated as typed (a record without a
date gets the day it was last saved, never before the payment). The record's
``refunded_amount`` stays, now the sum of its entries. Disposal's own refunds follow in
``disposal.0009``, counted against what is still owed after these."""

from django.db import migrations
from django.utils import timezone

NOTE = "迁移：预付费记录上填写的已退还金额"
REASON = "迁移到退费台账"
BATCH = 1000


def refund_day(record):
    if record.refunded_on:
        return record.refunded_on
    day = timezone.localdate(record.updated_at) if record.updated_at else record.paid_on
    return max(day, record.paid_on)


def forwards(apps, schema_editor):
    PrepaymentRecord = apps.get_model("screening", "PrepaymentRecord")
    PrepaymentRefund = apps.get_model("screening", "PrepaymentRefund")
    History = apps.get_model("screening", "HistoricalPrepaymentRefund")
    records = (
        PrepaymentRecord.objects.filter(refunded_amount__gt=0)
        .exclude(pk__in=PrepaymentRefund.objects.values("prepayment_id"))
        .order_by("pk")
    )
    batch = []
    for record in records.iterator(chunk_size=BATCH):
        batch.append(record)
        if len(batch) == BATCH:
            _write(batch, PrepaymentRefund, History)
            batch = []
    if batch:
        _write(batch, PrepaymentRefund, History)


def _write(records, PrepaymentRefund, History):
    entries = PrepaymentRefund.objects.bulk_create(
        [
            PrepaymentRefund(
                prepayment_id=record.pk,
                institution_id=record.institution_id,
                scope_path=record.scope_path,
                amount=record.refunded_amount,
                refunded_on=refund_day(record),
                notes=NOTE,
                created_by_id=record.created_by_id,
            )
            for record in records
        ]
    )
    by_record = {record.pk: record for record in records}
    for entry in entries:
        # When the refund was typed, as far as the record tells.
        entry.created_at = by_record[entry.prepayment_id].updated_at or entry.created_at
    PrepaymentRefund.objects.bulk_update(entries, ["created_at"])
    History.objects.bulk_create(
        [
            History(
                id=entry.pk,
                created_at=entry.created_at,
                amount=entry.amount,
                refunded_on=entry.refunded_on,
                notes=entry.notes,
                created_by_id=entry.created_by_id,
                institution_id=entry.institution_id,
                prepayment_id=entry.prepayment_id,
                reverses_id=None,
                history_date=entry.created_at,
                history_type="+",
                history_user_id=entry.created_by_id,
                history_change_reason=REASON,
            )
            for entry in entries
        ]
    )


def backwards(apps, schema_editor):
    """The ledger's sums and latest dates back onto the records; the entries go."""
    from django.db.models import Max, Sum

    PrepaymentRecord = apps.get_model("screening", "PrepaymentRecord")
    PrepaymentRefund = apps.get_model("screening", "PrepaymentRefund")
    History = apps.get_model("screening", "HistoricalPrepaymentRefund")
    sums = (
        PrepaymentRefund.objects.values("prepayment_id")
        .annotate(total=Sum("amount"), last=Max("refunded_on"))
        .order_by()
    )
    for row in sums:
        PrepaymentRecord.objects.filter(pk=row["prepayment_id"]).update(
            refunded_amount=row["total"], refunded_on=row["last"] if row["total"] else None
        )
    History.objects.all().delete()
    PrepaymentRefund.objects.filter(reverses__isnull=False).delete()
    PrepaymentRefund.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0013_prepayment_refund_ledger")]

    operations = [migrations.RunPython(forwards, backwards)]
