"""A township worker records a screening visit on a phone (375×812) at the door."""

import pytest

from screening.models import ResidentInterview, ScreeningVisit, VisitStatus, YesNoUnknown
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 375


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_township_staff_record_and_submit_a_visit_on_a_phone(
    phone_page, login, screenshot, township_user, township
):
    page = phone_page
    institution = InstitutionFactory(township=township, name="开云镇康乐颐养院")
    login(page, "kaiyun")

    page.goto(institution.get_absolute_url())
    page.click("#screening-visits >> text=记录走访")
    page.wait_for_url("**/screening/visits/new/?institution=*")
    assert fits_the_phone(page)

    page.check("input[name=method][value=unannounced]")
    page.check("input[name=round][value=look_back]")
    page.fill("#id_operating_entity", "衡山康乐养老服务有限公司")
    page.fill("#id_marketing_methods", "免费体检、赠送鸡蛋，推销会员卡")
    page.fill("#id_charging_methods", "按月收费；另售“终身会员卡”")
    page.fill("#id_related_companies_found", "康乐健康管理有限公司")
    page.check("input[name=large_prepayment_found][value=yes]")
    page.fill("#id_prepayment_payers_reported", "23")
    page.select_option("#id_fund_use", "irregular")
    page.check("#id_promised_returns")
    page.check("#id_false_advertising")
    page.check("#id_poster_displayed")
    page.fill("#id_interviews-0-interviewee", "刘奶奶")
    page.check("input[name='interviews-0-prepayment_collected'][value=yes]")
    page.fill("#id_interviews-0-amount_mentioned", "30000")
    page.check("input[name='interviews-0-risks_explained'][value=no]")
    page.fill("#id_findings", "现场发现“投资床位年返8%”宣传单。")
    assert page.get_attribute("#id_prepayment_payers_reported", "inputmode") == "numeric"
    assert page.get_attribute("#id_visited_on", "type") == "date"
    assert fits_the_phone(page)
    screenshot(page, "visit-phone-form")

    # Submitting asks first and says what happens next; "cancel" leaves the form as it is.
    page.click("button[name=action][value=submit]")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert "县级科室审核评级前" in dialog.inner_text()
    assert fits_the_phone(page)
    screenshot(page, "visit-phone-confirm")
    dialog.locator("button:has-text('取消')").click()
    dialog.wait_for(state="hidden")
    assert not ScreeningVisit.objects.filter(institution=institution).exists()
    assert page.input_value("#id_findings") == "现场发现“投资床位年返8%”宣传单。"
    page.click("button[name=action][value=submit]")
    dialog.wait_for(state="visible")
    dialog.locator("[data-confirm-ok]").click()
    page.wait_for_url("**/screening/visits/*/")

    assert "走访记录已提交" in page.locator("[data-message]").first.inner_text()
    assert "刘奶奶" in page.content()
    assert fits_the_phone(page)
    screenshot(page, "visit-phone-detail")
    visit = ScreeningVisit.objects.get(institution=institution)
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.staff == township_user
    assert visit.round == "look_back"
    assert visit.promised_returns and visit.false_advertising
    assert visit.prepayment_payers_reported == 23
    interview = ResidentInterview.objects.get(visit=visit)
    assert interview.prepayment_collected == YesNoUnknown.YES
    assert interview.risks_explained == YesNoUnknown.NO

    page.goto(institution.get_absolute_url())
    assert "已提交" in page.locator("#screening-visits").inner_text()
    screenshot(page, "visit-phone-institution")


def test_a_second_interview_is_added_on_the_phone(phone_page, login, township_user, township):
    page = phone_page
    institution = InstitutionFactory(township=township)
    login(page, "kaiyun")
    page.goto(f"/screening/visits/new/?institution={institution.pk}")

    page.fill("#id_interviews-0-interviewee", "甲")
    page.click("#add-interview")
    page.fill("#id_interviews-1-interviewee", "乙（女儿代答）")
    page.check("#id_interviews-1-is_agent")
    page.click("button[name=action][value=draft]")
    page.wait_for_url("**/screening/visits/*/")

    visit = ScreeningVisit.objects.get(institution=institution)
    assert visit.status == VisitStatus.DRAFT
    assert sorted(i.interviewee for i in visit.interviews.all()) == ["乙（女儿代答）", "甲"]
    assert fits_the_phone(page)
