"""Spot checks (衡山县 §三.三 随机检查) in the browser: the county section draws, the
township visits."""

import pytest

from screening.models import SpotCheckDraw
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_section_draws_and_the_township_starts_a_covert_visit(
    page, login, screenshot, county_user, township, township_user
):
    for n in range(6):
        InstitutionFactory(township=township, name=f"开云镇第{n + 1}养老院")
    login(page, "county")
    page.goto("/screening/review/spot-checks/")
    page.fill("#id_size", "3")
    page.select_option("#id_township", str(township.pk))
    page.fill("#id_note", "暗访督查第一周")
    page.click("input[type=submit][name=draw]")

    page.wait_for_url("**/screening/review/spot-checks/*/")
    draw = SpotCheckDraw.objects.get()
    assert str(draw.seed) in page.locator("[data-seed]").inner_text()
    assert page.locator("[data-replayed]").count() == 1
    assert page.locator("tr[data-item]").count() == 3
    screenshot(page, "spot-check-draw")

    page.click("text=退出")
    login(page, "kaiyun")
    page.goto(draw.get_absolute_url())
    page.locator("a[data-start-visit]").first.click()
    page.wait_for_url("**/screening/visits/new/**")
    assert page.locator("input[name=round][value=covert]").is_checked()
