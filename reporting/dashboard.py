"""The leaders' dashboard: what the campaign has done, per township, in a few grouped queries.

区县方案·三(一) 主要负责同志直接抓 and 三(四) 加强对重点地区、案件、线索问题的调度: leaders read
the red/orange/yellow/green ratings per township, the weekly trend of the list, screening
coverage, disposal by level and the 清零 progress, and download the latest packs. Every
figure comes from the same definitions the lists and attachment tables use (``risklists``'
approved levels, the "四看" review's "screened", ``disposal.selectors.actions.board``), each through
``visible_to(user)``; the number of queries does not depend on the number of townships,
institutions or actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from disposal.models import ActionStatus, DisposalAction
from disposal.querysets import OPEN_STATUSES
from disposal.selectors.actions import board
from institutions.models import Institution
from risklists.levels import LEVELS_DOWN, LIST_LEVELS, Level
from risklists.selectors import approved_level_at
from screening.selectors.four_looks import campaign_start, township_review

from .models import ReportRun
from .periods import ReportingWeek, recent_weeks

# The four colours, most serious first, as the plans list them (红橙黄绿).
LEVELS = (Level.RED, Level.ORANGE, Level.YELLOW, Level.GREEN)
TREND_WEEKS = 12
LATEST_PACKS = 6


# --- ratings per township ----------------------------------------------------------------


@dataclass
class TownshipRatings:
    township: OrgUnit
    counts: dict = field(default_factory=dict)  # level -> approved institutions
    not_approved: int = 0

    @property
    def on_list(self) -> int:
        return sum(self.counts.get(level, 0) for level in LIST_LEVELS)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.not_approved


def ratings_by_township(user, townships) -> list[TownshipRatings]:
    """Active institutions per township by approved level; one query."""
    rows = {t.pk: TownshipRatings(t, counts=dict.fromkeys(LEVELS, 0)) for t in townships}
    figures = (
        Institution.objects.visible_to(user)
        .active()
        .filter(township_id__in=rows)
        .values("township_id")
        .annotate(
            **{
                level.value: Count("pk", filter=Q(rating__approved_level=level)) for level in LEVELS
            },
            not_approved=Count("pk", filter=Q(rating__isnull=True) | Q(rating__approved_level="")),
        )
        .order_by()
    )
    for row in figures:
        target = rows[row["township_id"]]
        target.counts = {level: row[level.value] for level in LEVELS}
        target.not_approved = row["not_approved"]
    return list(rows.values())


# --- the weekly trend of the red/orange/yellow list ----------------------------------------


@dataclass
class TrendPoint:
    week: ReportingWeek
    moment: datetime
    counts: dict  # level -> institutions on the list with that approved level at ``moment``


def week_end(week: ReportingWeek, now: datetime) -> datetime:
    """The moment a week's figures are read: its deadline (Tuesday 17:00, when the weekly
    report states them), or now for the week still running."""
    return min(week.deadline, now)


def weekly_trend(user, now: datetime | None = None, weeks: int = TREND_WEEKS) -> list[TrendPoint]:
    """Red, orange and yellow institutions at the end of each of the last ``weeks`` reporting
    weeks, oldest first, from the ledger of approved levels (``LevelChange``); one query.

    An institution counts in a week when its latest approved level at that moment is on the
    list and it was not archived by then.
    """
    now = now or timezone.now()
    points = [TrendPoint(w, week_end(w, now), {}) for w in reversed(recent_weeks(now, weeks))]
    queryset = Institution.objects.visible_to(user).annotate(
        **{f"level_{i}": approved_level_at(p.moment) for i, p in enumerate(points)}
    )
    aggregates = {}
    for i, point in enumerate(points):
        still_open = Q(archived_at__isnull=True) | Q(archived_at__gt=point.moment)
        for level in LIST_LEVELS:
            aggregates[f"{level.value}_{i}"] = Count(
                "pk", filter=Q(**{f"level_{i}": level.value}) & still_open
            )
    totals = queryset.aggregate(**aggregates)
    for i, point in enumerate(points):
        point.counts = {level: totals[f"{level.value}_{i}"] or 0 for level in LIST_LEVELS}
    return points


# --- screening coverage -----------------------------------------------------------------


@dataclass
class Coverage:
    township: OrgUnit | None
    screened: int = 0
    not_screened: int = 0
    official: int | None = None  # the civil-affairs statistics' count, when entered
    summed_to_screen: int | None = None  # the total row: the sum of the townships'

    @property
    def on_registry(self) -> int:
        return self.screened + self.not_screened

    @property
    def to_screen(self) -> int:
        """What there is to screen: the official count when it is larger than the registry."""
        if self.summed_to_screen is not None:
            return self.summed_to_screen
        return max(self.on_registry, self.official or 0)

    @property
    def percent(self) -> int | None:
        if not self.to_screen:
            return None
        return round(100 * self.screened / self.to_screen)


def screening_coverage(user, since: date, townships) -> tuple[list[Coverage], Coverage]:
    """Screened (a submitted visit since the campaign start) and not yet, per township, with
    the official count: the "四看" review's figures (three queries)."""
    review = township_review(user, since, townships=townships)
    rows = [Coverage(r.township, r.screened, r.not_screened, r.official_count) for r in review.rows]
    total = Coverage(
        None,
        review.total.screened,
        review.total.not_screened,
        review.total.official_count,
        summed_to_screen=sum(row.to_screen for row in rows),
    )
    return rows, total


# --- disposal -----------------------------------------------------------------------------


@dataclass
class LevelProgress:
    level: str
    open: int = 0
    overdue: int = 0
    done: int = 0
    not_applicable: int = 0

    @property
    def on_time(self) -> int:
        """Open and not yet overdue."""
        return self.open - self.overdue

    @property
    def total(self) -> int:
        return self.open + self.done + self.not_applicable

    @property
    def percent_done(self) -> int | None:
        closed = self.done + self.not_applicable
        return round(100 * closed / self.total) if self.total else None


def disposal_by_level(user, today: date) -> list[LevelProgress]:
    """Disposal actions open (of which overdue) and done, per level of the case; one query."""
    is_open = Q(status__in=OPEN_STATUSES)
    aggregates = {}
    levels = LEVELS_DOWN
    for level in levels:
        of_level = Q(case__level=level)
        aggregates.update(
            {
                f"open_{level}": Count("pk", filter=of_level & is_open),
                f"overdue_{level}": Count("pk", filter=of_level & is_open & Q(deadline__lt=today)),
                f"done_{level}": Count("pk", filter=of_level & Q(status=ActionStatus.DONE)),
                f"na_{level}": Count("pk", filter=of_level & Q(status=ActionStatus.NOT_APPLICABLE)),
            }
        )
    figures = DisposalAction.objects.visible_to(user).aggregate(**aggregates)
    return [
        LevelProgress(
            level,
            open=figures[f"open_{level}"] or 0,
            overdue=figures[f"overdue_{level}"] or 0,
            done=figures[f"done_{level}"] or 0,
            not_applicable=figures[f"na_{level}"] or 0,
        )
        for level in levels
    ]


# --- the whole page -----------------------------------------------------------------------


@dataclass
class Dashboard:
    today: date
    since: date
    townships: list
    ratings: list[TownshipRatings]
    trend: list[TrendPoint]
    coverage: list[Coverage]
    coverage_total: Coverage
    disposal: list[LevelProgress]
    board_total: object
    board_rows: list
    packs: list[ReportRun]

    @property
    def level_totals(self) -> dict:
        totals = dict.fromkeys(LEVELS, 0)
        for row in self.ratings:
            for level, n in row.counts.items():
                totals[level] += n
        return totals

    @property
    def on_list(self) -> int:
        return sum(row.on_list for row in self.ratings)

    @property
    def not_approved(self) -> int:
        return sum(row.not_approved for row in self.ratings)

    @property
    def institutions(self) -> int:
        return sum(row.total for row in self.ratings)

    @property
    def zeroing_rows(self) -> list:
        """Townships with venues on the 清零 ledger, in the order of the other charts."""
        order = {t.pk: i for i, t in enumerate(self.townships)}
        rows = [(unit, f) for unit, f in self.board_rows if f.zeroing_total]
        return sorted(rows, key=lambda row: order.get(row[0].pk, len(order)))

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws, as plain JSON (labels are translated here)."""
        names = [t.name for t in self.townships]
        level_names = {level: str(Level(level).label) for level in LEVELS}
        return {
            "ratings": {
                "townships": names,
                "series": [
                    {
                        "level": level.value,
                        "name": level_names[level],
                        "values": [row.counts[level] for row in self.ratings],
                    }
                    for level in LEVELS
                ],
                "not_approved": [row.not_approved for row in self.ratings],
            },
            "trend": {
                "weeks": [p.week.label for p in self.trend],
                "dates": [timezone.localtime(p.moment).strftime("%m-%d") for p in self.trend],
                "series": [
                    {
                        "level": level.value,
                        "name": level_names[level],
                        "values": [p.counts[level] for p in self.trend],
                    }
                    for level in LIST_LEVELS
                ],
            },
            "coverage": {
                "townships": [row.township.name for row in self.coverage],
                "screened": [row.screened for row in self.coverage],
                "not_screened": [row.not_screened for row in self.coverage],
                "official": [row.official for row in self.coverage],
            },
            "disposal": {
                "levels": [row.level for row in self.disposal],
                "names": [str(Level(row.level).label) for row in self.disposal],
                "overdue": [row.overdue for row in self.disposal],
                "on_time": [row.on_time for row in self.disposal],
                "done": [row.done + row.not_applicable for row in self.disposal],
            },
            "zeroing": {
                "townships": [unit.name for unit, _ in self.zeroing_rows],
                "crossed_off": [f.zeroing_crossed_off for _, f in self.zeroing_rows],
                "remaining": [
                    f.zeroing_total - f.zeroing_crossed_off for _, f in self.zeroing_rows
                ],
            },
        }

    @property
    def township_rows(self) -> list[dict]:
        """One row per township joining the figures above, for the table under the charts."""
        coverage = {row.township.pk: row for row in self.coverage}
        boards = {unit.pk: figures for unit, figures in self.board_rows}
        return [
            {
                "township": row.township,
                "ratings": row,
                "coverage": coverage.get(row.township.pk),
                "board": boards.get(row.township.pk),
            }
            for row in self.ratings
        ]


def dashboard(user, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, for the user's unit subtree; a constant number of
    queries (about a dozen) whatever the data size."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = campaign_start(today)
    townships = visible_townships(user)
    coverage, coverage_total = screening_coverage(user, since, townships)
    board_total, board_rows = board(user, today=today)
    packs = list(
        ReportRun.objects.visible_to(user).latest_done().select_related("unit")[:LATEST_PACKS]
    )
    return Dashboard(
        today=today,
        since=since,
        townships=townships,
        ratings=ratings_by_township(user, townships),
        trend=weekly_trend(user, now),
        coverage=coverage,
        coverage_total=coverage_total,
        disposal=disposal_by_level(user, today),
        board_total=board_total,
        board_rows=board_rows,
        packs=packs,
    )
