"""The "四看" review (区县方案·巩固提升阶段 "进行'四看'全面复查"), per township:

一看 已排查的养老服务机构信息是否全面准确 — completeness of each screened record, the large
     prepayments whose use of the funds is not recorded (V1 待核实), and whether its registry
     flag 收取大额预付费 agrees with what the latest visit found;
二看 已排查的机构及场所总数与民政统计数据是否一致 — screened against the official count;
三看 公安、市场监管等部门的共享信息 — shared-list entries matched to no institution, to verify
     as 未登记 or 登记未备案;
四看 排查期间新成立的养老服务机构和新运营的场所有没有及时纳入排查范围 — not yet screened in the
     current campaign, the new ones first.

"Screened" means a SUBMITTED visit dated on or after the campaign start: a draft does not
count. Every figure of the page comes from a handful of grouped queries, whatever the
number of townships or institutions.

The review's two small writes (the county's official count, the verification of a
candidate) are in ``services/four_looks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from core import clock
from core.asof import as_of_q, changed_since, recorded_by, value_as_of, value_then
from institutions.models import Institution, RegistrationStatus
from institutions.selectors import COMPLETENESS_FIELDS, incomplete_q, large_q

from ..models import MatchStatus, OfficialCount, ScreeningVisit, SharedListEntry, VisitStatus
from .visits import with_large_prepayment_flag

# The campaign start used when the page is not given ``since``. None means the most recent
# 1 January: the plans run a campaign per year (排查整治 then 巩固提升), so by default the
# review asks what has been screened this year.
CAMPAIGN_START: date | None = None

# 一看 (信息是否全面准确): a large prepayment whose use of the funds is not recorded is the
# rating's hit V1 待核实 (risklists.engine), read by its code: the rating app builds on
# screening, not the other way round. Listed until a visit records the use.
FUND_USE_TO_VERIFY = " V1 "

# Entries no institution matched: never matched, or a name match a person rejected.
# (A pending name match waits for confirmation and is not a candidate yet.)
CANDIDATE_STATUSES = (MatchStatus.UNMATCHED, MatchStatus.REJECTED)


def campaign_start(today: date | None = None) -> date:
    if CAMPAIGN_START is not None:
        return CAMPAIGN_START
    today = today or timezone.localdate()
    return date(today.year, 1, 1)


def screened_since(since: date, round_: str | None = None) -> Exists:
    """True for an institution with a submitted visit dated on or after ``since`` (of the
    round ``round_`` when given: what a round's window still has to cover, 衡山县 §一.二 第五)."""
    visits = ScreeningVisit.objects.filter(
        institution=OuterRef("pk"), status=VisitStatus.SUBMITTED, visited_on__gte=since
    )
    if round_:
        visits = visits.filter(round=round_)
    return Exists(visits)


def new_since_q(since: date) -> Q:
    """新成立的养老服务机构和新运营的场所: established, or (a venue) found, during the campaign."""
    return Q(established_on__gte=since) | Q(found_on__gte=since)


def candidates_q() -> Q:
    return Q(institution__isnull=True, match_status__in=CANDIDATE_STATUSES)


def of_townships(queryset, rows, chosen: bool, field: str = "township_id"):
    """``queryset`` limited to the townships ``rows`` has, when the caller chose them.

    Otherwise ``rows`` holds every township the user sees, which ``visible_to`` has already
    limited the queryset to, and the caller reads only the groups ``rows`` has: a province's
    2,000 township ids in each query cost more to send and to check than they save.
    """
    if not chosen:
        return queryset
    return queryset.filter(**{f"{field}__in": list(rows)})


class TownshipAt:
    """The township an institution belonged to at ``cutoff`` (None: now), for a table that
    groups institutions, or records of theirs, by township.

    ``Institution.township_id`` is its township now: one moved to another township after a
    pack's cut-off belongs, in that pack, to the township it had then, as its history says
    (``core.asof``). Whether any institution changed since is asked once, for all the queries
    of a table: when none did (a pack at its own deadline) or there is no cut-off (a page
    built now), the queries group by the live column, as they always did.
    """

    def __init__(self, cutoff: datetime | None):
        self.cutoff = cutoff
        self.moved = cutoff is not None and changed_since(Institution, cutoff)

    def group(self, queryset, rows, chosen: bool, outer: str = "pk"):
        """``(queryset, key)``: ``queryset`` with ``key``, the name of the township then of
        each row's institution (``outer``: its id, ``pk`` on ``Institution`` itself), to
        group by and read the rows with; limited to the townships ``rows`` has when the
        caller chose them (``of_townships``)."""
        live = "township_id" if outer == "pk" else f"{outer.removesuffix('_id')}__township_id"
        if not self.moved:
            return of_townships(queryset, rows, chosen, live), live
        then = value_then(Institution, "township_id", self.cutoff, outer)
        return of_townships(queryset.annotate(township_then=then), rows, chosen, "township_then"), (
            "township_then"
        )

    def named(self, queryset, outer: str = "pk"):
        """``(queryset, path)`` for a list that shows each row's township and is ordered by
        it: ``path`` is the name to order by. When an institution moved since the cut-off,
        ``queryset`` has the township then, its name and its path annotated, which the list
        asks ``values`` for (``names``) and ``rename`` puts in each row as ``township_id``
        and ``township__name``."""
        base = "" if outer == "pk" else f"{outer.removesuffix('_id')}__"
        if not self.moved:
            return queryset, f"{base}township__path"
        unit = OrgUnit.objects.filter(pk=OuterRef("township_then"))
        return queryset.annotate(
            township_then=value_then(Institution, "township_id", self.cutoff, outer),
            township_name_then=Subquery(unit.values("name")[:1]),
            township_path_then=Subquery(unit.values("path")[:1]),
        ), "township_path_then"

    @property
    def names(self) -> tuple[str, ...]:
        return ("township_then", "township_name_then") if self.moved else ()

    def rename(self, row: dict) -> dict:
        if self.moved:
            row["township_id"] = row.pop("township_then")
            row["township__name"] = row.pop("township_name_then")
        return row


# --- the per-township figures --------------------------------------------------------------


@dataclass
class TownshipReview:
    township: OrgUnit | None
    institutions: int = 0  # active institutions and venues on the registry
    new: int = 0  # of which established or found since the campaign start
    screened: int = 0
    screened_venues: int = 0
    screened_incomplete: int = 0
    official: OfficialCount | None = None
    official_total: int | None = None
    candidates: int = 0
    candidates_verified: int = 0
    not_screened: int = 0
    not_screened_new: int = 0
    not_screened_large: int = 0
    # 一看: large prepayments whose use is not recorded (V1); ``count_fund_use_to_verify``.
    fund_use_to_verify: int = 0
    # 一看 准确: screened records whose 收取大额预付费 disagrees with the latest visit.
    flag_disagreements: int = 0

    @property
    def screened_complete(self) -> int:
        return self.screened - self.screened_incomplete

    @property
    def complete_percent(self) -> int | None:
        if not self.screened:
            return None
        return round(100 * self.screened_complete / self.screened)

    @property
    def official_count(self) -> int | None:
        if self.official is not None:
            return self.official.institutions
        return self.official_total

    @property
    def difference(self) -> int | None:
        """Screened minus the civil-affairs count: negative means some are not screened."""
        if self.official_count is None:
            return None
        return self.screened - self.official_count

    @property
    def candidates_to_verify(self) -> int:
        return self.candidates - self.candidates_verified


@dataclass
class Review:
    since: date
    rows: list[TownshipReview] = field(default_factory=list)
    total: TownshipReview = field(default_factory=lambda: TownshipReview(None))
    # Entries of a shared list whose township is not known (seen by the county only).
    candidates_without_township: int = 0


def submitted_visits(cutoff: datetime | None = None):
    """Visits submitted at ``cutoff`` (None: now): entered by then, dated by then and
    submitted as the visit stood then (a visit submitted later was a draft)."""
    visits = ScreeningVisit.objects.all()
    if cutoff is None:
        return visits.filter(status=VisitStatus.SUBMITTED)
    return visits.filter(
        recorded_by(cutoff),
        as_of_q(ScreeningVisit, Q(status=VisitStatus.SUBMITTED), cutoff),
        visited_on__lte=clock.localdate(cutoff),
    )


def registration_status_at(cutoff: datetime | None, outer: str = "pk"):
    """An institution's registration status at ``cutoff`` (a venue registers: history)."""
    return value_as_of(Institution, "registration_status", cutoff, outer=outer)


def registered_as(statuses, cutoff: datetime | None, outer: str = "pk") -> Q:
    """An institution whose registration status at ``cutoff`` was one of ``statuses`` (for
    WHERE and counts: ``registration_status_at`` is for a value to print)."""
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    return as_of_q(Institution, Q(registration_status__in=statuses), cutoff, outer)


def township_review(
    user, since: date, townships=None, cutoff: datetime | None = None, at: TownshipAt | None = None
) -> Review:
    """One row per visible township with the four looks' figures, as they stood at ``cutoff``
    (None: now), each institution in the township it belonged to then (``at``: the caller's
    ``TownshipAt(cutoff)``, when it has one); constant queries."""
    at = at or TownshipAt(cutoff)
    chosen = townships is not None
    if not chosen:
        townships = visible_townships(user)
    rows = {t.pk: TownshipReview(t) for t in townships}
    review = Review(since=since, rows=list(rows.values()))

    # One grouped query, by township and by whether the institution was screened: the
    # visit test is ``pk IN (visits)``, a subquery the database runs once and hashes.
    # (Written as EXISTS in each count's FILTER, PostgreSQL costed a probe per institution
    # and per count; at province size that crossed its JIT thresholds, and compiling the
    # query took 0.7 s, longer than running it.)
    visits = submitted_visits(cutoff).visible_to(user).filter(visited_on__gte=since)
    screened = ExpressionWrapper(
        Q(pk__in=visits.order_by().values("institution_id")), output_field=BooleanField()
    )
    institutions, key = at.group(Institution.objects.visible_to(user).as_of(cutoff), rows, chosen)
    groups = (
        institutions.annotate(screened=screened)
        .values(key, "screened")
        .annotate(
            n=Count("pk"),
            venues=Count("pk", filter=registered_as(RegistrationStatus.UNREGISTERED, cutoff)),
            incomplete=Count("pk", filter=incomplete_q()),
            new=Count("pk", filter=new_since_q(since)),
            large=Count("pk", filter=large_q()),
        )
        .order_by()
    )
    for figures in groups:
        row = rows.get(figures[key])
        if row is None:
            continue
        row.institutions += figures["n"]
        row.new += figures["new"]
        if figures["screened"]:
            row.screened = figures["n"]
            row.screened_venues = figures["venues"]
            row.screened_incomplete = figures["incomplete"]
        else:
            row.not_screened = figures["n"]
            row.not_screened_new = figures["new"]
            row.not_screened_large = figures["large"]

    # The latest official count of each township (a few rows per township at most).
    counts = OfficialCount.objects.visible_to(user).filter(recorded_by(cutoff))
    if cutoff is not None:
        counts = counts.filter(as_of__lte=clock.localdate(cutoff))
    for count in of_townships(counts, rows, chosen, "unit_id").order_by("unit_id", "-as_of", "-pk"):
        row = rows.get(count.unit_id)
        if row is not None and row.official is None:
            row.official = count

    candidates = (
        SharedListEntry.objects.visible_to(user)
        .filter(candidates_q(), recorded_by(cutoff))
        .values("township_id")
        .annotate(n=Count("pk"), verified=Count("pk", filter=~Q(verified_note="")))
        .order_by()
    )
    for figures in candidates:
        row = rows.get(figures["township_id"])
        if row is None:
            review.candidates_without_township += figures["n"] - figures["verified"]
            continue
        row.candidates, row.candidates_verified = figures["n"], figures["verified"]

    total = review.total
    for row in review.rows:
        for name in (
            "institutions",
            "new",
            "screened",
            "screened_venues",
            "screened_incomplete",
            "candidates",
            "candidates_verified",
            "not_screened",
            "not_screened_new",
            "not_screened_large",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    counted = [row.official.institutions for row in review.rows if row.official is not None]
    total.official_total = sum(counted) if counted else None
    return review


# --- the lists behind the figures ----------------------------------------------------------


def screened_institutions(user, since: date):
    return (
        Institution.objects.visible_to(user)
        .active()
        .filter(screened_since(since))
        .select_related("township", "village")
    )


def incomplete_screened(user, since: date):
    """一看: screened records that miss information the screening needs."""
    return (
        screened_institutions(user, since).filter(incomplete_q()).order_by("township__path", "name")
    )


def fund_use_to_verify_q() -> Q:
    return Q(rating__proposal_codes__contains=FUND_USE_TO_VERIFY)


def fund_use_to_verify(user):
    """一看: institutions and venues whose large prepayment has no recorded use of the funds
    (the rating's V1 待核实), screened or not, by township."""
    return (
        Institution.objects.visible_to(user)
        .active()
        .filter(fund_use_to_verify_q())
        .select_related("township", "village", "rating")
        .order_by("township__code", "name", "pk")
    )


def count_fund_use_to_verify(user, review: Review, townships=None) -> Review:
    """Fill each row's and the total's ``fund_use_to_verify`` (one grouped query): the
    "四看" page shows it in its 一看 column; the tables built on ``township_review`` that
    do not show it do not pay for it."""
    rows = {row.township.pk: row for row in review.rows}
    counts = (
        of_townships(Institution.objects.visible_to(user).active(), rows, townships is not None)
        .filter(fund_use_to_verify_q())
        .values("township_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("township_id", "n")
    )
    review.total.fund_use_to_verify = 0
    for township_id, n in counts:
        row = rows.get(township_id)
        if row is not None:
            row.fund_use_to_verify = n
            review.total.fund_use_to_verify += n
    return review


def not_screened(
    user, since: date, *, large: bool = False, by_beds: bool = False, round_: str | None = None
):
    """四看: on the registry, no submitted visit since the campaign start; the new ones first.

    ``large``: only 规模相对较大的 (衡山县 §一.二 第三 重点排查); ``by_beds``: the largest first;
    ``round_``: no visit of that round since ``since`` (a round's start: what it has left).
    """
    rows = (
        Institution.objects.visible_to(user)
        .active()
        .exclude(screened_since(since, round_))
        .select_related("township", "village")
        .annotate(started_on=Coalesce("established_on", "found_on"))
    )
    if large:
        rows = rows.filter(large_q())
    newest = F("started_on").desc(nulls_last=True)
    if by_beds:
        return rows.order_by(F("beds").desc(nulls_last=True), newest, "township__code", "name")
    return rows.order_by(newest, "township__code", "name")


def flag_disagreements(user, since: date):
    """一看 (准确): screened institutions and venues whose registry flag 收取大额预付费 says
    otherwise than their latest visit found, each with the visit's answer: the visit's
    finding counts for the rating until someone corrects the registry."""
    return (
        with_large_prepayment_flag(screened_institutions(user, since))
        .filter(large_prepayment_disagrees=True)
        .order_by("township__path", "name")
    )


def count_flag_disagreements(user, review: Review, chosen: bool = False) -> Review:
    """``flag_disagreements`` counted per township of ``review`` and in total, in one grouped
    query (asked by the review's page only: the weekly tables do not print it)."""
    rows = {row.township.pk: row for row in review.rows}
    visits = ScreeningVisit.objects.visible_to(user).filter(
        status=VisitStatus.SUBMITTED, visited_on__gte=review.since
    )
    screened = (
        Institution.objects.visible_to(user)
        .active()
        .filter(pk__in=visits.order_by().values("institution_id"))
    )
    for figures in (
        of_townships(
            with_large_prepayment_flag(screened).filter(large_prepayment_disagrees=True),
            rows,
            chosen,
        )
        .values("township_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = rows.get(figures["township_id"])
        if row is not None:
            row.flag_disagreements = figures["n"]
    review.total.flag_disagreements = sum(row.flag_disagreements for row in review.rows)
    return review


def candidates(user):
    """三看: shared-list entries matched to no institution, those still to verify first."""
    return (
        SharedListEntry.objects.visible_to(user)
        .filter(candidates_q())
        .select_related("township")
        .order_by(F("verified_note").asc(), F("registered_on").desc(nulls_last=True), "pk")
    )


# Labels of the fields counted by the completeness check, for "what is missing".
REGISTERED_FIELDS = ("credit_code", "legal_form", "ownership")


def completeness(institution: Institution) -> tuple[int, list[str]]:
    """(percent complete, labels of the missing fields) of one record, in memory."""
    names = [*COMPLETENESS_FIELDS, "beds"]
    if not institution.is_venue:
        names += list(REGISTERED_FIELDS)
    missing = [
        str(Institution._meta.get_field(name).verbose_name)
        for name in names
        if getattr(institution, name) in (None, "")
    ]
    return round(100 * (len(names) - len(missing)) / len(names)), missing


def is_new(institution: Institution, since: date) -> bool:
    return bool(
        (institution.established_on and institution.established_on >= since)
        or (institution.found_on and institution.found_on >= since)
    )


# --- the official count (二看) ---------------------------------------------------------------


def official_counts(user, township: OrgUnit):
    """The civil-affairs counts entered for ``township``, the latest first."""
    return (
        OfficialCount.objects.visible_to(user)
        .filter(unit=township)
        .select_related("created_by")
        .order_by("-as_of", "-pk")
    )


def latest_official_count(user, township: OrgUnit) -> OfficialCount | None:
    return (
        OfficialCount.objects.visible_to(user)
        .filter(unit=township)
        .order_by("-as_of", "-pk")
        .first()
    )
