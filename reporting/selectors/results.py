"""附件6 战果统计表 per township: the campaign's results, cumulative from its start to the end
of the reporting week (截至本周).

Where each figure comes from (the weekly report page shows the same sources, see
``reporting.figures``):

- screened, of which unregistered "黑机构": active institutions and venues with a submitted
  screening visit in the period (the "四看" review's definition of screened);
- red, orange, yellow: the approved level (``risklists.RatingState``) of active ones;
- rectified (整改完成): every list-level disposal action closed, the last one carried out in
  the period, or a venue crossed off the 清零 ledger as registered (督促登记);
- closed or banned (取缔关停): a venue crossed off as closed down or banned, or 停止经营活动
  carried out, in the period;
- transferred (移交): transfers recorded in the period;
- leads received and closed (办结: handled or fed back) in the period;
- funds refunded (万元): refunds paid to elders in the period, as disposal's
  ``refund_totals`` adds them up (the refunded column of 附件4 is the same figure per
  institution);
- elders resettled and assisted (城乡低保, 特困供养, 临时救助) in the period;
- 清零 progress (衡山县方案 清零行动; issue 20): the venues on the 清零 ledger at the cut-off
  (``disposal.selectors.zeroing.on_ledger_q`` as it stood then: an unregistered venue on
  the registry, one with a ledger entry, or a former venue registered since), of which
  crossed off (对账销号: the entry's status then, crossed off by the end of the period) and
  still open;
- cases filed (立案): TYPED. The police open cases on leads and reports that never pass
  through a transfer recorded here, so only the township knows the figure: it types each
  week's number in its weekly report, and the table adds up the reports of the campaign
  submitted by the cut-off. A township whose report of the week was not submitted by then
  is marked (``reported`` False: 未报送).

Everything as it stood at ``cutoff`` (the pack's, its week's deadline; None: now): records
entered by then, their states then (``core.asof``), the approved levels then (the ledger
of level changes). A dozen grouped queries whatever the number of townships or
institutions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from core import clock
from core.asof import active_at, as_of_q, history_of, recorded_by, value_as_of
from disposal.models import Assistance, Resettlement, ZeroingEntry, ZeroingStatus
from disposal.selectors.records import refund_totals
from institutions.models import Institution, RegistrationStatus
from risklists.levels import Level
from risklists.selectors import approved_q
from screening.models import Lead, LeadStatus
from screening.selectors.four_looks import (
    TownshipAt,
    of_townships,
    registered_as,
    submitted_visits,
)

from ..choices import WeeklyStatus
from ..models import WeeklyReport
from ..periods import ReportingWeek
from .common import (
    ZERO,
    Window,
    closed_q,
    in_window,
    rectified_q,
    ten_thousand,
    transfers_at,
    under_disposal_q,
)

CLOSED_LEAD_STATUSES = (LeadStatus.HANDLED, LeadStatus.FED_BACK)


@dataclass
class ResultFigures:
    township: OrgUnit | None
    screened: int = 0
    screened_venues: int = 0
    red: int = 0
    orange: int = 0
    yellow: int = 0
    rectified: int = 0
    closed_or_banned: int = 0
    transferred: int = 0
    cases_filed: int = 0
    leads_received: int = 0
    leads_closed: int = 0
    funds_refunded: Decimal = ZERO  # 万元
    elders_resettled: int = 0
    elders_assisted: int = 0
    on_ledger: int = 0  # 清零: venues on the ledger
    crossed_off: int = 0  # of which crossed off (对账销号)
    ledger_open: int = 0  # of which still open
    reports_submitted: int = 0  # weekly reports whose typed figures were added up
    # The week's own report submitted by the cut-off (None: the total row).
    reported: bool | None = None

    @classmethod
    def summed(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name not in ("township", "reported"))


@dataclass
class ResultTable:
    since: date
    until: date
    week: ReportingWeek
    rows: list[ResultFigures]
    total: ResultFigures


def first_week_covering(day: date) -> ReportingWeek:
    """The reporting week (Wednesday to Tuesday) that contains ``day``."""
    week = ReportingWeek.containing_deadline_on(day)
    return week if week.last_day >= day else week.next()


def weeks_between_q(first: ReportingWeek, last: ReportingWeek) -> Q:
    after = Q(year__gt=first.year) | Q(year=first.year, week__gte=first.week)
    before = Q(year__lt=last.year) | Q(year=last.year, week__lte=last.week)
    return after & before


def _set(rows: dict, figures, key: str, names):
    row = rows.get(figures[key])
    if row is None:
        return
    for name in names:
        setattr(row, name, figures[name] or 0)


def reports_at(cutoff: datetime | None = None):
    """Weekly reports submitted at ``cutoff`` (None: now), with their typed figures then
    (``cases_then``): entered, submitted and not withdrawn by then."""
    reports = WeeklyReport.objects.filter(recorded_by(cutoff))
    if cutoff is None:
        return reports.filter(status=WeeklyStatus.SUBMITTED).alias(cases_then=F("cases_filed"))
    return reports.alias(
        status_then=value_as_of(WeeklyReport, "status", cutoff),
        submitted_then=value_as_of(WeeklyReport, "submitted_at", cutoff),
        cases_then=value_as_of(WeeklyReport, "cases_filed", cutoff),
    ).filter(status_then=WeeklyStatus.SUBMITTED, submitted_then__lte=cutoff)


def on_ledger_at(cutoff: datetime | None = None) -> Q:
    """On the 清零 ledger at ``cutoff`` (None: now), for an institution query: the reading of
    ``disposal.selectors.zeroing.on_ledger_q`` on the registry and the ledger as they stood
    then."""
    unregistered = registered_as(RegistrationStatus.UNREGISTERED, cutoff)
    entries = ZeroingEntry.objects.filter(recorded_by(cutoff)).values("institution_id")
    were_venues = (
        history_of(Institution)
        .filter(recorded_by(cutoff, "history_date"))
        .filter(registration_status=RegistrationStatus.UNREGISTERED)
        .values("id")
    )
    return (
        (unregistered & active_at(cutoff, Institution))
        | Q(pk__in=entries)
        | (Q(pk__in=were_venues) & ~unregistered)
    )


def crossed_off_by(until: date, cutoff: datetime | None = None):
    """The ledger entries crossed off (对账销号) at ``cutoff``, on or before ``until``."""
    entries = ZeroingEntry.objects.filter(recorded_by(cutoff))
    q = Q(status=ZeroingStatus.CROSSED_OFF) & (
        Q(crossed_off_on__isnull=True) | Q(crossed_off_on__lte=until)
    )
    return entries.filter(as_of_q(ZeroingEntry, q, cutoff)).values("institution_id")


def _zeroing_progress(rows: dict, registry, chosen, until: date, cutoff, at: TownshipAt) -> None:
    """清零行动 progress per township (the township then: ``at``): on the ledger, crossed
    off, still open (one query)."""
    crossed = Q(pk__in=crossed_off_by(until, cutoff))
    on_ledger, key = at.group(registry.filter(on_ledger_at(cutoff)), rows, chosen)
    for figures in (
        on_ledger.values(key)
        .annotate(on_ledger=Count("pk"), crossed_off=Count("pk", filter=crossed))
        .order_by()
    ):
        row = rows.get(figures[key])
        if row is None:
            continue
        row.on_ledger, row.crossed_off = figures["on_ledger"], figures["crossed_off"]
        row.ledger_open = row.on_ledger - row.crossed_off


def results_table(
    user,
    since: date,
    week: ReportingWeek,
    townships=None,
    until: date | None = None,
    cutoff: datetime | None = None,
    refunds: dict | None = None,
) -> ResultTable:
    """附件6 figures per visible township, from ``since`` to the end of ``week``, as they
    stood at ``cutoff``. ``refunds``: disposal's refund totals of the institutions under
    disposal, when the caller has read them already (a pack reads them once for 附件4 and
    附件6: ``under_disposal_refunds``)."""
    chosen = townships is not None
    if not chosen:
        townships = visible_townships(user)
    until = until or week.last_day
    if cutoff is not None:
        until = min(until, clock.localdate(cutoff))
    window: Window = (since, until)
    rows = {t.pk: ResultFigures(t) for t in townships}

    # Grouped by township and by whether the institution was screened in the window:
    # ``pk IN (visits)`` is a subquery the database runs once (see ``common``).
    visits = submitted_visits(cutoff).visible_to(user)
    screened = ExpressionWrapper(
        Q(pk__in=visits.filter(in_window("visited_on", window)).values("institution_id")),
        output_field=BooleanField(),
    )
    registry = Institution.objects.visible_to(user).filter(recorded_by(cutoff))
    active = active_at(cutoff, Institution)
    venue = registered_as(RegistrationStatus.UNREGISTERED, cutoff)
    per_institution = {
        "n": Count("pk", filter=active),
        "venues": Count("pk", filter=active & venue),
        **{
            level: Count("pk", filter=active & approved_q(level, cutoff))
            for level in (Level.RED, Level.ORANGE, Level.YELLOW)
        },
        # Archived ones too: a venue closed down is archived, and that is the result.
        "rectified": Count("pk", filter=rectified_q(window, viewer=user, cutoff=cutoff)),
        "closed_or_banned": Count("pk", filter=closed_q(window, viewer=user, cutoff=cutoff)),
    }
    summed = (Level.RED, Level.ORANGE, Level.YELLOW, "rectified", "closed_or_banned")
    # Each institution, and each record of one, in the township it belonged to then.
    at = TownshipAt(cutoff)
    institutions, key = at.group(registry, rows, chosen)
    for figures in (
        institutions.annotate(screened=screened)
        .values(key, "screened")
        .annotate(**per_institution)
        .order_by()
    ):
        row = rows.get(figures[key])
        if row is None:
            continue
        for name in summed:
            setattr(row, name, getattr(row, name) + figures[name])
        if figures["screened"]:
            row.screened, row.screened_venues = figures["n"], figures["venues"]

    _zeroing_progress(rows, registry, chosen, until, cutoff, at)

    for records, date_field, name, aggregate in (
        (transfers_at(cutoff), "transferred_on", "transferred", Count("pk")),
        (
            Resettlement.objects.filter(recorded_by(cutoff)),
            "resettled_on",
            "elders_resettled",
            Count("pk"),
        ),
        (
            Assistance.objects.filter(recorded_by(cutoff)),
            "granted_on",
            "elders_assisted",
            Count("pk"),
        ),
    ):
        records, by_township = at.group(records.visible_to(user), rows, chosen, "institution_id")
        for figures in (
            records.filter(in_window(date_field, window))
            .values(by_township)
            .annotate(**{name: aggregate})
            .order_by()
        ):
            _set(rows, figures, by_township, [name])

    # Refunds: disposal's one reading of them (附件4 prints the same per institution).
    # The refunds of the institutions under disposal (督促清退资金), the set 附件4 lists: a
    # refund recorded at screening for an institution never listed is not a disposal result.
    if refunds is None:
        refunds = refund_totals(
            at.group(registry.filter(under_disposal_q(cutoff)), rows, chosen)[0],
            as_of=cutoff or until,
            since=since,
        )
    paid = {pk: totals.refunded for pk, totals in refunds.items() if totals.refunded}
    if paid:
        paying, key = at.group(Institution.objects.filter(pk__in=list(paid)), rows, False)
        for pk, township_id in paying.values_list("pk", key):
            row = rows.get(township_id)
            if row is not None:
                row.funds_refunded += paid[pk]

    leads = Lead.objects.visible_to(user).filter(recorded_by(cutoff))
    leads = leads.alias(
        status_then=value_as_of(Lead, "status", cutoff),
        handled_then=value_as_of(Lead, "handled_on", cutoff),
        fed_back_then=value_as_of(Lead, "fed_back_on", cutoff),
    )
    closed_on = in_window("handled_then", window) | (
        Q(handled_then__isnull=True) & in_window("fed_back_then", window)
    )
    lead_counts = {
        "leads_received": Count("pk", filter=in_window("received_on", window)),
        "leads_closed": Count("pk", filter=Q(status_then__in=CLOSED_LEAD_STATUSES) & closed_on),
    }
    for figures in (
        of_townships(leads, rows, chosen, "unit_id")
        .values("unit_id")
        .annotate(**lead_counts)
        .order_by()
    ):
        _set(rows, figures, "unit_id", lead_counts)

    typed = {
        "cases_filed": Sum("cases_then"),
        "reports_submitted": Count("pk"),
        "this_week": Count("pk", filter=Q(year=week.year, week=week.week)),
    }
    reported = set()
    for figures in (
        of_townships(reports_at(cutoff).visible_to(user), rows, chosen)
        .filter(weeks_between_q(first_week_covering(since), week))
        .values("township_id")
        .annotate(**typed)
        .order_by()
    ):
        _set(rows, figures, "township_id", ("cases_filed", "reports_submitted"))
        if figures["this_week"]:
            reported.add(figures["township_id"])

    total = ResultFigures(None)
    for row in rows.values():
        row.reported = row.township.pk in reported
        row.funds_refunded = ten_thousand(row.funds_refunded)
        for name in ResultFigures.summed():
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return ResultTable(since, until, week, list(rows.values()), total)
