"""A county reviewer opens the risk list, opens an orange institution, reads its clauses and
approves it, in a browser."""

import pytest

from disposal.models import DisposalAction
from risklists.models import Assessment, RatingState, ReviewState, ThresholdVersion
from screening.models import PrepaymentKind, PrepaymentRecord
from tests.factories import VenueFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def orange(submitted_orange, township):
    """The submitted orange institution, and a red venue beside it on the list."""
    red = VenueFactory(township=township, name="开云镇康乐颐养之家")
    PrepaymentRecord.objects.create(
        institution=red,
        payer_name="李桂兰",
        kind=PrepaymentKind.INVESTMENT,
        amount="50000",
        paid_on="2026-02-01",
    )
    return submitted_orange


def test_county_reviewer_approves_an_orange_institution_from_the_list(
    page, login, screenshot, county_user, orange
):
    login(page, "county")
    page.goto("/risk/")
    rows = page.locator("table[data-table=risk-list] tbody tr")
    assert rows.count() == 2
    assert rows.first.get_attribute("data-level") == "red"  # red first
    orange_row = page.locator("tr[data-level=orange]")
    assert "收取大额预付费且资金使用不规范" in orange_row.inner_text()
    screenshot(page, "rating-list")

    orange_row.get_by_role("link", name="开云镇夕阳红老年公寓").click()
    page.wait_for_url(f"**/institutions/{orange.pk}/**")
    panel = page.locator("#rating-panel")
    hit = panel.locator("[data-code=O4]")
    assert "收取大额预付费且资金使用不规范" in hit.locator(".clause").inner_text()
    assert "80,000.00" in hit.inner_text()  # the evidence behind the clause
    assert panel.locator("[data-check=C5]").get_attribute("data-passed") == "true"
    assert "已报送" in panel.inner_text() or "已提交" in panel.inner_text()
    screenshot(page, "rating-panel-before-approval")

    panel.locator("#approve-rating").click()
    page.wait_for_url(f"**/institutions/{orange.pk}/**")
    assert "已审定" in page.locator("[data-message]").first.inner_text()
    assert (
        page.locator("#rating-panel [data-current-level]").get_attribute("data-current-level")
        == "orange"
    )
    screenshot(page, "rating-panel-approved")

    assessment = Assessment.objects.get(institution=orange, state=ReviewState.APPROVED)
    assert assessment.reviewed_by == county_user
    assert RatingState.objects.get(institution=orange).current == assessment
    # The approved level decides the disposal actions (四级分类处置).
    assert DisposalAction.objects.filter(
        institution=orange, action_type="warning_talk", assessment_id=assessment.pk
    ).exists()


def test_risk_list_and_review_fit_a_phone(phone_page, login, screenshot, county_user, orange):
    login(phone_page, "county")
    pages = (
        ("/risk/", "rating-list-phone"),
        ("/risk/review/", "rating-review-phone"),
        ("/risk/changes/", "rating-changes-phone"),
        ("/risk/thresholds/", "rating-thresholds-phone"),
    )
    for url, name in pages:
        phone_page.goto(url)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(phone_page, name)


def test_county_previews_a_threshold_change_before_saving(
    page, login, screenshot, county_user, orange
):
    login(page, "county")
    page.goto("/risk/thresholds/")
    page.select_option("select[name=rule_C4]", "red")  # prepayments above net fixed assets
    page.click("#preview-thresholds")
    preview = page.locator("#threshold-preview")
    preview.wait_for(state="visible")  # the preview is a new page: wait for it to load
    assert preview.is_visible()
    screenshot(page, "rating-thresholds-preview")
    assert not ThresholdVersion.objects.exists()
