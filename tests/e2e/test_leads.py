import pytest
from django.utils import timezone

from screening.models import Lead, LeadChannel, LeadStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_user_records_a_12337_lead_and_verifies_it_on_a_phone(
    phone_page, login, screenshot, township_user, township
):
    page = phone_page
    login(page, "kaiyun")
    page.click("button.navbar-toggler")
    page.click("#menu-screening")
    page.click("nav >> text=线索")
    page.wait_for_url("**/screening/leads/")
    page.click("text=登记线索")

    page.select_option("#id_channel", LeadChannel.PLATFORM_12337)
    page.fill("#id_reference", "12337-2026-0815")
    page.fill("#id_reporter_name", "李桂兰")
    page.fill("#id_reporter_phone", "13800001111")
    page.fill("#id_subject", "开云镇某养生馆")
    page.fill("#id_content", "以办卡充值为名收取老人预付费，承诺返利。")
    screenshot(page, "lead-form-phone")
    page.click("input[type=submit][name=save]")

    page.wait_for_url("**/screening/leads/*/")
    assert page.locator("h1").inner_text() == "开云镇某养生馆"
    assert "已接收" in page.locator("main").inner_text()
    page.select_option("#id_is_fraud_related", "yes")
    page.fill("#id_note", "现场核实属实")
    page.click("#next-step button[type=submit]")

    page.wait_for_url("**/screening/leads/*/")
    assert "已核实" in page.locator("[data-message]").inner_text()
    screenshot(page, "lead-verified-phone")
    lead = Lead.objects.get()
    assert lead.unit == township
    assert lead.channel == LeadChannel.PLATFORM_12337
    assert lead.status == LeadStatus.VERIFIED
    assert lead.is_fraud_related is True
    assert lead.verified_on == timezone.localdate()
    assert lead.handler == township_user
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
