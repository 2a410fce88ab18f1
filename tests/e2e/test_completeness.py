"""A city user opens 报送情况 (completeness and timeliness up the tree, issue 16): the
chart is drawn from the site's own plotly, the console stays clean, the visible text is
Chinese, and a county's row opens its townships."""

from datetime import timedelta

import pytest

from accounts.models import Role, UnitLevel
from reporting.choices import WeeklyStatus
from reporting.periods import current_week
from tests.factories import CountyFactory, TownshipFactory, UserFactory
from tests.reporting.factories import WeeklyReportFactory

from .test_journeys import ALLOWED_WORDS, Problems, english_words, watch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city_user():
    city = CountyFactory(name="衡阳市", level=UnitLevel.CITY)
    week = current_week().previous()
    for c, county_name in enumerate(("衡山县", "衡东县", "衡南县")):
        county = CountyFactory(name=county_name, parent=city, code=f"43042{c}")
        for t in range(4):
            township = TownshipFactory(
                name=f"{county_name[:2]}{t}镇", parent=county, code=f"43042{c}{t:03d}"
            )
            if t == 3:
                continue  # not submitted: missing
            late = t == 2
            WeeklyReportFactory(
                township=township,
                year=week.year,
                week=week.week,
                status=WeeklyStatus.SUBMITTED,
                submitted_at=week.deadline + (timedelta(hours=2) if late else -timedelta(hours=2)),
            )
    return UserFactory(username="hengyang", unit=city, role=Role.COUNTY_REVIEWER)


def test_a_city_user_opens_the_completeness_page(page, login, city_user, screenshot):
    problems = Problems()
    watch(page, problems)
    login(page, "hengyang")
    page.goto("/reporting/completeness/")
    page.wait_for_load_state("networkidle")
    page.locator("#completeness-chart .main-svg").first.wait_for()
    assert page.locator("#completeness-table tbody tr").count() == 3
    assert page.locator('[data-total="missing"]').inner_text() == "3"
    allowed = ALLOWED_WORDS | {"hengyang"}
    assert english_words(page, allowed) == set()
    screenshot(page, "completeness-city")

    page.locator("#completeness-table tbody a", has_text="衡山县").click()
    page.wait_for_load_state("networkidle")
    page.locator("#completeness-chart .main-svg").first.wait_for()
    assert page.locator("#completeness-table tbody tr").count() == 4
    assert english_words(page, allowed) == set()
    assert problems.items == [], "\n".join(problems.items)
