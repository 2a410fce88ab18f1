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
- funds refunded (万元): refunds paid to elders in the period, from the one refund ledger
  (``screening.PrepaymentRefund``, reversals included), as 附件4 and the refund pages;
- elders resettled and assisted (城乡低保, 特困供养, 临时救助) in the period;
- cases filed (立案): TYPED. The police open cases on leads and reports that never pass
  through a transfer recorded here, so only the township knows the figure: it types each
  week's number in its weekly report, and the table adds up the submitted reports of the
  campaign up to this week.

Nine grouped queries whatever the number of townships or institutions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from disposal.models import Assistance, Resettlement, Transfer
from institutions.models import Institution, RegistrationStatus
from risklists.levels import Level
from screening.models import Lead, LeadStatus, PrepaymentRefund, ScreeningVisit, VisitStatus
from screening.selectors.four_looks import of_townships

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
    reports_submitted: int = 0  # weekly reports whose typed figures were added up

    @classmethod
    def summed(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "township")


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


def results_table(
    user, since: date, week: ReportingWeek, townships=None, until: date | None = None
) -> ResultTable:
    """附件6 figures per visible township, from ``since`` to the end of ``week``."""
    chosen = townships is not None
    if not chosen:
        townships = visible_townships(user)
    until = until or week.last_day
    window: Window = (since, until)
    rows = {t.pk: ResultFigures(t) for t in townships}

    # Grouped by township and by whether the institution was screened in the window:
    # ``pk IN (visits)`` is a subquery the database runs once (see ``common``).
    visits = ScreeningVisit.objects.visible_to(user).filter(status=VisitStatus.SUBMITTED)
    screened = ExpressionWrapper(
        Q(pk__in=visits.filter(in_window("visited_on", window)).values("institution_id")),
        output_field=BooleanField(),
    )
    active = Q(archived_at__isnull=True)
    venue = Q(registration_status=RegistrationStatus.UNREGISTERED)
    per_institution = {
        "n": Count("pk", filter=active),
        "venues": Count("pk", filter=active & venue),
        **{
            level: Count("pk", filter=active & Q(rating__approved_level=level))
            for level in (Level.RED, Level.ORANGE, Level.YELLOW)
        },
        # Archived ones too: a venue closed down is archived, and that is the result.
        "rectified": Count("pk", filter=rectified_q(window, viewer=user)),
        "closed_or_banned": Count("pk", filter=closed_q(window, viewer=user)),
    }
    summed = (Level.RED, Level.ORANGE, Level.YELLOW, "rectified", "closed_or_banned")
    for figures in (
        of_townships(Institution.objects.visible_to(user), rows, chosen)
        .annotate(screened=screened)
        .values("township_id", "screened")
        .annotate(**per_institution)
        .order_by()
    ):
        row = rows.get(figures["township_id"])
        if row is None:
            continue
        for name in summed:
            setattr(row, name, getattr(row, name) + figures[name])
        if figures["screened"]:
            row.screened, row.screened_venues = figures["n"], figures["venues"]

    by_township = "institution__township_id"
    for model, date_field, name, aggregate in (
        (Transfer, "transferred_on", "transferred", Count("pk")),
        (PrepaymentRefund, "refunded_on", "funds_refunded", Sum("amount")),
        (Resettlement, "resettled_on", "elders_resettled", Count("pk")),
        (Assistance, "granted_on", "elders_assisted", Count("pk")),
    ):
        for figures in (
            of_townships(model.objects.visible_to(user), rows, chosen, by_township)
            .filter(in_window(date_field, window))
            .values(by_township)
            .annotate(**{name: aggregate})
            .order_by()
        ):
            _set(rows, figures, by_township, [name])

    closed_on = in_window("handled_on", window) | (
        Q(handled_on__isnull=True) & in_window("fed_back_on", window)
    )
    lead_counts = {
        "leads_received": Count("pk", filter=in_window("received_on", window)),
        "leads_closed": Count("pk", filter=Q(status__in=CLOSED_LEAD_STATUSES) & closed_on),
    }
    for figures in (
        of_townships(Lead.objects.visible_to(user), rows, chosen, "unit_id")
        .values("unit_id")
        .annotate(**lead_counts)
        .order_by()
    ):
        _set(rows, figures, "unit_id", lead_counts)

    typed = {"cases_filed": Sum("cases_filed"), "reports_submitted": Count("pk")}
    for figures in (
        of_townships(WeeklyReport.objects.visible_to(user), rows, chosen)
        .filter(status=WeeklyStatus.SUBMITTED)
        .filter(weeks_between_q(first_week_covering(since), week))
        .values("township_id")
        .annotate(**typed)
        .order_by()
    ):
        _set(rows, figures, "township_id", typed)

    total = ResultFigures(None)
    for row in rows.values():
        row.funds_refunded = ten_thousand(row.funds_refunded)
        for name in ResultFigures.summed():
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return ResultTable(since, until, week, list(rows.values()), total)
