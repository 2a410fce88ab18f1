"""The county section builds the weekly pack from a page; a leader downloads it."""

import zipfile

import pytest

from reporting import packs
from reporting.choices import ReportSet, RunStatus
from reporting.models import ReportRun
from reporting.periods import current_week
from tests.factories import InstitutionFactory
from tests.reporting.factories import PublicityActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_builds_the_weekly_pack_and_a_leader_downloads_it(
    page, login, screenshot, county_user, leader, township, tmp_path
):
    week = current_week().previous()
    PublicityActivityFactory(township=township, held_on=week.first_day, leaflets=120)
    InstitutionFactory(township=township)

    login(page, "county")
    page.goto("/reporting/packs/")
    page.select_option("#id_report_set", ReportSet.DISTRICT_WEEKLY)
    page.select_option("#id_week", week.label)
    screenshot(page, "packs-request")
    page.click("#request-pack-submit")
    page.wait_for_url("**/reporting/packs/*/")
    assert page.locator("[data-run-status]").first.get_attribute("data-run-status") == "done"
    assert page.locator("[data-progress-bar]").inner_text() == "100%"
    expected = len(packs.attachments_of(ReportSet.DISTRICT_WEEKLY))
    assert page.locator("[data-run-files] li").count() == expected
    screenshot(page, "packs-done")
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/**")

    login(page, "leader")
    page.goto("/reporting/packs/")
    with page.expect_download() as info:
        page.locator("[data-download-zip]").first.click()
    download = info.value
    assert download.suggested_filename == f"衡山县_{week.label}_周报附件.zip"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with zipfile.ZipFile(target) as bundle:
        names = sorted(bundle.namelist())
    assert names == sorted(
        a.filename for a in packs.attachments_of(ReportSet.DISTRICT_WEEKLY).values()
    )
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE and run.requested_by == county_user
