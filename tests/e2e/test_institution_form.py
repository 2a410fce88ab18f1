import pytest

from institutions.models import Institution
from tests.factories import VillageFactory, make_credit_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_staff_logs_in_and_adds_an_institution(
    page, login, screenshot, township_user, township
):
    VillageFactory(parent=township, name="城南社区")
    login(page, "kaiyun")
    assert page.locator("h1").inner_text().startswith("开云镇")
    page.click("#menu-screening")
    page.click("nav >> text=机构与场所")
    page.click("text=新增机构或场所")

    page.fill("#id_name", "开云镇松鹤养老院")
    page.select_option("#id_registration_status", "registered_filed")
    page.fill("#id_credit_code", make_credit_code(4242))
    page.select_option("#id_legal_form", "social_service")
    page.select_option("#id_ownership", "private")
    page.select_option("#id_village", label="开云镇 · 城南社区")
    page.fill("#id_actual_address", "开云镇城南社区8号")
    page.fill("#id_beds", "80")
    page.fill("#id_residents", "52")
    page.fill("#id_legal_representative", "王建国")
    page.fill("#id_principal", "李秀英")
    page.fill("#id_contact_phone", "13900001111")
    screenshot(page, "institution-form")
    page.click("input[type=submit][name=save]")

    page.wait_for_url("**/institutions/*/")
    assert page.locator("h1").inner_text() == "开云镇松鹤养老院"
    assert "已保存" in page.locator("[data-message]").inner_text()
    assert "王建国" in page.content()
    screenshot(page, "institution-detail")
    institution = Institution.objects.get(name="开云镇松鹤养老院")
    assert institution.township == township
    assert institution.history.get().history_user == township_user


def test_wrong_credit_code_shows_a_chinese_message(page, login, township_user, township):
    login(page, "kaiyun")
    page.goto("/institutions/new/")
    page.fill("#id_name", "错误代码养老院")
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.select_option("#id_township", str(township.pk))
    page.click("input[type=submit][name=save]")
    assert "统一社会信用代码校验位错误" in page.content()
    assert not Institution.objects.exists()
