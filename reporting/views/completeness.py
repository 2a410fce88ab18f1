"""Completeness and timeliness up the tree: a city or province (or a county, for itself)
sees for a week or a month whether every unit below reported, and on time; a county's row
opens its townships. County-level users only; another city's county answers 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.models import OrgUnit, UnitLevel
from core import clock

from ..choices import REVIEW_STYLES, PeriodKind, ReviewState
from ..periods import ReportingMonth, current_week
from ..selectors.completeness import completeness
from .common import week_from_param
from .county import COUNTY_REVIEW_LABELS


class CompletenessView(View):
    def get(self, request, unit=None):
        user = request.user
        if not user.is_county_level:
            raise PermissionDenied(
                _("Only county-level units see the reporting of the units below.")
            )
        county = None
        if unit is not None:
            county = get_object_or_404(
                OrgUnit.objects.visible_to(user).filter(level=UnitLevel.COUNTY), pk=unit
            )
        now = clock.now()
        try:
            if request.GET.get("month"):
                period = ReportingMonth.parse(request.GET["month"])
            elif request.GET.get("week"):
                period = week_from_param(request.GET["week"], now)
            else:
                # The week whose Tuesday deadline passed last: its reporting is complete.
                period = current_week(now).previous()
            started = period.has_started(now)
        except (ValueError, OverflowError) as exc:  # past the calendar's ends
            raise Http404(_("No such period.")) from exc
        if not started:
            raise Http404(_("This period has not started yet."))
        found = completeness(user, period, county=county, now=now)
        is_month = found.kind == PeriodKind.MONTH
        param = "month" if is_month else "week"
        following, preceding = _shifted(period, 1), _shifted(period, -1)
        for row in found.rows:
            row.county_label = COUNTY_REVIEW_LABELS.get(row.county_state, _("Not written"))
            row.county_style = REVIEW_STYLES.get(row.county_state, "text-bg-light border")
            if county is None:
                row.drill_url = reverse("reporting:completeness_county", args=[row.unit.pk])
                row.report_url = _county_report_url(row.unit, period, is_month)
        week = period if not is_month else period.last_week
        if is_month:
            title = _("%(month)d/%(year)d") % {"year": period.year, "month": period.month}
        else:
            title = _("Week %(week)d of %(year)d") % {"year": period.year, "week": period.week}
        context = {
            "period_title": title,
            "found": found,
            "period": period,
            "is_month": is_month,
            "county": county,
            "param": param,
            "previous": preceding.label if preceding else "",
            "next": following.label if following and following.has_started(now) else "",
            "week_label": week.label,
            "month_label": ReportingMonth.of_week(week).label if not is_month else period.label,
            "chart": {
                **found.chart(),
                "labels": {
                    "on_time": str(_("Submitted on time")),
                    "late": str(_("Submitted late")),
                    "missing": str(_("Not submitted by the deadline")),
                    "pending": str(_("Not yet due")),
                },
            },
            "review_states": ReviewState,
        }
        return render(request, "reporting/completeness.html", context)


def _shifted(period, step: int):
    """The period before or after, None past the calendar's ends (year 1, year 9999)."""
    try:
        return period.next() if step > 0 else period.previous()
    except (ValueError, OverflowError):
        return None


def _county_report_url(unit, period, is_month) -> str:
    if is_month:
        return reverse("reporting:county_monthly", args=[unit.pk, period.year, period.month])
    return reverse("reporting:county_weekly", args=[unit.pk, period.year, period.week])
