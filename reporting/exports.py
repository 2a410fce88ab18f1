"""Reporting's lists as spreadsheets, as their pages show them: the weekly reports' states with
their texts (this week's work, good practices and cases, difficulties and suggestions),
through the one writer (``core.xlsx``)."""

from django.utils.translation import gettext_lazy as _

from core.exports import list_table, plain
from core.xlsx import Column


def _state(status) -> str:
    label = str(status.state_label)
    return f"{label} {_('Draft')}" if status.is_draft else label


def _report(name):
    return lambda status: getattr(status.report, name, "") if status.report else ""


WEEKLY_TABLE = list_table(
    _("Weekly reports"),
    (
        Column("township", (_("Township / street"),), width=12, value=lambda s: s.township.name),
        Column("week", (_("Week"),), width=10, value=lambda s: s.week.label),
        Column(
            "period",
            (_("Period covered"),),
            width=24,
            value=lambda s: f"{s.week.first_day:%Y-%m-%d} – {s.week.last_day:%Y-%m-%d}",
        ),
        Column("deadline", (_("Deadline"),), width=17, value=lambda s: plain(s.week.deadline)),
        Column("state", (_("State"),), width=16, value=_state),
        Column(
            "submitted_at",
            (_("Submitted at"),),
            width=17,
            value=lambda s: plain(s.report.submitted_at) if s.report else "",
        ),
        Column(
            "submitted_by",
            (_("Submitted by"),),
            width=16,
            value=lambda s: str(s.report.submitted_by or "") if s.report else "",
        ),
        Column("summary", (_("This week's work"),), width=50, value=_report("summary")),
        Column(
            "practices_and_cases",
            (_("Good practices and typical cases"),),
            width=40,
            value=_report("practices_and_cases"),
        ),
        Column(
            "problems_and_suggestions",
            (_("Difficulties, problems and suggestions"),),
            width=40,
            value=_report("problems_and_suggestions"),
        ),
    ),
)
