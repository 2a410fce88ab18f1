"""The field app's venues and leads (issue 15): a newly found venue (登记新发现的场所) and a
lead (线索) recorded on a phone are sent to the registry form's and the lead form's own URLs,
asking for JSON, and are made at most once per client id."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from institutions.models import Institution, RegistrationStatus
from screening.models import Lead
from tests.factories import InstitutionFactory, VillageFactory

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def venue_data(township, **extra):
    data = {
        "name": "开云镇幸福小院",
        "registration_status": RegistrationStatus.UNREGISTERED,
        "township": township.pk,
        "actual_address": "开云镇河西村3组",
        "operator": "张某",
        "contact_phone": "13800001111",
        "residents": "6",
        "venue_nature": "individual",
        "found_on": timezone.localdate().isoformat(),
        "client_id": "phone-venue-1",
    }
    data.update(extra)
    return data


def lead_data(township, **extra):
    data = {
        "unit": township.pk,
        "channel": "found",
        "received_on": timezone.localdate().isoformat(),
        "reporter_name": "李某",
        "reporter_phone": "13900002222",
        "subject": "河西村某养生馆",
        "content": "以体验为名推销保健品，收取预付款。",
        "client_id": "phone-lead-1",
    }
    data.update(extra)
    return data


# --- venues ----------------------------------------------------------------------------------


def test_a_venue_sent_twice_is_registered_once(client_for, township_user, township):
    client = client_for(township_user)
    url = reverse("institutions:create")

    first = client.post(url, venue_data(township), **JSON)
    again = client.post(url, venue_data(township), **JSON)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["replayed"] is True
    venue = Institution.objects.get()
    assert venue.is_venue and venue.created_by == township_user
    assert venue.operator == "张某" and venue.residents == 6
    assert first.json()["url"] == reverse("institutions:detail", args=[venue.pk])
    assert venue.history.count() == 1


def test_a_venues_client_id_reused_for_another_venue_is_refused(
    client_for, township_user, township
):
    client = client_for(township_user)
    url = reverse("institutions:create")
    client.post(url, venue_data(township), **JSON)

    refused = client.post(url, venue_data(township, name="另一个场所"), **JSON)

    assert refused.status_code == 400
    assert "开云镇幸福小院" in str(refused.json()["errors"])
    assert Institution.objects.count() == 1


def test_the_same_client_id_of_another_person_is_their_own(
    client_for, township_user, township, django_user_model
):
    colleague = django_user_model.objects.create(
        username="kaiyun2", unit=township, role=township_user.role
    )
    url = reverse("institutions:create")
    client_for(township_user).post(url, venue_data(township), **JSON)
    second = client_for(colleague).post(url, venue_data(township), **JSON)

    assert second.status_code == 201
    assert Institution.objects.count() == 2


def test_a_venue_in_another_townships_village_is_refused(
    client_for, township_user, township, other_township
):
    elsewhere = VillageFactory(name="白果村", parent=other_township)
    url = reverse("institutions:create")

    refused = client_for(township_user).post(
        url, venue_data(other_township, village=elsewhere.pk), **JSON
    )

    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert set(errors) >= {"township", "village"}
    assert not Institution.objects.exists()


def test_a_venue_is_checked_as_the_registry_form_checks_it(client_for, township_user, township):
    refused = client_for(township_user).post(
        reverse("institutions:create"), venue_data(township, name="", residents="-1"), **JSON
    )
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert errors["name"]["label"] and errors["name"]["messages"]
    assert "residents" in errors


def test_the_registry_page_itself_still_redirects(client_for, township_user, township):
    data = venue_data(township)
    del data["client_id"]
    response = client_for(township_user).post(reverse("institutions:create"), data)
    assert response.status_code == 302
    assert Institution.objects.get().client_id == ""


def test_a_record_made_by_someone_else_on_the_phone_waits(client_for, township_user, township):
    refused = client_for(township_user).post(
        reverse("institutions:create"),
        venue_data(township),
        HTTP_X_FIELD_USER=str(township_user.pk + 1000),
        **JSON,
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == "other_user"
    assert not Institution.objects.exists()


# --- leads -----------------------------------------------------------------------------------


def test_a_lead_sent_twice_is_recorded_once(client_for, township_user, township):
    client = client_for(township_user)
    url = reverse("screening:lead_create")

    first = client.post(url, lead_data(township), **JSON)
    again = client.post(url, lead_data(township), **JSON)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    lead = Lead.objects.get()
    assert lead.client_id == "phone-lead-1" and lead.created_by == township_user
    assert first.json()["url"] == reverse("screening:lead_detail", args=[lead.pk])


def test_a_leads_client_id_reused_for_another_lead_is_refused(client_for, township_user, township):
    client = client_for(township_user)
    url = reverse("screening:lead_create")
    client.post(url, lead_data(township), **JSON)

    refused = client.post(url, lead_data(township, subject="另一条线索"), **JSON)

    assert refused.status_code == 400
    assert "河西村某养生馆" in str(refused.json()["errors"])
    assert Lead.objects.count() == 1


def test_a_lead_for_another_township_or_its_institution_is_refused(
    client_for, township_user, township, other_township
):
    theirs = InstitutionFactory(township=other_township, name="白果镇福寿院")
    client = client_for(township_user)
    url = reverse("screening:lead_create")

    other_unit = client.post(url, lead_data(other_township), **JSON)
    other_institution = client.post(
        url, lead_data(township, institution=theirs.pk, client_id="phone-lead-2"), **JSON
    )

    assert other_unit.status_code == other_institution.status_code == 400
    assert "unit" in other_unit.json()["errors"]
    assert "institution" in other_institution.json()["errors"]
    assert not Lead.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["venue", "lead"])
def test_five_concurrent_posts_of_one_record_make_one_row(kind, township_user, township):
    """Five threads at once, each with its own connection: the unique constraint makes four
    wait and answer the first one's record."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers on one file lock; the threads would not race")
    if kind == "venue":
        url, data, model = reverse("institutions:create"), venue_data(township), Institution
    else:
        url, data, model = reverse("screening:lead_create"), lead_data(township), Lead

    def post(_):
        try:
            client = Client()
            client.force_login(township_user)
            return client.post(url, data, HTTP_ACCEPT="application/json")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(post, range(5)))

    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert model.objects.count() == 1


# --- the app page ----------------------------------------------------------------------------


def test_the_app_page_carries_the_venue_and_lead_forms_with_their_choices(
    client_for, township_user, township, other_township
):
    VillageFactory(name="河西村", parent=township)
    VillageFactory(name="白果村", parent=other_township)
    InstitutionFactory(township=township, name="开云镇康乐颐养院")
    InstitutionFactory(township=other_township, name="白果镇福寿院")

    response = client_for(township_user).get(reverse("screening:field_app"))
    html = response.content.decode()

    assert f'data-post-url="{reverse("institutions:create")}"' in html
    assert f'data-post-url="{reverse("screening:lead_create")}"' in html
    assert 'name="registration_status" value="unregistered"' in html
    for name in ("operator", "residents", "venue_nature", "village", "subject", "channel"):
        assert f'name="{name}"' in html
    # The choices travel with the page (kept offline), scoped to the user's township.
    assert "河西村" in html and "白果村" not in html
    assert "开云镇康乐颐养院" in html and "白果镇福寿院" not in html
    assert "Found in screening" in html or "排查发现" in html
    assert 'id="venue-id_name"' not in html and 'id="venue-name"' in html
