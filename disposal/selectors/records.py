"""Reads of the records kept per institution: refunds owed, each with what was refunded and
what is outstanding, and their totals per institution, in set-based queries; the versions
of the "一院一策" plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core import clock
from core.asof import recorded_by, value_as_of

from ..models import InstitutionPlan, RefundPlan, RefundRecord

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def paid_by(as_of: date | datetime | None, since: date | None = None) -> Q:
    """Refunds paid on or before ``as_of``: dated by then and, for a moment, entered by
    then (a refund entered later, whatever its date, was not known at that moment); and
    on or after ``since`` when given (a campaign's refunds)."""
    q = Q(refunded_on__gte=since) if since is not None else Q()
    if as_of is None:
        return q
    if isinstance(as_of, datetime):
        return q & Q(refunded_on__lte=clock.localdate(as_of), created_at__lte=as_of)
    return q & Q(refunded_on__lte=as_of)


def refunded_subquery(as_of: date | datetime | None = None, since: date | None = None):
    return Coalesce(
        Subquery(
            RefundRecord.objects.filter(paid_by(as_of, since), plan=OuterRef("pk"))
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


def refund_totals(
    institution_ids, as_of: date | datetime | None = None, since: date | None = None
) -> dict[int, RefundTotals]:
    """Per institution: total due, total refunded (the sum of refunds paid), payers settled.

    ``institution_ids``: ids, or a queryset of institutions (read as a subquery: a province's
    ids are not sent back and forth); a queryset gives only the institutions with a refund
    owed. ``as_of`` (a date, or a moment such as a pack's cut-off): refunds paid on or
    before it, and refunds owed as they stood then; ``since``: refunds paid on or after it
    (a campaign's)."""
    if isinstance(institution_ids, QuerySet):
        return refund_totals_of(None, refund_rows(institution_ids.values("pk"), as_of, since))
    ids = list(institution_ids)
    return refund_totals_of(ids, refund_rows(ids, as_of, since))


def refund_rows(institution_ids, as_of: date | datetime | None = None, since: date | None = None):
    """The rows ``refund_totals_of`` adds up: institution, due and refunded per refund owed."""
    if not isinstance(institution_ids, QuerySet):
        institution_ids = list(institution_ids)
    plans = RefundPlan.objects.filter(institution_id__in=institution_ids)
    due = F("amount_due")
    if isinstance(as_of, datetime):
        plans = plans.filter(recorded_by(as_of))
        due = value_as_of(RefundPlan, "amount_due", as_of)
    return (
        plans.annotate(refunded=refunded_subquery(as_of, since), due_then=due)
        .order_by()
        .values_list("institution_id", "due_then", "refunded")
    )


def refund_totals_of(institution_ids, rows) -> dict[int, RefundTotals]:
    """``institution_ids`` None: only the institutions ``rows`` name."""
    result = {pk: RefundTotals() for pk in institution_ids or ()}
    for pk, due, refunded in rows:
        totals = result.get(pk)
        if totals is None:
            totals = result[pk] = RefundTotals()
        totals.payers += 1
        totals.due += due
        totals.refunded += refunded
        totals.payers_settled += refunded >= due
    return result


def refunds_with_payments(user, institution) -> tuple[list, dict]:
    """The refunds owed by ``institution`` that the user sees, each with ``refunded``,
    ``outstanding`` and its ``payments``; and their totals (due, refunded, outstanding).
    Two queries, whatever the number of elders."""
    plans = list(
        refund_plans(institution).filter(pk__in=RefundPlan.objects.visible_to(user).values("pk"))
    )
    records = (
        RefundRecord.objects.visible_to(user)
        .filter(institution=institution)
        .order_by("refunded_on", "pk")
    )
    by_plan = {}
    for record in records:
        by_plan.setdefault(record.plan_id, []).append(record)
    for plan in plans:
        plan.payments = by_plan.get(plan.pk, [])
    totals = {
        "due": sum((p.amount_due for p in plans), ZERO),
        "refunded": sum((p.refunded for p in plans), ZERO),
    }
    totals["outstanding"] = totals["due"] - totals["refunded"]
    return plans, totals


def plan_versions(user, institution) -> list:
    """The versions of an institution's "一院一策" plan the user sees, the latest first."""
    return list(
        InstitutionPlan.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("created_by")
        .order_by("-version")
    )
