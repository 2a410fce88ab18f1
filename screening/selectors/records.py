"""What an institution's page shows of its screening: the latest visits, the prepayment
records and their totals, persons and roles, branches, registration changes, related
companies and finances, the findings that stay found and their resolutions; and the
prepayment records to export."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from core.db import fetch_together

from ..models import (
    Branch,
    FinancialSnapshot,
    FindingResolution,
    PersonRole,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ScreeningVisit,
)
from .findings import finding_rows, standing_from_rows, standing_reads

ZERO = Decimal("0")
VISITS_SHOWN = 10
PREPAYMENTS_SHOWN = 10


def institution_panels(user, institution) -> dict:
    """Everything the panels show, in one query whatever the record count."""

    def rows(model):
        return model.objects.visible_to(user).filter(institution=institution)

    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(0, output_field=money)
    (
        visits,
        prepayments,
        recorded,
        roles,
        branches,
        changes,
        companies,
        finances,
        resolutions,
        *standing,
    ) = fetch_together(
        # One more than shown: whether there are more.
        rows(ScreeningVisit)
        .select_related("staff")
        .order_by("-visited_on", "-pk")[: VISITS_SHOWN + 1],
        rows(PrepaymentRecord).order_by("-paid_on", "-pk")[: PREPAYMENTS_SHOWN + 1],
        rows(PrepaymentRecord)
        .order_by()
        .values("institution")
        .annotate(
            n=Count("pk"),
            payers=Count("payer_key", distinct=True),
            amount=Coalesce(Sum("amount"), zero, output_field=money),
            refunded=Coalesce(Sum("refunded_amount"), zero, output_field=money),
        )
        .values("n", "payers", "amount", "refunded"),
        rows(PersonRole).select_related("person").order_by("kind", "-started_on", "pk"),
        rows(Branch).order_by("-opened_on", "-pk"),
        rows(RegistrationChange).order_by("-changed_on", "-pk"),
        rows(RelatedCompany).order_by("name", "pk"),
        rows(FinancialSnapshot).order_by("-as_of", "-pk"),
        rows(FindingResolution).select_related("resolved_by").order_by("-resolved_at", "-pk"),
        *standing_reads({"institution_id": institution.pk}),
    )
    findings = standing_from_rows({institution.pk}, *standing).get(institution.pk, {})
    roles.sort(key=lambda role: role.ended_on is not None)  # current roles first
    return {
        "visits": visits[:VISITS_SHOWN],
        "more_visits": len(visits) > VISITS_SHOWN,
        "prepayments": prepayments[:PREPAYMENTS_SHOWN],
        "more_prepayments": len(prepayments) > PREPAYMENTS_SHOWN,
        "recorded": recorded[0]
        if recorded
        else {"n": 0, "payers": 0, "amount": ZERO, "refunded": ZERO},
        "roles": roles,
        "branches": branches,
        "changes": changes,
        "companies": companies,
        "finances": finances,
        # Findings that stay found until the county resolves them, and the resolutions.
        "findings": finding_rows(findings),
        "resolutions": resolutions,
    }


def prepayments_for_export(user, institution):
    """Every prepayment record of ``institution`` the user sees, the oldest first."""
    return (
        PrepaymentRecord.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("institution")
        .order_by("paid_on", "pk")
    )
