"""What an institution's page shows of its screening: the latest visits, the prepayment
records and their totals, persons and roles, branches, registration changes, related
companies and finances, the determinations of illegal fundraising, the findings that stay
found and their resolutions, the self-checks (自查自改) and the public opinion events; and the
prepayment records to export."""

from django.db.models import Count, Max, Q

from core.db import fetch_shaped
from core.scoping import visibility_key

from ..models import (
    Branch,
    FinancialSnapshot,
    FindingResolution,
    FundraisingDetermination,
    OpinionEvent,
    PersonRole,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ScreeningVisit,
    SelfCheck,
)
from .findings import finding_rows, standing_from_rows, standing_reads
from .refunds import ledger_reads, ledger_totals_of

VISITS_SHOWN = 10
PREPAYMENTS_SHOWN = 10
OPINION_EVENTS_SHOWN = 5


# Facts other panels of the institution page show too, read by the same selectors: the panel
# that reads one first keeps it for the request (``core.pagefacts``) under these keys.
LEDGER = "screening.ledger"  # RefundTotals: ledger_totals_of(ledger_reads([pk]))
STANDING = "screening.standing"  # {fact: Source}: standing_from_rows(standing_reads(…))


def institution_panels(user, institution, *, money=None, findings=None) -> dict:
    """Everything the panels show, in one query whatever the record count. ``money`` (the
    ledger's ``RefundTotals``) and ``findings`` (the standing findings) when another panel
    of the page has read them already."""
    pk = institution.pk
    read_money, read_findings = money is None, findings is None

    def build(pk):
        def rows(model):
            return model.objects.visible_to(user).filter(institution=pk)

        return [
            # One more than shown: whether there are more.
            rows(ScreeningVisit)
            .select_related("staff")
            .order_by("-visited_on", "-pk")[: VISITS_SHOWN + 1],
            rows(PrepaymentRecord).order_by("-paid_on", "-pk")[: PREPAYMENTS_SHOWN + 1],
            rows(PrepaymentRecord)
            .order_by()
            .values("institution")
            .annotate(n=Count("pk"))
            .values("n"),
            rows(PersonRole).select_related("person").order_by("kind", "-started_on", "pk"),
            rows(Branch).order_by("-opened_on", "-pk"),
            rows(RegistrationChange).order_by("-changed_on", "-pk"),
            rows(RelatedCompany).order_by("name", "pk"),
            rows(FinancialSnapshot).order_by("-as_of", "-pk"),
            rows(FindingResolution).select_related("resolved_by").order_by("-resolved_at", "-pk"),
            # 自查自改: one per round, so a handful.
            rows(SelfCheck).order_by("-checked_on", "-pk"),
            rows(OpinionEvent).order_by("-found_on", "-pk")[: OPINION_EVENTS_SHOWN + 1],
            rows(FundraisingDetermination)
            .select_related("recorded_by")
            .order_by("-determined_on", "-pk"),
            # Paid and refunded from the refund ledger, as disposal's panel and pages read them.
            *(ledger_reads([pk]) if read_money else []),
            *(standing_reads({"institution_id": pk}) if read_findings else []),
        ]

    key = ("screening.institution_panels", visibility_key(user), read_money, read_findings)
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
        self_checks,
        opinion_events,
        determinations,
        *rest,
    ) = fetch_shaped(key, build, pk)
    if read_money:
        money = ledger_totals_of([pk], rest.pop(0))[pk]
    if read_findings:
        findings = standing_from_rows({pk}, *rest).get(pk, {})
    roles.sort(key=lambda role: role.ended_on is not None)  # current roles first
    return {
        "visits": visits[:VISITS_SHOWN],
        "more_visits": len(visits) > VISITS_SHOWN,
        "prepayments": prepayments[:PREPAYMENTS_SHOWN],
        "more_prepayments": len(prepayments) > PREPAYMENTS_SHOWN,
        "recorded": {
            "n": recorded[0]["n"] if recorded else 0,
            "payers": money.payers,
            "amount": money.due,
            "refunded": money.refunded,
        },
        "roles": roles,
        "branches": branches,
        "changes": changes,
        "companies": companies,
        "finances": finances,
        # 衡山县 §二.二 调查认定: what the competent authority determined, the latest first.
        "determinations": determinations,
        # Findings that stay found until the county resolves them, and the resolutions.
        "findings": finding_rows(findings),
        "resolutions": resolutions,
        "self_checks": self_checks,
        "opinion_events": opinion_events[:OPINION_EVENTS_SHOWN],
        "more_opinion_events": len(opinion_events) > OPINION_EVENTS_SHOWN,
    }


def prepayments_for_export(user, institution):
    """Every prepayment record of ``institution`` the user sees, the oldest first, with the
    date of its latest refund not reversed (``last_refunded_on``)."""
    return (
        PrepaymentRecord.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("institution")
        .annotate(
            last_refunded_on=Max(
                "refunds__refunded_on",
                filter=Q(refunds__reverses__isnull=True, refunds__reversal__isnull=True),
            )
        )
        .order_by("paid_on", "pk")
    )
