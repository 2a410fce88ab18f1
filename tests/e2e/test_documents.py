"""The "三必须" documents print on A4: reached from the institution's page, one page each."""

import re

import pytest

from tests.factories import InstitutionFactory
from tests.screening.factories import SubmittedVisitFactory

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_township_prints_the_notice_and_the_commitment_letter(
    page, login, screenshot, township_user, township
):
    home = InstitutionFactory(
        township=township,
        name="衡山县开云福寿养老院",
        actual_address="衡山县开云镇城南社区88号",
        legal_representative="张建国",
        principal="李秀英",
    )
    SubmittedVisitFactory(institution=home, poster_displayed=True)
    login(page, "kaiyun")

    page.goto(home.get_absolute_url())
    page.click("text=“三必须”文书")
    page.click("text=告知书（打印）")
    page.wait_for_url(f"**/reporting/institutions/{home.pk}/notice/")
    assert page.is_visible("button[data-print]")
    screenshot(page, "document-notice")
    page.emulate_media(media="print")
    assert not page.is_visible("button[data-print]")  # the toolbar is not printed
    SCREENSHOTS.mkdir(exist_ok=True)
    notice = page.pdf(path=str(SCREENSHOTS / "document-notice.pdf"), prefer_css_page_size=True)
    assert pages(notice) == 1  # one sheet per resident or family, the receipt included

    page.emulate_media(media="screen")
    page.goto(f"/reporting/institutions/{home.pk}/commitment/")
    screenshot(page, "document-commitment")
    page.emulate_media(media="print")
    letter = page.pdf(path=str(SCREENSHOTS / "document-commitment.pdf"), prefer_css_page_size=True)
    assert pages(letter) == 1

    page.emulate_media(media="screen")
    page.goto("/reporting/three-musts/")
    row = page.locator(f"tr[data-institution='{home.name}']")
    assert row.get_attribute("data-status") == "incomplete"
    screenshot(page, "three-musts-list")
