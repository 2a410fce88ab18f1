"""The one clock: every page and service that asks "what time is it?" asks here, so a test
(or the demo) sets the time in one place; and the calendar arithmetic done on its dates.

Times are aware (UTC inside, Asia/Shanghai on every page); ``today()`` is the date in
Asia/Shanghai, the date a township's staff see on their wall calendar.
"""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())


def localdate(moment: datetime | None = None) -> date:
    """The Asia/Shanghai date of ``moment``; ``today()`` when not given (one clock to set)."""
    return today() if moment is None else timezone.localdate(moment)


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
