"""Change histories on a phone: times in Asia/Shanghai to the minute, and a table that fits
the screen (no sideways scrolling)."""

from zoneinfo import ZoneInfo

import pytest

from institutions.services import save_institution
from screening.models import ScreeningVisit, VisitStatus
from screening.services.visits import save_visit
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 375


def test_a_visits_history_reads_in_local_time_and_fits_a_phone(
    phone_page, login, township_user, township
):
    institution = InstitutionFactory(township=township, name="开云镇康乐颐养院")
    institution.notes = "门口张贴了海报，但未见告知书签收记录" * 3
    save_institution(user=township_user, institution=institution)
    visit = ScreeningVisit(
        institution=institution, visited_on="2026-11-30", staff=township_user, round="first"
    )
    save_visit(user=township_user, visit=visit)
    save_visit(user=township_user, visit=visit, submit=True)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    submitted = visit.submitted_at.astimezone(ZoneInfo("Asia/Shanghai"))
    page = phone_page
    login(page, "kaiyun")

    for url in (institution.get_absolute_url(), f"/screening/visits/{visit.pk}/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, url

    text = page.inner_text("body")
    assert f"{submitted:%Y-%m-%d %H:%M}" in text
    assert "+00:00" not in text and f"{submitted:%S}." not in text
