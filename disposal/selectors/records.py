"""Reads of the records kept per institution: refunds owed, each with what was refunded and
what is outstanding, and their totals per institution, in set-based queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..models import RefundPlan, RefundRecord

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def refunded_subquery():
    return Coalesce(
        Subquery(
            RefundRecord.objects.filter(plan=OuterRef("pk"))
            .values("plan")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def refund_plans(institution):
    """An institution's refunds owed, each with ``refunded`` and ``outstanding``."""
    return (
        RefundPlan.objects.filter(institution=institution)
        .annotate(refunded=refunded_subquery())
        .annotate(outstanding=F("amount_due") - F("refunded"))
        .order_by("payer_name", "pk")
    )


@dataclass
class RefundTotals:
    payers: int = 0
    due: Decimal = ZERO
    refunded: Decimal = ZERO
    payers_settled: int = 0

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.refunded


def refund_totals(institution_ids) -> dict[int, RefundTotals]:
    """Per institution: total due, total refunded (the sum of refunds paid), payers settled."""
    result = {pk: RefundTotals() for pk in institution_ids}
    plans = (
        RefundPlan.objects.filter(institution_id__in=list(result))
        .annotate(refunded=refunded_subquery())
        .values_list("institution_id", "amount_due", "refunded")
    )
    for pk, due, refunded in plans:
        totals = result[pk]
        totals.payers += 1
        totals.due += due
        totals.refunded += refunded
        totals.payers_settled += refunded >= due
    return result
