"""Rows the rating reads and writes, built the way the product builds them."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from risklists.engine import Thresholds
from risklists.models import ThresholdVersion
from screening.models import (
    PrepaymentKind,
    PrepaymentRecord,
    ScreeningVisit,
    VisitStatus,
)


class ThresholdVersionFactory(DjangoModelFactory):
    class Meta:
        model = ThresholdVersion

    number = factory.Sequence(lambda n: n + 1)
    values = factory.LazyFunction(lambda: Thresholds().to_dict())


def pay(institution, payer, kind, amount, monthly_fee=None, promised=False, **extra):
    return PrepaymentRecord.objects.create(
        institution=institution,
        payer_name=payer,
        kind=kind,
        amount=Decimal(amount),
        monthly_fee=Decimal(monthly_fee) if monthly_fee is not None else None,
        paid_on=date(2026, 1, 5),
        promised_return=promised,
        **extra,
    )


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
