"""A refund's date lives on its ledger entry; the record's own date field goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("screening", "0014_refunds_into_the_ledger")]

    operations = [
        migrations.RemoveField(model_name="historicalprepaymentrecord", name="refunded_on"),
        migrations.RemoveField(model_name="prepaymentrecord", name="refunded_on"),
    ]
