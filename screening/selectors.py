"""Figures derived from the screening records, for any number of institutions at once.

Everything the rating needs is computed here from dated rows (prepayments, roles,
changes, branches, outside records, visits), never typed twice. Each figure is one
set-based query over all the institutions asked for, so the cost in queries is the same
for one institution and for fifty thousand; the rating's facts builder and the
institution page both read from here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    BlacklistEntry,
    Branch,
    ChangeKind,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    Lead,
    MatchStatus,
    PersonRole,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ScreeningVisit,
    VisitStatus,
)

ZERO = Decimal("0")
COUNTED = (MatchStatus.MATCHED, MatchStatus.CONFIRMED)
PREPAID_FEE_KINDS = (
    PrepaymentKind.MEMBERSHIP,
    PrepaymentKind.TOP_UP,
    PrepaymentKind.PREPAID_BED_FEE,
)
DEPOSIT_FALLBACK = Decimal("50000")


@dataclass
class DerivedFigures:
    """Per institution; neutral defaults when there is nothing on record."""

    large_prepayment_total: Decimal = ZERO
    large_prepayment_payers: int = 0
    prepayment_total: Decimal = ZERO
    prepayment_payers: int = 0
    max_prepaid_months: int | None = None
    max_deposit_ratio: Decimal | None = None
    fund_use: str = ""
    assets: Decimal | None = None
    liabilities: Decimal | None = None
    net_fixed_assets: Decimal | None = None
    branches_opened_3y: int = 0
    legal_rep_changes_2y: int = 0
    address_changes_2y: int = 0
    false_advertising: bool = False
    related_party_transactions: bool = False
    person_economic_crime_suit: bool = False
    complaints: int = 0
    person_blacklisted: bool = False
    promised_returns: bool = False
    suspected_crime: bool = False
    collapsed: bool = False
    public_opinion: bool = False
    # Which payers' prepayments count as large, for the institution page's evidence.
    large_payer_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def _ids_filter(institution_ids, prefix="institution"):
    """A filter on the institution: a subquery for a queryset, an IN list otherwise."""
    if isinstance(institution_ids, QuerySet):
        if institution_ids.query.values_select:
            return {f"{prefix}__in": institution_ids}
        return {f"{prefix}__in": institution_ids.values("pk")}
    return {f"{prefix}__in": list(institution_ids)}


def derived_figures(institution_ids, *, thresholds=None, today: date | None = None):
    """``{institution_id: DerivedFigures}`` for every institution asked for."""
    if thresholds is None:
        from risklists.engine import Thresholds

        thresholds = Thresholds()
    today = today or timezone.localdate()
    if isinstance(institution_ids, QuerySet):
        ids = list(
            institution_ids.values_list("pk", flat=True)
            if not institution_ids.query.values_select
            else institution_ids
        )
    else:
        ids = list(institution_ids)
    result = {pk: DerivedFigures() for pk in ids}
    if not ids:
        return result
    where = _ids_filter(institution_ids)

    _prepayments(result, where, thresholds)
    _visits(result, where)
    _finances(result, where)
    _dated_counts(result, where, today)
    _related_companies(result, where)
    _outside_records(result, where)
    return result


def _prepayments(result, where, thresholds):
    """Per payer, the outstanding amounts by kind; then what counts as large (SPEC §3)."""
    money = DecimalField(max_digits=16, decimal_places=2)
    outstanding = Coalesce("amount", Value(ZERO)) - Coalesce("refunded_amount", Value(ZERO))

    def kind_sum(*kinds, promised=False):
        condition = Q(kind__in=kinds) & (Q(promised_return=True) if promised else Q())
        return Coalesce(
            Sum(outstanding, filter=condition, output_field=money),
            Value(ZERO),
            output_field=money,
        )

    payers = (
        PrepaymentRecord.objects.filter(**where)
        .values("institution_id", "payer_key")
        .annotate(
            fees=kind_sum(*PREPAID_FEE_KINDS),
            fee_monthly=Max("monthly_fee", filter=Q(kind__in=PREPAID_FEE_KINDS)),
            fee_months=Max("months_covered", filter=Q(kind__in=PREPAID_FEE_KINDS)),
            deposits=kind_sum(PrepaymentKind.DEPOSIT),
            deposit_monthly=Max("monthly_fee", filter=Q(kind=PrepaymentKind.DEPOSIT)),
            investments=kind_sum(PrepaymentKind.INVESTMENT),
            promised_fees=kind_sum(*PREPAID_FEE_KINDS, promised=True),
            promised_deposits=kind_sum(PrepaymentKind.DEPOSIT, promised=True),
            promised_any=Count("pk", filter=Q(promised_return=True)),
        )
        .order_by()
    )
    fee_months = Decimal(thresholds.prepaid_fee_months)
    deposit_months = Decimal(thresholds.deposit_months)
    fallback = Decimal(thresholds.large_amount_fee_unknown)
    for row in payers:
        figures = result[row["institution_id"]]
        fees, deposits = row["fees"] or ZERO, row["deposits"] or ZERO
        investments = row["investments"] or ZERO
        total = fees + deposits + investments
        if total > 0:
            figures.prepayment_total += total
            figures.prepayment_payers += 1
        fee_monthly, deposit_monthly = row["fee_monthly"], row["deposit_monthly"]

        fees_large = deposits_large = False
        if fees > 0:
            if fee_monthly:
                fees_large = fees > fee_months * fee_monthly
                months = math.ceil(fees / fee_monthly)
                figures.max_prepaid_months = max(figures.max_prepaid_months or 0, months)
            else:
                fees_large = fees >= fallback
            if row["fee_months"]:
                figures.max_prepaid_months = max(figures.max_prepaid_months or 0, row["fee_months"])
        if deposits > 0:
            if deposit_monthly:
                ratio = (deposits / deposit_monthly).quantize(Decimal("0.01"))
                figures.max_deposit_ratio = max(figures.max_deposit_ratio or ZERO, ratio)
                deposits_large = deposits > deposit_months * deposit_monthly
            else:
                deposits_large = deposits >= DEPOSIT_FALLBACK
        # Any investment-type payment, and any payment with a promised return, is large.
        large = investments
        large += fees if fees_large else row["promised_fees"] or ZERO
        large += deposits if deposits_large else row["promised_deposits"] or ZERO
        if row["promised_any"]:
            figures.promised_returns = True
        if large > 0:
            figures.large_prepayment_total += large
            figures.large_prepayment_payers += 1
            figures.large_payer_keys.append(row["payer_key"])


def _visits(result, where):
    """The findings of each institution's latest submitted visit."""
    visits = (
        ScreeningVisit.objects.filter(status=VisitStatus.SUBMITTED, **where)
        .order_by("institution_id", "-visited_on", "-pk")
        .values_list(
            "institution_id",
            "fund_use",
            "false_advertising",
            "promised_returns",
            "suspected_crime",
            "collapsed",
            "public_opinion",
        )
    )
    seen = set()
    for pk, fund_use, false_ad, promised, crime, collapsed, opinion in visits:
        if pk in seen:
            continue
        seen.add(pk)
        figures = result[pk]
        figures.fund_use = fund_use or ""
        figures.false_advertising = false_ad
        figures.promised_returns = figures.promised_returns or promised
        figures.suspected_crime = crime
        figures.collapsed = collapsed
        figures.public_opinion = opinion


def _finances(result, where):
    snapshots = (
        FinancialSnapshot.objects.filter(**where)
        .order_by("institution_id", "-as_of", "-pk")
        .values_list("institution_id", "total_assets", "total_liabilities", "net_fixed_assets")
    )
    seen = set()
    for pk, assets, liabilities, net_fixed in snapshots:
        if pk in seen:
            continue
        seen.add(pk)
        result[pk].assets, result[pk].liabilities = assets, liabilities
        result[pk].net_fixed_assets = net_fixed


def _dated_counts(result, where, today):
    three_years, two_years = months_before(today, 36), months_before(today, 24)
    for pk, n in (
        Branch.objects.filter(opened_on__gt=three_years, opened_on__lte=today, **where)
        .values("institution_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("institution_id", "n")
    ):
        result[pk].branches_opened_3y = n
    changes = (
        RegistrationChange.objects.filter(
            changed_on__gt=two_years,
            changed_on__lte=today,
            kind__in=[ChangeKind.LEGAL_REPRESENTATIVE, ChangeKind.REGISTERED_ADDRESS],
            **where,
        )
        .values("institution_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("institution_id", "kind", "n")
    )
    for pk, kind, n in changes:
        if kind == ChangeKind.LEGAL_REPRESENTATIVE:
            result[pk].legal_rep_changes_2y = n
        else:
            result[pk].address_changes_2y = n


def _related_companies(result, where):
    for pk in (
        RelatedCompany.objects.filter(has_transactions=True, **where)
        .values_list("institution_id", flat=True)
        .distinct()
    ):
        result[pk].related_party_transactions = True


def _outside_records(result, where):
    """Suits, blacklists and complaints on the institution or its current key persons."""
    persons = defaultdict(set)  # person_id -> institutions where they hold a current role
    for pk, person_id in PersonRole.objects.filter(ended_on__isnull=True, **where).values_list(
        "institution_id", "person_id"
    ):
        persons[person_id].add(pk)
    person_subquery = PersonRole.objects.filter(ended_on__isnull=True, **where).values("person_id")

    def institutions_of(institution_id, person_id):
        hits = set(persons.get(person_id, ()))
        if institution_id in result:
            hits.add(institution_id)
        return hits

    for person_id in Lawsuit.objects.filter(
        economic_crime=True, match_status__in=COUNTED, person_id__in=person_subquery
    ).values_list("person_id", flat=True):
        for target in persons.get(person_id, ()):
            result[target].person_economic_crime_suit = True

    on_subject = Q(**where) | Q(person_id__in=person_subquery)
    for pk, person_id in BlacklistEntry.objects.filter(
        on_subject, match_status__in=COUNTED, removed_on__isnull=True
    ).values_list("institution_id", "person_id"):
        for target in institutions_of(pk, person_id):
            result[target].person_blacklisted = True

    for pk, person_id in Complaint.objects.filter(on_subject, match_status__in=COUNTED).values_list(
        "institution_id", "person_id"
    ):
        for target in institutions_of(pk, person_id):
            result[target].complaints += 1

    for pk, n in (
        Lead.objects.filter(**where)
        .exclude(is_fraud_related=False)
        .values("institution_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("institution_id", "n")
    ):
        result[pk].complaints += n
