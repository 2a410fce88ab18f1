"""告知书 counted against the elders (区县方案·二(一)一: 要向每一位住养老人或家属发放防范养老服务
诈骗告知书; issue 20): the visit records the elders housed, the notices handed out and the signed
receipts; more notices than elders is refused, and "notice to every resident" follows the
counts (a ticked box with fewer notices is not counted, and the person is told why). The
visit form, the field app (the same form, answering JSON) and the API check alike."""

import pytest
from django.urls import reverse

from screening.models import ScreeningVisit, VisitStatus
from tests.factories import InstitutionFactory

from .test_visits import create_url, visit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township, residents=30)


def post(client, institution, staff, json=False, **counts):
    data = visit_data(staff, action="submit", **{k: str(v) for k, v in counts.items()})
    headers = {"Accept": "application/json"} if json else {}
    return client.post(create_url(institution), data, headers=headers)


def test_more_notices_than_elders_housed_is_refused(client_for, township_user, institution):
    response = post(
        client_for(township_user),
        institution,
        township_user,
        residents_housed=20,
        notices_handed_out=21,
        notice_to_every_resident="on",
    )

    assert response.status_code == 200
    assert "notices_handed_out" in response.context["form"].errors
    assert not ScreeningVisit.objects.exists()


def test_more_receipts_than_notices_is_refused(client_for, township_user, institution):
    response = post(
        client_for(township_user),
        institution,
        township_user,
        residents_housed=20,
        notices_handed_out=10,
        receipts_collected=11,
    )

    assert "receipts_collected" in response.context["form"].errors
    assert not ScreeningVisit.objects.exists()


def test_the_field_app_is_refused_the_same_way_and_told_which_field(
    client_for, township_user, institution
):
    response = post(
        client_for(township_user),
        institution,
        township_user,
        json=True,
        residents_housed=5,
        notices_handed_out=6,
    )

    assert response.status_code == 400
    assert "notices_handed_out" in response.json()["errors"]
    assert not ScreeningVisit.objects.exists()


def test_notices_for_every_elder_count_as_notice_to_every_resident(
    client_for, township_user, institution
):
    post(
        client_for(township_user),
        institution,
        township_user,
        residents_housed=20,
        notices_handed_out=20,
        receipts_collected=18,
    )

    visit = ScreeningVisit.objects.get()
    assert visit.status == VisitStatus.SUBMITTED
    assert (visit.residents_housed, visit.notices_handed_out, visit.receipts_collected) == (
        20,
        20,
        18,
    )
    assert visit.notice_to_every_resident is True  # the box was not ticked: the counts say it


def test_a_ticked_box_with_fewer_notices_is_not_counted_and_the_person_is_warned(
    client_for, township_user, institution
):
    client = client_for(township_user)
    response = post(
        client,
        institution,
        township_user,
        residents_housed=20,
        notices_handed_out=12,
        notice_to_every_resident="on",
        commitment_letter_signed="on",
    )

    visit = ScreeningVisit.objects.get()
    assert visit.notice_to_every_resident is False
    assert visit.three_musts_complete is False
    page = client.get(response["Location"]).content.decode()
    assert "12" in page and "20" in page
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("12" in m and "20" in m for m in messages)


def test_the_field_app_hears_the_warning_in_its_answer(client_for, township_user, institution):
    response = post(
        client_for(township_user),
        institution,
        township_user,
        json=True,
        residents_housed=20,
        notices_handed_out=12,
        notice_to_every_resident="on",
    )

    assert response.status_code == 201
    assert len(response.json()["warnings"]) == 1


def test_without_counts_the_box_stands_as_ticked(client_for, township_user, institution):
    post(
        client_for(township_user),
        institution,
        township_user,
        notice_to_every_resident="on",
    )

    assert ScreeningVisit.objects.get().notice_to_every_resident is True


def test_the_form_starts_from_the_registrys_residents_and_the_field_app_has_the_fields(
    client_for, township_user, institution
):
    client = client_for(township_user)
    form = client.get(create_url(institution)).context["form"]
    assert form["residents_housed"].value() == 30

    field_app = client.get(reverse("screening:field_app")).content.decode()
    for name in ("residents_housed", "notices_handed_out", "receipts_collected"):
        assert f'name="{name}"' in field_app


def test_the_visit_page_shows_the_counts(client_for, township_user, institution):
    client = client_for(township_user)
    post(
        client,
        institution,
        township_user,
        residents_housed=17,
        notices_handed_out=16,
        receipts_collected=15,
    )
    visit = ScreeningVisit.objects.get()

    page = client.get(reverse("screening:visit_detail", args=[visit.pk])).content.decode()

    counts = page[page.index('id="notice-counts"') :]
    counts = counts[: counts.index("</div>")]
    assert "17" in counts and "16" in counts and "15" in counts
