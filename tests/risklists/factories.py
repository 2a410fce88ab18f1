"""Rows the rating reads and writes, built the way the product builds them."""

from datetime import date
from decimal import Decimal

import factory
from django.db.models import Sum
from factory.django import DjangoModelFactory

from risklists.engine import Thresholds
from risklists.models import ThresholdVersion
from screening.models import (
    PrepaymentKind,
    PrepaymentRecord,
    PrepaymentRefund,
    ScreeningVisit,
    VisitStatus,
)


class ThresholdVersionFactory(DjangoModelFactory):
    class Meta:
        model = ThresholdVersion

    number = factory.Sequence(lambda n: n + 1)
    values = factory.LazyFunction(lambda: Thresholds().to_dict())


def pay(
    institution, payer, kind, amount, monthly_fee=None, promised=False, refunded_amount=0, **extra
):
    """A payment by an elder; ``refunded_amount``: refunded since, an entry of the ledger."""
    record = PrepaymentRecord.objects.create(
        institution=institution,
        payer_name=payer,
        kind=kind,
        amount=Decimal(amount),
        monthly_fee=Decimal(monthly_fee) if monthly_fee is not None else None,
        paid_on=date(2026, 1, 5),
        promised_return=promised,
        **extra,
    )
    if refunded_amount:
        refund(record, refunded_amount)
    return record


def refund(record, amount, on=date(2026, 2, 1)):
    """An entry of the refund ledger; the record's refunded amount is the ledger's sum, as
    ``screening.services.refunds`` keeps it."""
    entry = PrepaymentRefund.objects.create(
        prepayment=record,
        institution_id=record.institution_id,
        amount=Decimal(amount),
        refunded_on=on,
    )
    record.refunded_amount = record.refunds.aggregate(s=Sum("amount"))["s"]
    record.save()
    return entry


def invest(institution, payer="王奶奶", amount="80000"):
    """An investment-type payment: always a large prepayment (whatever the thresholds)."""
    return pay(institution, payer, PrepaymentKind.INVESTMENT, amount)


def visit(institution, staff, day=date(2026, 6, 1), status=VisitStatus.SUBMITTED, **findings):
    return ScreeningVisit.objects.create(
        institution=institution,
        visited_on=day,
        staff=staff,
        status=status,
        **findings,
    )
