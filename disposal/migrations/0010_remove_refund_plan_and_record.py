"""Refunds live in one ledger (``screening.PrepaymentRefund``, moved there by ``0009``):
disposal's own refunds owed and paid go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disposal", "0009_refunds_into_the_prepayment_ledger")]

    operations = [
        migrations.DeleteModel(name="HistoricalRefundRecord"),
        migrations.DeleteModel(name="RefundRecord"),
        migrations.DeleteModel(name="HistoricalRefundPlan"),
        migrations.DeleteModel(name="RefundPlan"),
    ]
