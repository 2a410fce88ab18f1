"""Reading through the API: the same rows the pages show the account's unit and role."""

import pytest
from django.urls import reverse

from tests.factories import InstitutionFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_township_key_lists_only_its_townships_institutions(api_for, township, other_township):
    own = InstitutionFactory(township=township, name="开云养老院")
    InstitutionFactory(township=other_township, name="白果养老院")

    response = api_for("township").get(reverse("api:institution-list"))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


def test_county_key_lists_the_whole_county(api_for, township, other_township):
    InstitutionFactory(township=township)
    InstitutionFactory(township=other_township)

    response = api_for("county").get(reverse("api:institution-list"))

    assert len(response.json()["results"]) == 2


def test_another_townships_institution_is_not_found(api_for, other_township):
    other = InstitutionFactory(township=other_township)

    response = api_for("township").get(reverse("api:institution-detail", args=[other.pk]))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_venues_are_institutions_filtered_by_registration_status(api_for, township):
    InstitutionFactory(township=township)
    venue = VenueFactory(township=township)

    response = api_for("county").get(
        reverse("api:institution-list"), {"registration_status": "unregistered"}
    )

    rows = response.json()["results"]
    assert [(row["id"], row["is_venue"]) for row in rows] == [(venue.pk, True)]


def test_leader_sees_contact_phones_masked_as_on_the_pages(api_for, township):
    InstitutionFactory(township=township, contact_phone="13812345678")

    leader = api_for("leader").get(reverse("api:institution-list")).json()["results"][0]
    county = api_for("county").get(reverse("api:institution-list")).json()["results"][0]

    assert leader["contact_phone"] == "138****5678"
    assert county["contact_phone"] == "13812345678"


def test_request_without_credentials_is_refused_with_401(client):
    response = client.get(reverse("api:institution-list"))

    assert response.status_code == 401
    assert response.json()["status"] == 401


def queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "url", ["api:institution-list", "api:visit-list", "api:rating-list", "api:action-list"]
)
def test_a_page_of_a_list_costs_a_constant_number_of_queries(
    api_for, township, county_user, url, django_assert_max_num_queries
):
    from disposal.services.actions import apply_level
    from risklists import services as rating
    from tests.screening.factories import ResidentInterviewFactory, ScreeningVisitFactory

    client = api_for("county")
    institutions = [InstitutionFactory(township=township) for _ in range(12)]
    for institution in institutions:
        visit = ScreeningVisitFactory(institution=institution, staff=county_user)
        ResidentInterviewFactory(visit=visit)
        ResidentInterviewFactory(visit=visit)
        apply_level(institution, "orange", user=county_user)
    rating.rate(institutions)

    response = queries_for(client, reverse(url), django_assert_max_num_queries, 8)

    assert len(response.json()["results"]) >= 12


def test_ratings_carry_their_hits_with_clause_and_evidence(api_for, township, county_user):
    from risklists import services as rating
    from tests.risklists.factories import invest, visit

    institution = InstitutionFactory(township=township)
    invest(institution)
    visit(institution, county_user, fund_use="irregular")
    rating.rate([institution])

    row = api_for("township").get(reverse("api:rating-list")).json()["results"][0]

    assert row["institution"] == institution.pk
    assert row["hits"] and {"code", "level", "clause", "evidence"} <= row["hits"][0].keys()
    assert "threshold_version" in row
