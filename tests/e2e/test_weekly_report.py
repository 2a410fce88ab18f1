"""A township writes its weekly report (300 characters at most, counted live) and submits it."""

import pytest

from reporting.choices import WeeklyStatus
from reporting.models import WeeklyReport
from reporting.periods import current_week
from tests.reporting.factories import PublicityActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 375


def test_township_writes_and_submits_the_weekly_report(
    page, login, screenshot, township_user, township
):
    week = current_week()
    PublicityActivityFactory(township=township, held_on=week.first_day, leaflets=120)
    login(page, "kaiyun")

    page.goto("/reporting/weekly/")
    page.click(f"a[href='/reporting/weekly/{week.year}/{week.week}/edit/']")
    page.wait_for_url(f"**/reporting/weekly/{week.year}/{week.week}/edit/")
    assert page.inner_text("[data-figure=leaflets]") == "120"

    summary = "本周开展“三进”宣传2场，排查走访养老机构3家，发现风险隐患1处，已督促整改。"
    page.fill("#id_summary", summary)
    assert page.inner_text("[data-char-count]") == str(len(summary))
    page.fill("#id_summary", "排" * 301)
    assert page.inner_text("[data-char-count]") == "301"
    assert "is-invalid" in page.get_attribute("#id_summary", "class")
    page.fill("#id_summary", summary)
    page.fill("#id_cases_filed", "1")
    screenshot(page, "weekly-report-form")

    page.click("button[name=action][value=submit]")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert "县级生成本周报表前" in dialog.inner_text()
    screenshot(page, "weekly-report-confirm")
    dialog.locator("[data-confirm-ok]").click()
    page.wait_for_url("**/reporting/weekly/*/")

    assert "已报送" in page.locator("[data-message]").first.inner_text()
    assert summary in page.content()
    screenshot(page, "weekly-report-detail")
    report = WeeklyReport.objects.get(township=township)
    assert report.status == WeeklyStatus.SUBMITTED
    assert report.summary == summary
    assert report.cases_filed == 1
    assert report.publicity_figures["leaflets"] == 120

    # Taken back before the county builds the week's pack: a draft again, nothing lost.
    page.click("button:has-text('撤回')")
    dialog.wait_for(state="visible")
    dialog.locator("[data-confirm-ok]").click()
    page.wait_for_url("**/reporting/weekly/*/*/edit/")
    assert page.input_value("#id_summary") == summary
    report.refresh_from_db()
    assert report.status == WeeklyStatus.DRAFT


def test_the_weekly_report_form_fits_a_phone(phone_page, login, township_user):
    week = current_week()
    login(phone_page, "kaiyun")

    phone_page.goto(f"/reporting/weekly/{week.year}/{week.week}/edit/")
    phone_page.fill("#id_summary", "本周工作")

    assert phone_page.inner_text("[data-char-count]") == "4"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_the_county_returns_a_report_with_a_reason_and_the_township_sees_it(
    browser, live_server, login, screenshot, township_user, county_user, other_township
):
    from reporting import services

    week = current_week()
    report = services.save_weekly_report(
        user=township_user, week=week, summary="本周宣传2场。", results={}, submit=True
    )
    reason = "宣传场次与附件5不一致，请核对后重报"

    county = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = county.new_page()
    login(page, "county")
    page.goto(f"/reporting/weekly/?week={week.label}")
    # 催报 the township that has not reported, from the week page
    page.click("#remind-all")
    page.locator("#confirm-dialog [data-confirm-ok]").click()
    page.wait_for_load_state("load")
    assert "已向 1 个乡镇" in page.locator("[data-message]").first.inner_text()
    page.goto(report.get_absolute_url())
    page.fill("#weekly-review textarea[name=reason]", reason)
    page.click("#weekly-review button:has-text('退回')")
    page.wait_for_load_state("load")
    assert "周报已退回" in page.locator("[data-message]").first.inner_text()
    screenshot(page, "weekly-returned-county")
    county.close()

    township = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 812}
    )
    page = township.new_page()
    login(page, "kaiyun")
    notice = page.locator("#weekly-notices")
    assert reason in notice.inner_text()
    screenshot(page, "weekly-returned-township-home")
    notice.locator("a").first.click()
    page.wait_for_url("**/edit/")
    assert reason in page.locator("#return-reason").inner_text()
    assert page.input_value("#id_summary") == "本周宣传2场。"
    township.close()
    report.refresh_from_db()
    assert report.status == WeeklyStatus.DRAFT and report.return_reason == reason
