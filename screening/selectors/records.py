"""What an institution's page shows of its screening: the latest visits, the prepayment
records and their totals, persons and roles, branches, registration changes, related
companies and finances; and the prepayment records to export."""

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from ..models import (
    Branch,
    FinancialSnapshot,
    PersonRole,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ScreeningVisit,
)

VISITS_SHOWN = 10
PREPAYMENTS_SHOWN = 10


def _latest(queryset, n):
    """The first ``n`` rows and whether there are more, in one query."""
    rows = list(queryset[: n + 1])
    return rows[:n], len(rows) > n


def institution_panels(user, institution) -> dict:
    """Everything the panels show, in a fixed number of queries whatever the record count."""

    def rows(model):
        return model.objects.visible_to(user).filter(institution=institution)

    visits, more_visits = _latest(
        rows(ScreeningVisit).select_related("staff").order_by("-visited_on", "-pk"), VISITS_SHOWN
    )
    prepayments, more_prepayments = _latest(
        rows(PrepaymentRecord).order_by("-paid_on", "-pk"), PREPAYMENTS_SHOWN
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(0, output_field=money)
    recorded = rows(PrepaymentRecord).aggregate(
        n=Count("pk"),
        payers=Count("payer_key", distinct=True),
        amount=Coalesce(Sum("amount"), zero, output_field=money),
        refunded=Coalesce(Sum("refunded_amount"), zero, output_field=money),
    )
    roles = list(rows(PersonRole).select_related("person").order_by("kind", "-started_on", "pk"))
    roles.sort(key=lambda role: role.ended_on is not None)  # current roles first
    return {
        "visits": visits,
        "more_visits": more_visits,
        "prepayments": prepayments,
        "more_prepayments": more_prepayments,
        "recorded": recorded,
        "roles": roles,
        "branches": list(rows(Branch).order_by("-opened_on", "-pk")),
        "changes": list(rows(RegistrationChange).order_by("-changed_on", "-pk")),
        "companies": list(rows(RelatedCompany).order_by("name", "pk")),
        "finances": list(rows(FinancialSnapshot).order_by("-as_of", "-pk")),
    }


def prepayments_for_export(user, institution):
    """Every prepayment record of ``institution`` the user sees, the oldest first."""
    return (
        PrepaymentRecord.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("institution")
        .order_by("paid_on", "pk")
    )
