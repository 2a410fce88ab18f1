"""Reads behind the visit pages: the institutions to choose from when recording a visit,
who submitted a visit; and the registry's 收取大额预付费 derived from what the visits found."""

from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from core.search import search_q
from institutions.models import Institution

from ..models import ScreeningVisit, VisitStatus, YesNoUnknown


def institutions_to_visit(user, q: str = ""):
    """Active institutions and venues the user sees, found by name, address or credit code."""
    institutions = (
        Institution.objects.visible_to(user)
        .active()
        .select_related("township")
        .order_by("township__path", "name")
    )
    if q:
        institutions = institutions.filter(
            search_q(q, "name__icontains", "actual_address__icontains", "credit_code__iexact")
        )
    return institutions


def submitted_by(history):
    """Who submitted the visit: the oldest record of the latest run of submitted records."""
    who = None
    for entry in history:  # newest first
        if entry.record.status != VisitStatus.SUBMITTED:
            break
        who = entry.record.history_user
    return who


# --- 收取大额预付费: the registry flag against what the visits found ---------------------------


def latest_large_prepayment_answer() -> Subquery:
    """For an institution (``OuterRef("pk")``): what the latest submitted visit that answered
    是否收取大额预付费 found, ``yes`` or ``no``; None when no visit answered."""
    return Subquery(
        ScreeningVisit.objects.filter(
            institution=OuterRef("pk"),
            status=VisitStatus.SUBMITTED,
            large_prepayment_found__in=(YesNoUnknown.YES, YesNoUnknown.NO),
        )
        .order_by("-visited_on", "-pk")
        .values("large_prepayment_found")[:1]
    )


def flag_disagrees_q() -> Q:
    """The registry's typed 收取大额预付费 says the opposite of the latest visit's answer
    (on institutions annotated by ``with_large_prepayment_flag``)."""
    return Q(visit_large_prepayment=YesNoUnknown.YES, collects_large_prepayment=False) | Q(
        visit_large_prepayment=YesNoUnknown.NO, collects_large_prepayment=True
    )


def with_large_prepayment_flag(institutions):
    """Institutions annotated with the registry's 收取大额预付费 as derived from the findings:

    - ``visit_large_prepayment``: the latest submitted visit's answer (``yes``/``no``/None);
    - ``large_prepayment_flag``: that answer where a visit gave one, else the value typed on
      the registry (a venue entered as collecting before anyone visited it);
    - ``large_prepayment_disagrees``: the typed value says otherwise than the visit, which
      the "四看" 一看 review and the institution page show until someone corrects it.

    The rating reads ``large_prepayment_flag`` (``risklists.figures``), with the prepayment
    records: a venue flagged as collecting is never "没有收取大额预付费".
    """
    return institutions.annotate(visit_large_prepayment=latest_large_prepayment_answer()).annotate(
        large_prepayment_flag=Case(
            When(visit_large_prepayment=YesNoUnknown.YES, then=Value(True)),
            When(visit_large_prepayment=YesNoUnknown.NO, then=Value(False)),
            default=F("collects_large_prepayment"),
            output_field=BooleanField(),
        ),
        large_prepayment_disagrees=Case(
            When(flag_disagrees_q(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def large_prepayment_flags(where: dict) -> QuerySet:
    """``(institution id, derived flag, typed flag, latest visit's answer, whether they
    disagree)`` of the institutions ``where`` selects (a filter on ``Institution``)."""
    return (
        with_large_prepayment_flag(Institution.objects.filter(**where))
        .order_by()
        .values_list(
            "pk",
            "large_prepayment_flag",
            "collects_large_prepayment",
            "visit_large_prepayment",
            "large_prepayment_disagrees",
        )
    )
