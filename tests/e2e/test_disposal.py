import pytest
from django.utils import timezone

from disposal.models import ActionEvidence, ActionStatus, DisposalAction
from disposal.services.actions import apply_level
from screening.models import PrepaymentRefund
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"


@pytest.fixture
def orange(township, county_user):
    institution = InstitutionFactory(township=township, name="开云镇夕阳红老年公寓")
    apply_level(institution, "orange", user=county_user, illegal_fundraising=False)
    return institution


def test_township_walks_an_orange_institution_to_all_actions_done(
    page, login, screenshot, township_user, county_user, submitted_orange, tmp_path
):
    orange = submitted_orange
    evidence = tmp_path / "约谈笔录.pdf"
    evidence.write_bytes(PDF)
    today = timezone.localdate().isoformat()

    # The county section approves the orange rating: its actions are created (四级分类处置).
    assert not DisposalAction.objects.exists()
    login(page, "county")
    page.goto(f"/institutions/{orange.pk}/")
    page.locator("#rating-panel #approve-rating").click()
    page.wait_for_url(f"**/institutions/{orange.pk}/**")
    assert "已审定" in page.locator("[data-message]").first.inner_text()
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/**")

    login(page, "kaiyun")

    page.goto("/disposal/")
    assert page.locator("[data-figure=open-orange]").inner_text() == "4"
    screenshot(page, "disposal-board")
    page.click("text=全部未办结措施")
    page.wait_for_url("**/disposal/actions/?state=open")
    assert page.locator("table tbody tr").count() == 4

    # 督促清退资金 closes only once the elders' money is back: the township records the
    # refund of the 80,000 yuan in the one refund ledger first.
    page.goto(f"/disposal/institutions/{orange.pk}/refunds/")
    page.click("a:has-text('登记退款')")
    page.wait_for_url("**/refund/")
    page.fill("#id_amount", "80000")
    page.click("input[type=submit][name=save]")
    page.wait_for_url(f"**/disposal/institutions/{orange.pk}/refunds/")
    assert PrepaymentRefund.objects.filter(institution=orange).count() == 1

    for step in range(4):
        page.goto(f"/disposal/actions/?institution={orange.pk}&state=open")
        page.locator("table tbody tr td a[href*='/disposal/actions/']").first.click()
        page.wait_for_url("**/disposal/actions/*/")
        page.click("#update-action")
        page.wait_for_url("**/edit/")
        page.select_option("#id_status", "done")
        page.select_option("#id_responsible_user", str(township_user.pk))
        page.fill("#id_carried_out_on", today)
        page.fill("#id_document_number", f"开民处〔2026〕{step + 1}号")
        if step == 0:
            page.set_input_files("#id_evidence_file", str(evidence))
            page.fill("#id_evidence_description", "约谈笔录")
            screenshot(page, "disposal-action-form")
        page.click("input[type=submit][name=save]")
        page.wait_for_url("**/disposal/actions/*/")
        assert "已保存" in page.locator("[data-message]").inner_text()
        assert page.locator("h1 ~ .badge", has_text="已完成").count() == 1

    assert set(DisposalAction.objects.values_list("status", flat=True)) == {ActionStatus.DONE}
    assert ActionEvidence.objects.filter(original_name="约谈笔录.pdf").exists()
    assert all(
        a.history.first().history_user == township_user for a in DisposalAction.objects.all()
    )
    page.goto("/disposal/")
    assert page.locator("[data-figure=open-orange]").inner_text() == "0"
    page.goto(f"/disposal/actions/?institution={orange.pk}")
    assert page.locator("table tbody .badge", has_text="已完成").count() == 4
    screenshot(page, "disposal-actions-done")


def test_board_and_ledger_fit_a_phone(phone_page, login, screenshot, township_user, orange):
    login(phone_page, "kaiyun")
    phone_page.goto("/disposal/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(phone_page, "disposal-board-phone")
    phone_page.goto("/disposal/zeroing/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "disposal-ledger-phone")
