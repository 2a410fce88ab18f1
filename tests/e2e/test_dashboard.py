"""A leader opens the dashboard: plotly.js (from our static files) draws every chart."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disposal.models import ActionStatus, DisposalAction, ZeroingEntry, ZeroingStatus
from disposal.services.actions import apply_level
from reporting.choices import ReportSet, RunStatus
from reporting.models import ReportRun
from reporting.periods import current_week
from screening.models import OfficialCount
from tests.factories import InstitutionFactory, TownshipFactory, VenueFactory
from tests.reporting.test_dashboard import approve
from tests.screening.factories import SubmittedVisitFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 375
CHARTS = ("ratings", "trend", "coverage", "disposal", "zeroing")
LEVELS = ("red", "orange", "yellow", "green")


def small_county(county, county_user):
    """Six townships with ratings approved over the last weeks, visits, actions, venues."""
    now = timezone.now()
    today = timezone.localdate()
    names = ("开云镇", "白果镇", "店门镇", "长江镇", "新桥镇", "萱洲镇")
    for n, name in enumerate(names):
        township = TownshipFactory(name=name, parent=county, code=f"43042310{n}")
        for k in range(3 + n % 3):
            institution = InstitutionFactory(township=township)
            level = LEVELS[(n + k) % 4]
            approve(institution, level, now - timedelta(weeks=(n + 2 * k) % 11, days=1))
            if k < 2:
                SubmittedVisitFactory(institution=institution, visited_on=today)
            if level in ("orange", "red") and k == 0:
                apply_level(
                    institution, level, user=county_user, today=today - timedelta(days=5 * n)
                )
        OfficialCount.objects.create(unit=township, as_of=today, institutions=5 + n % 2)
        for k in range(n % 3):
            venue = VenueFactory(township=township)
            if k == 0:
                ZeroingEntry.objects.create(institution=venue, status=ZeroingStatus.CROSSED_OFF)
    first = DisposalAction.objects.order_by("pk").first()
    DisposalAction.objects.filter(pk=first.pk).update(status=ActionStatus.DONE)
    week = current_week().previous()
    ReportRun.objects.create(
        unit=county,
        report_set=ReportSet.DISTRICT_WEEKLY,
        year=week.year,
        week=week.week,
        status=RunStatus.DONE,
        requested_at=now,
        finished_at=now,
    )


def test_leader_sees_the_charts_drawn(page, login, screenshot, county, county_user, leader):
    small_county(county, county_user)
    login(page, "leader")  # a leader's home is the dashboard

    page.wait_for_url("**/reporting/dashboard/")
    for chart in CHARTS:
        page.wait_for_selector(f"#chart-{chart} svg.main-svg")
    # the stacked ratings carry the four colours' Chinese names in their legend
    legend = page.locator("#chart-ratings .legend").text_content()
    for name in ("红色", "橙色", "黄色", "绿色"):
        assert name in legend
    assert page.locator("#chart-ratings .bars .point").count() > 0
    assert page.locator("#latest-packs a.btn").count() == 1
    screenshot(page, "dashboard-leader")


def test_the_dashboard_fits_a_phone(phone_page, login, screenshot, county, county_user, leader):
    small_county(county, county_user)
    login(phone_page, "leader")

    phone_page.goto("/reporting/dashboard/")
    phone_page.wait_for_selector("#chart-ratings svg.main-svg")
    phone_page.wait_for_selector("#chart-trend svg.main-svg")

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    screenshot(phone_page, "dashboard-phone")
