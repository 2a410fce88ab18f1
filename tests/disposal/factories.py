"""Factories of disposal rows (actions come from ``apply_level``, as in the product)."""

from datetime import date
from decimal import Decimal

import factory
from django.db.models import Sum
from factory.django import DjangoModelFactory

from disposal.models import (
    Assistance,
    AssistanceKind,
    Authority,
    DestinationKind,
    Penalty,
    PenaltyGround,
    PenaltyKind,
    Resettlement,
    Transfer,
)
from screening.models import PrepaymentKind, PrepaymentRecord, PrepaymentRefund


class ResettlementFactory(DjangoModelFactory):
    class Meta:
        model = Resettlement

    elder_name = factory.Sequence(lambda n: f"安置老人{n}")
    destination_kind = DestinationKind.INSTITUTION
    destination = "衡山县开云镇敬老院"
    resettled_on = date(2026, 3, 1)


class AssistanceFactory(DjangoModelFactory):
    class Meta:
        model = Assistance

    elder_name = factory.Sequence(lambda n: f"救助老人{n}")
    kind = AssistanceKind.TEMPORARY
    granted_on = date(2026, 3, 1)


class TransferFactory(DjangoModelFactory):
    class Meta:
        model = Transfer

    authority = Authority.MARKET_REGULATION
    receiving_unit = "衡山县市场监督管理局"
    transferred_on = date(2026, 3, 1)


class PrepaymentFactory(DjangoModelFactory):
    class Meta:
        model = PrepaymentRecord

    payer_name = factory.Sequence(lambda n: f"缴费老人{n}")
    kind = PrepaymentKind.MEMBERSHIP
    amount = Decimal("20000.00")
    paid_on = date(2025, 6, 1)


class RefundFactory(DjangoModelFactory):
    """An entry of the refund ledger against a prepayment record; the record's refunded
    amount is brought to the ledger's sum, as ``screening.services.refunds`` does."""

    class Meta:
        model = PrepaymentRefund

    prepayment = factory.SubFactory(PrepaymentFactory)
    institution = factory.SelfAttribute("prepayment.institution")
    amount = Decimal("1000.00")
    refunded_on = date(2026, 3, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        refund = super()._create(model_class, *args, **kwargs)
        record = refund.prepayment
        record.refunded_amount = record.refunds.aggregate(s=Sum("amount"))["s"]
        record.save()
        return refund


class PenaltyFactory(DjangoModelFactory):
    """A fine by market regulation against the institution (no person named)."""

    class Meta:
        model = Penalty

    kind = PenaltyKind.ADMINISTRATIVE
    ground = PenaltyGround.ILLEGAL_FUNDRAISING
    authority = "衡山县市场监督管理局"
    document_number = factory.Sequence(lambda n: f"衡市监罚〔2026〕{n + 1}号")
    decided_on = date(2026, 3, 1)
    summary = "以承诺返利为名收取老年人预付费，罚款10万元。"
