"""Round windows (衡山县 §一.二 第五) in the browser: the county section sets them, the
review shows them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from screening.models import CampaignRound, ScreeningRound, ScreeningVisit, VisitStatus
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_section_sets_the_first_round_and_the_review_shows_it_overdue(
    page, login, screenshot, county_user, township, other_township, township_user
):
    today = timezone.localdate()
    visited = InstitutionFactory(township=township, name="开云镇福寿养老院")
    InstitutionFactory(township=township, name="开云镇夕阳红老年公寓")
    InstitutionFactory(township=other_township, name="白果镇颐养院")
    ScreeningVisit.objects.create(
        institution=visited,
        visited_on=today - timedelta(days=20),
        staff=township_user,
        status=VisitStatus.SUBMITTED,
    )
    login(page, "county")
    page.goto("/screening/review/rounds/")
    page.fill("#id_first_starts_on", (today - timedelta(days=30)).isoformat())
    page.fill("#id_first_ends_on", (today - timedelta(days=3)).isoformat())
    page.fill("#id_covert_starts_on", (today - timedelta(days=2)).isoformat())
    page.fill("#id_covert_ends_on", (today + timedelta(days=8)).isoformat())
    screenshot(page, "round-windows-form")
    page.click("input[type=submit][name=save]")

    page.wait_for_url("**/screening/review/rounds/")
    assert "已保存" in page.locator("[data-message]").inner_text()
    assert "修改记录" in page.locator("#history").inner_text()
    assert CampaignRound.objects.filter(kind=ScreeningRound.FIRST).exists()
    page.goto("/screening/review/")
    rounds = page.locator("#rounds")
    assert "已逾期 3 天" in rounds.inner_text()
    assert "剩余 8 天" in rounds.inner_text()
    screenshot(page, "round-windows-four-looks")
    rounds.locator(f"tr[data-round-township='{township.pk}'] a[data-to-cover]").click()
    page.wait_for_url("**/screening/review/not-screened/**")
    assert "开云镇夕阳红老年公寓" in page.locator("main").inner_text()
    assert "开云镇福寿养老院" not in page.locator("main").inner_text()
