"""The figures the rating derives from the screening records, for any number of
institutions at once: the one home of "what the records say".

Everything the rating reads is computed here from dated rows (prepayments, roles, changes,
branches, outside records, visits), never typed twice. What counts as a large prepayment
depends on the thresholds in force for the institution's county, so they are a required
argument: the facts builder (``facts.py``) and every page that shows a derived figure pass
the same thresholds, and show the same verdict. Each figure is one set-based query over
all the institutions asked for, so the cost in queries is the same for one institution and
for fifty thousand.

``DerivedFigures`` carries every fact of the engine's ``Facts`` but the registry's own two
(``REGISTRY_FACTS``), plus what only the institution page shows (``PAGE_ONLY``); a test
holds the two classes together.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from core.clock import months_before
from core.db import RawRows, fetch_shaped, fetch_together, fetch_values, id_array
from screening.models import (
    BlacklistEntry,
    Branch,
    ChangeKind,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    Lead,
    LeadStatus,
    MatchStatus,
    PersonRole,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    ScreeningVisit,
    SourceKind,
    Verification,
    VisitStatus,
)
from screening.selectors.findings import (
    Source,
    determinations_from_rows,
    standing_from_rows,
    standing_reads,
)
from screening.selectors.refunds import prepayments_then
from screening.selectors.visits import large_prepayment_flags

from .engine import Thresholds

ZERO = Decimal("0")
COUNTED = (MatchStatus.MATCHED, MatchStatus.CONFIRMED)
PREPAID_FEE_KINDS = (
    PrepaymentKind.MEMBERSHIP,
    PrepaymentKind.TOP_UP,
    PrepaymentKind.PREPAID_BED_FEE,
)
# For one institution (its page, its re-rating after a change) every figure's query goes in
# one statement (core.db.fetch_together): the same queries, one round trip. Lists and
# reports of many institutions keep a statement per figure, whatever their number.
TOGETHER_MAX = 1
# The facts the registry row gives (not the records), and what only the page shows.
REGISTRY_FACTS = ("registered", "beds")
PAGE_ONLY = (
    "large_payer_keys",
    "large_prepayment_typed",
    "large_prepayment_visit",
    "large_prepayment_disagrees",
    "standing",
)


@dataclass
class DerivedFigures:
    """Per institution; neutral defaults when there is nothing on record."""

    large_prepayment_total: Decimal = ZERO
    large_prepayment_payers: int = 0
    # The registry's 收取大额预付费 derived from the findings (the latest visit's answer, else
    # the typed value): ``screening.selectors.visits.with_large_prepayment_flag``.
    large_prepayment_flagged: bool = False
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
    # 属于非法集资的: a determination of the competent authority says so (engine.Facts).
    illegal_fundraising: bool = False
    collapsed: bool = False
    public_opinion: bool = False
    # Which payers' prepayments count as large, for the institution page's evidence.
    large_payer_keys: list[str] = field(default_factory=list)
    # {fact: (source, ...)}: the records that established a standing finding, and the
    # complaints and leads that counted (engine.Facts.sources).
    sources: dict = field(default_factory=dict)
    # What the registry says typed and what the latest visit answered ("yes"/"no"/None):
    # the page shows where they disagree.
    large_prepayment_typed: bool = False
    large_prepayment_visit: str | None = None
    large_prepayment_disagrees: bool = False
    # {fact: Source}: the standing findings themselves (``standing_from_rows``), which the
    # page lists beside the figures.
    standing: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _ids_filter(institution_ids, prefix="institution"):
    """A filter on the institution: a subquery for a queryset; for ids, their range alone
    when they fill at least half of it, else the ids as one array within their range.

    The filter may match rows of other institutions (within the range): the callers
    skip the rows of institutions they were not asked about.
    """
    if isinstance(institution_ids, QuerySet):
        if institution_ids.query.values_select:
            return {f"{prefix}__in": institution_ids}
        return {f"{prefix}__in": institution_ids.values("pk")}
    ids = list(institution_ids)
    if not ids:
        return {f"{prefix}__in": id_array(ids)}
    low, high = min(ids), max(ids)
    # A chunk of the nightly rating is a run of consecutive ids: the range alone lets the
    # database read each table's index in order, without an array of thousands of ids to
    # send, parse and join at every query (a few archived ids in the range cost less).
    where = {f"{prefix}__gte": low, f"{prefix}__lte": high}
    if high - low + 1 > 2 * len(ids):
        where[f"{prefix}__in"] = id_array(ids)
    return where


def derived_figures(
    institution_ids,
    *,
    thresholds: Thresholds,
    today: date,
    payer_keys: bool = True,
    prepayments_at: datetime | None = None,
) -> dict[int, DerivedFigures]:
    """``{institution_id: DerivedFigures}`` for every institution asked for, with the
    ``thresholds`` in force for them (``thresholds_for``) on ``today``.

    ``payer_keys=False`` leaves ``large_payer_keys`` empty (the rating does not read them).
    ``prepayments_at`` (a pack's cut-off) reads the prepayment figures as they stood then
    (``screening.selectors.refunds.prepayments_then``: entered and paid by then, amounts and
    refunds as the records then read); the other figures are now's.
    """
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
    if len(ids) == 1 and not isinstance(institution_ids, QuerySet):
        # One institution (its page, its re-rating): the statement compiled once per day and
        # thresholds, the institution's id bound at each call.
        def build(pk):
            steps = _steps([pk], thresholds, today, payer_keys, prepayments_at)
            return [read for step_reads, _consume in steps for read in step_reads]

        key = ("risklists.derived_figures", thresholds, today, payer_keys, prepayments_at)
        fetched = iter(fetch_shaped(key, build, ids[0]))
        layout = _layout()
    else:
        steps = _steps(institution_ids, thresholds, today, payer_keys, prepayments_at)
        reads = [read for step_reads, _consume in steps for read in step_reads]
        if len(ids) <= TOGETHER_MAX:
            fetched = iter(fetch_together(*reads))
        else:
            fetched = iter(_fetch(read) for read in reads)
        layout = [(len(step_reads), consume) for step_reads, consume in steps]
    for count, consume in layout:
        consume(result, *(next(fetched) for _read in range(count)))
    return result


@functools.cache
def _layout():
    """How many reads each step gives, and the function that takes their rows: the same for
    any institutions, thresholds and day."""
    steps = _steps([1], Thresholds(), date(2000, 1, 1), payer_keys=True)
    return [(len(step_reads), consume) for step_reads, consume in steps]


def _steps(institution_ids, thresholds, today, payer_keys, prepayments_at=None):
    """Each figure's reads and the function that adds their rows to the figures."""
    where = _ids_filter(institution_ids)
    return [
        _prepayments(where, thresholds, payer_keys, prepayments_at),
        _large_prepayment_flags(_ids_filter(institution_ids, prefix="pk")),
        _visits(where),
        _standing(where),
        _finances(where),
        _dated_counts(where, today),
        _outside_records(where),
    ]


def _fetch(read) -> list[tuple]:
    if isinstance(read, RawRows):
        with connection.cursor() as cursor:
            cursor.execute(read.sql, read.params)
            return cursor.fetchall()
    return fetch_values(read)


def _prepayments(where, thresholds, payer_keys=True, cutoff=None):
    """Per payer, the outstanding amounts by kind; then what counts as large (``Thresholds``).

    The per-payer figures are grouped in the database and rolled up per institution there
    too: at province size that is half a million payers, and moving them into Python one
    row at a time cost more than everything else the rating does.
    """
    money = DecimalField(max_digits=16, decimal_places=2)
    records = PrepaymentRecord.objects.filter(**where)
    amount, refunded = F("amount"), F("refunded_amount")
    if cutoff is not None:
        records = prepayments_then(records, cutoff)
        amount, refunded = F("amount_then"), F("refunded_then")
    outstanding = Coalesce(amount, Value(ZERO)) - Coalesce(refunded, Value(ZERO))

    def kind_sum(*kinds, promised=False):
        condition = Q(kind__in=kinds) & (Q(promised_return=True) if promised else Q())
        return Coalesce(
            Sum(outstanding, filter=condition, output_field=money),
            Value(ZERO),
            output_field=money,
        )

    payers = (
        records.values("institution_id", "payer_key")
        .annotate(
            # Every kind is money an elder is owed back (附件4, the refund ledger); only the
            # kinds the thresholds read can be large.
            owed=Coalesce(Sum(outstanding, output_field=money), Value(ZERO), output_field=money),
            fees=kind_sum(*PREPAID_FEE_KINDS),
            fee_monthly=Max("monthly_fee", filter=Q(kind__in=PREPAID_FEE_KINDS)),
            fee_months=Max("months_covered", filter=Q(kind__in=PREPAID_FEE_KINDS)),
            deposits=kind_sum(PrepaymentKind.DEPOSIT),
            deposit_monthly=Max("monthly_fee", filter=Q(kind=PrepaymentKind.DEPOSIT)),
            investments=kind_sum(PrepaymentKind.INVESTMENT),
            promised_fees=kind_sum(*PREPAID_FEE_KINDS, promised=True),
            promised_deposits=kind_sum(PrepaymentKind.DEPOSIT, promised=True),
        )
        .order_by()
    )
    inner, inner_params = payers.query.sql_with_params()
    # SQLite computes in floating point: compare with a margin far below a cent and far
    # above the rounding error; PostgreSQL's numeric is exact.
    margin = ZERO if connection.vendor == "postgresql" else Decimal("0.000001")
    # Any investment-type payment, and any payment with a promised return, is large; prepaid
    # fees above N months of the monthly fee, deposits above N months of the bed fee, are
    # large in full; where the fee is unknown, from the county's one fixed amount.
    per_payer = f"""
        SELECT institution_id, payer_key, owed AS total,
            investments
            + CASE WHEN fees > 0 AND (
                (COALESCE(fee_monthly, 0) <> 0 AND fees - %s * fee_monthly > %s)
                OR (COALESCE(fee_monthly, 0) = 0 AND fees - %s >= -%s))
              THEN fees ELSE promised_fees END
            + CASE WHEN deposits > 0 AND (
                (COALESCE(deposit_monthly, 0) <> 0 AND deposits - %s * deposit_monthly > %s)
                OR (COALESCE(deposit_monthly, 0) = 0 AND deposits - %s >= -%s))
              THEN deposits ELSE promised_deposits END AS large,
            CASE WHEN fees > 0 AND COALESCE(fee_monthly, 0) <> 0
              THEN fees * 1.0 / fee_monthly END AS fee_ratio,
            CASE WHEN fees > 0 THEN fee_months END AS fee_months,
            CASE WHEN deposits > 0 AND COALESCE(deposit_monthly, 0) <> 0
              THEN deposits * 1.0 / deposit_monthly END AS deposit_ratio
        FROM ({inner}) AS payer
    """  # noqa: S608 (the inner query is the ORM's; the values are parameters)
    numbers = [
        Decimal(thresholds.prepaid_fee_months),
        margin,
        Decimal(thresholds.large_amount_fee_unknown),
        margin,
        Decimal(thresholds.deposit_months),
        margin,
        Decimal(thresholds.large_amount_fee_unknown),
        margin,
    ]
    if connection.vendor != "postgresql":
        # SQLite's driver passes a Decimal as text, and text never compares equal to a number.
        numbers = [float(number) for number in numbers]
    params = [*numbers, *inner_params]
    # Payer keys are letters and digits only (normalise_name), so a comma separates them.
    concat = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    keys_sql = f"{concat}(CASE WHEN large > 0 THEN payer_key END, ',')" if payer_keys else "''"
    rollup = f"""
        SELECT institution_id,
            SUM(CASE WHEN total > 0 THEN total ELSE 0 END),
            SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN large > 0 THEN large ELSE 0 END),
            SUM(CASE WHEN large > 0 THEN 1 ELSE 0 END),
            MAX(fee_ratio), MAX(fee_months), MAX(deposit_ratio),
            {keys_sql}
        FROM ({per_payer}) AS figures GROUP BY institution_id
    """  # noqa: S608 (as above)
    return [RawRows(rollup, params, columns=9)], _prepayments_of


def _prepayments_of(result, rows):
    for pk, total, payers, large, large_payers, fee_ratio, months, ratio, keys in rows:
        figures = result.get(pk)
        if figures is None:
            continue
        figures.prepayment_total = _money(total)
        figures.prepayment_payers = int(payers or 0)
        figures.large_prepayment_total = _money(large)
        figures.large_prepayment_payers = int(large_payers or 0)
        candidates = [int(months)] if months else []
        if fee_ratio is not None:
            candidates.append(math.ceil(_exact(fee_ratio)))
        figures.max_prepaid_months = max(candidates) if candidates else None
        if ratio is not None:
            figures.max_deposit_ratio = _exact(ratio).quantize(Decimal("0.01"))
        figures.large_payer_keys = sorted(keys.split(",")) if keys else []


def _large_prepayment_flags(where):
    """The registry's 收取大额预付费 as the findings derive it (one definition, screening's)."""
    return [large_prepayment_flags(where)], _large_prepayment_flags_of


def _large_prepayment_flags_of(result, rows):
    for pk, flagged, typed, visit, disagrees in rows:
        figures = result.get(pk)
        if figures is not None:
            figures.large_prepayment_flagged = bool(flagged)
            figures.large_prepayment_typed = bool(typed)
            figures.large_prepayment_visit = visit
            figures.large_prepayment_disagrees = bool(disagrees)


def _exact(value) -> Decimal:
    """A number from the database as a Decimal (SQLite returns floats: strip their noise)."""
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("1e-9"))
    return Decimal(value)


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    return _exact(value).quantize(Decimal("0.01")) if isinstance(value, float) else Decimal(value)


def _visits(where):
    """The use of the prepayment funds as last recorded: the latest submitted visit that
    states one. A later visit that leaves it blank does not erase it (区县方案: 预付费资金使用
    情况 is established once and stays until restated)."""
    visits = (
        ScreeningVisit.objects.filter(status=VisitStatus.SUBMITTED, **where)
        .exclude(fund_use="")
        .order_by("institution_id", "-visited_on", "-pk")
        .values_list("institution_id", "fund_use")
    )
    return [visits], _visits_of


def _visits_of(result, rows):
    seen = set()
    for pk, fund_use in rows:
        if pk in seen:
            continue
        seen.add(pk)
        figures = result.get(pk)
        if figures is not None:
            figures.fund_use = fund_use


def _standing(where):
    """Findings that stay found (爆雷, 涉嫌犯罪, 重大舆情, 承诺投资回报, 虚假宣传, 关联交易):
    recorded by any submitted visit or record and not resolved since by the county
    (``screening.selectors.findings``), each with the record that established it."""
    return standing_reads(where), _standing_of


def _standing_of(result, *rows):
    found = standing_from_rows(result, *rows)
    # Every determination, whatever it found, for the evidence (a 不构成非法集资 beside the
    # finding it does not resolve); the determinations' rows come last.
    for pk, sources in determinations_from_rows(result, rows[-1]).items():
        result[pk].sources["determinations"] = tuple(source.as_evidence() for source in sources)
    for pk, figures in result.items():
        facts = found.get(pk)
        # A promised return (承诺投资回报) is a standing finding, which a resolution can end;
        # the prepayments' figures do not set it.
        if not facts:
            continue
        figures.standing = facts
        for fact, source in facts.items():
            setattr(figures, fact, True)
            figures.sources[fact] = (source.as_evidence(),)


def _finances(where):
    snapshots = (
        FinancialSnapshot.objects.filter(**where)
        .order_by("institution_id", "-as_of", "-pk")
        .values_list("institution_id", "total_assets", "total_liabilities", "net_fixed_assets")
    )
    return [snapshots], _finances_of


def _finances_of(result, rows):
    seen = set()
    for pk, assets, liabilities, net_fixed in rows:
        if pk in seen:
            continue
        seen.add(pk)
        figures = result.get(pk)
        if figures is not None:
            figures.assets, figures.liabilities = assets, liabilities
            figures.net_fixed_assets = net_fixed


def _dated_counts(where, today):
    three_years, two_years = months_before(today, 36), months_before(today, 24)
    branches = (
        Branch.objects.filter(opened_on__gt=three_years, opened_on__lte=today, **where)
        .values("institution_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("institution_id", "n")
    )
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
    return [branches, changes], _dated_counts_of


def _dated_counts_of(result, branches, changes):
    for pk, n in branches:
        if pk in result:
            result[pk].branches_opened_3y = n
    for pk, kind, n in changes:
        if pk not in result:
            continue
        if kind == ChangeKind.LEGAL_REPRESENTATIVE:
            result[pk].legal_rep_changes_2y = n
        else:
            result[pk].address_changes_2y = n


def _outside_records(where):
    """Suits, blacklists and complaints on the institution or its current key persons.

    A complaint counts once verified as substantiated, a lead once verified as elder-care
    fraud related (区县方案: 对收集到的举报线索进行甄别); neither counts once found
    groundless."""
    suits = Lawsuit.objects.filter(economic_crime=True, match_status__in=COUNTED)
    listed = BlacklistEntry.objects.filter(match_status__in=COUNTED, removed_on__isnull=True)
    complaints = Complaint.objects.filter(
        match_status__in=COUNTED, verification=Verification.SUBSTANTIATED
    )
    # No ordering: the default one joins the institution and its township to sort.
    roles = PersonRole.objects.filter(ended_on__isnull=True, **where).order_by()
    # Only the roles of persons with an outside record: a few in a hundred.
    roles_on_record = roles.filter(
        Q(person_id__in=suits.order_by().values("person_id"))
        | Q(person_id__in=listed.order_by().values("person_id"))
        | Q(person_id__in=complaints.order_by().values("person_id"))
    ).values_list("institution_id", "person_id")
    person_subquery = roles.values("person_id")
    on_subject = Q(**where) | Q(person_id__in=person_subquery)
    leads = (
        Lead.objects.filter(is_fraud_related=True, groundless_on__isnull=True, **where)
        .exclude(status=LeadStatus.RECEIVED)
        .order_by()
        .values_list("institution_id", "pk", "received_on")
    )
    reads = [
        roles_on_record,
        suits.filter(person_id__in=person_subquery).order_by().values_list("person_id"),
        listed.filter(on_subject).order_by().values_list("institution_id", "person_id"),
        complaints.filter(on_subject)
        .order_by()
        .values_list("institution_id", "person_id", "pk", "received_on"),
        leads,
    ]
    return reads, _outside_records_of


def _outside_records_of(result, roles, suits, listed, complaints, leads):
    persons = defaultdict(set)  # person_id -> institutions where they hold a current role
    for pk, person_id in roles:
        if pk in result:
            persons[person_id].add(pk)

    def institutions_of(institution_id, person_id):
        hits = set(persons.get(person_id, ()))
        if institution_id in result:
            hits.add(institution_id)
        return hits

    for (person_id,) in suits:
        for target in persons.get(person_id, ()):
            result[target].person_economic_crime_suit = True

    for pk, person_id in listed:
        for target in institutions_of(pk, person_id):
            result[target].person_blacklisted = True

    counted = defaultdict(list)  # institution id -> the complaints and leads that count
    for pk, person_id, complaint_id, received_on in complaints:
        source = Source(SourceKind.COMPLAINT, complaint_id, received_on)
        for target in institutions_of(pk, person_id):
            counted[target].append(source)

    for pk, lead_id, received_on in leads:
        if pk in result:
            counted[pk].append(Source(SourceKind.LEAD, lead_id, received_on))

    for pk, sources in counted.items():
        figures = result[pk]
        figures.complaints = len(sources)
        sources.sort(key=lambda source: source.sort_key)
        figures.sources["complaints"] = tuple(source.as_evidence() for source in sources)
