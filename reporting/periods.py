"""The weekly reporting period and its deadline (区县方案·加强信息报送).

The plan: "每周二下午17时前，报送本周工作情况(300字以内)、专项行动宣传统计表(附件5)、战果表(附件6)".
A reporting week is named by the ISO week (year, week) that contains its deadline, the
Tuesday at 17:00 Asia/Shanghai. It covers the seven days ending on that Tuesday, Wednesday
of the ISO week before through Tuesday (activities are counted by their date), so that
every day belongs to exactly one week and the report due on Tuesday tells "this week's"
work up to the moment it is written. From Tuesday 17:00 the next week is the current one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DEADLINE_WEEKDAY = 2  # ISO: Tuesday
DEADLINE_TIME = time(17, 0)
WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{1,2})$")


def local_tz():
    return timezone.get_default_timezone()


@dataclass(frozen=True, order=True)
class ReportingWeek:
    year: int
    week: int

    def __post_init__(self):
        # Raises ValueError for a week that does not exist (e.g. 2021-W53).
        date.fromisocalendar(self.year, self.week, DEADLINE_WEEKDAY)

    @classmethod
    def parse(cls, label: str) -> ReportingWeek:
        """'2026-W48' → ReportingWeek(2026, 48); ValueError for anything else."""
        match = WEEK_LABEL.match((label or "").strip())
        if not match:
            raise ValueError(label)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing_deadline_on(cls, day: date) -> ReportingWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def __str__(self):
        return self.label

    @property
    def due_day(self) -> date:
        return date.fromisocalendar(self.year, self.week, DEADLINE_WEEKDAY)

    @property
    def first_day(self) -> date:
        return self.due_day - timedelta(days=6)

    @property
    def last_day(self) -> date:
        return self.due_day

    @property
    def deadline(self) -> datetime:
        return datetime.combine(self.due_day, DEADLINE_TIME, tzinfo=local_tz())

    @property
    def reminder_from(self) -> datetime:
        """Reminders go out on Tuesday morning: from 00:00 of the due day."""
        return datetime.combine(self.due_day, time(0, 0), tzinfo=local_tz())

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time(0, 0), tzinfo=local_tz())

    def shifted(self, weeks: int) -> ReportingWeek:
        return ReportingWeek.containing_deadline_on(self.due_day + timedelta(weeks=weeks))

    def next(self) -> ReportingWeek:
        return self.shifted(1)

    def previous(self) -> ReportingWeek:
        return self.shifted(-1)

    def cutoff(self, now: datetime) -> datetime:
        """The one moment a pack of this week reads its figures at: the deadline, or ``now``
        while the week is not yet due (a pack of a past week rebuilt later reads the same)."""
        return min(self.deadline, now)

    def is_due(self, now: datetime) -> bool:
        return now > self.deadline

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at


def current_week(now: datetime | None = None) -> ReportingWeek:
    """The week being reported at ``now``: the one whose deadline is the next to come."""
    now = now or timezone.now()
    local = timezone.localtime(now, local_tz())
    week = ReportingWeek.containing_deadline_on(local.date())
    if local > week.deadline:
        week = week.next()
    return week


def recent_weeks(now: datetime | None = None, count: int = 12) -> list[ReportingWeek]:
    """The current week and the ``count - 1`` before it, newest first."""
    week = current_week(now)
    return [week.shifted(-i) for i in range(count)]


MONTH_LABEL = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class ReportingMonth:
    """The month of 月调度: the reporting weeks whose Tuesday deadline falls in the calendar
    month. It covers the days of those weeks (Wednesday of the first to the last Tuesday),
    so that every day belongs to exactly one week and every week to exactly one month: a
    month's figures are its weeks' figures, and its texts are its weeks' texts."""

    year: int
    month: int

    def __post_init__(self):
        date(self.year, self.month, 1)  # ValueError for a month that does not exist

    @classmethod
    def parse(cls, label: str) -> ReportingMonth:
        """'2026-12' → ReportingMonth(2026, 12); ValueError for anything else."""
        match = MONTH_LABEL.match((label or "").strip())
        if not match:
            raise ValueError(label)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of_week(cls, week: ReportingWeek) -> ReportingMonth:
        return cls(week.due_day.year, week.due_day.month)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def __str__(self):
        return self.label

    @property
    def weeks(self) -> list[ReportingWeek]:
        day = date(self.year, self.month, 1)
        while day.isoweekday() != DEADLINE_WEEKDAY:
            day += timedelta(days=1)
        weeks = []
        while day.month == self.month:
            weeks.append(ReportingWeek.containing_deadline_on(day))
            day += timedelta(weeks=1)
        return weeks

    @property
    def first_day(self) -> date:
        return self.weeks[0].first_day

    @property
    def last_day(self) -> date:
        return self.weeks[-1].last_day

    @property
    def last_week(self) -> ReportingWeek:
        return self.weeks[-1]

    def has_started(self, now: datetime) -> bool:
        return self.weeks[0].has_started(now)

    def next(self) -> ReportingMonth:
        return ReportingMonth(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> ReportingMonth:
        return ReportingMonth(self.year - (self.month == 1), (self.month - 2) % 12 + 1)
