"""What the reporting pages share."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..periods import ReportingWeek, current_week

HISTORY_EXCLUDED = ("scope_path", "updated_at")


def week_from_param(value, now) -> ReportingWeek:
    """The week named by a ``?week=2026-W48`` parameter (the current one when empty); 404
    for a week that does not exist."""
    if not value:
        return current_week(now)
    try:
        return ReportingWeek.parse(value)
    except ValueError as exc:
        raise Http404(_("No such week.")) from exc
