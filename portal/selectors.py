"""Reads of the project's own pages: what the home page shows each role, and what needs the
county section's attention now (``attention.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from institutions.models import Institution
from institutions.selectors import incomplete_institutions, incomplete_q, township_summary
from reporting.selectors import weekly
from risklists.selectors import returned_proposals
from risklists.services import can_submit

RECENT = 8


@dataclass
class Home:
    townships: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    incomplete: list = field(default_factory=list)
    recent: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    weekly_returned: list = field(default_factory=list)  # weekly reports the county sent back
    weekly_reminders: list = field(default_factory=list)  # 催报 of weeks not yet submitted
    # The county's own reports the unit above sent back (returned or reopened).
    county_returned: list = field(default_factory=list)


def home(user) -> Home:
    """The user's townships with their counts and totals, the records still incomplete and
    the last ones changed: a constant number of queries whatever the registry's size."""
    visible = Institution.objects.visible_to(user).active()
    rows = list(township_summary(user))
    totals = {
        "institutions": sum(r.n_institutions for r in rows),
        "venues": sum(r.n_venues for r in rows),
        "beds": sum(r.n_beds or 0 for r in rows),
        "residents": sum(r.n_residents or 0 for r in rows),
        "incomplete": visible.filter(incomplete_q()).count(),
    }
    notices = weekly.notices(user) if weekly.reporting_township(user) is not None else None
    return Home(
        townships=rows,
        totals=totals,
        incomplete=list(incomplete_institutions(user)),
        recent=list(visible.select_related("township").order_by("-updated_at")[:RECENT]),
        returned=returned_proposals(user) if can_submit(user) else [],
        weekly_returned=notices.returned if notices else [],
        weekly_reminders=notices.open_reminders if notices else [],
        county_returned=county_reports_returned(user),
    )


def county_reports_returned(user) -> list:
    """A county section's own weekly reports and monthly summaries the unit above returned
    and the county has not submitted again (one query; none for anyone else)."""
    from accounts.models import UnitLevel
    from reporting.models import CountyReport

    unit = user.unit if user.unit_id else None
    if not user.can_review or unit is None or unit.level != UnitLevel.COUNTY:
        return []
    return list(
        CountyReport.objects.visible_to(user)
        .filter(unit=unit, status="draft")
        .exclude(return_reason="")
        .select_related("returned_by")
        .order_by("-returned_at")
    )
