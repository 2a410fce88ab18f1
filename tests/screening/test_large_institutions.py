"""规模相对较大的: 衡山县 §一.二 第三 重点排查…规模相对较大的. The registry list and
the "四看" list of those not yet screened filter and sort by beds; the review counts the large
ones."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.selectors import LARGE_INSTITUTION_BEDS
from screening.models import ScreeningVisit, VisitStatus
from screening.selectors import four_looks
from tests.factories import InstitutionFactory, VenueFactory

pytestmark = pytest.mark.django_db
SINCE = date(2026, 1, 1)
N = LARGE_INSTITUTION_BEDS


@pytest.fixture
def sizes(township, other_township, township_user):
    rows = {
        "big": InstitutionFactory(township=township, name="大型养老院", beds=N + 200),
        "edge": InstitutionFactory(township=township, name="百床养老院", beds=N),
        "small": InstitutionFactory(township=township, name="小型养老院", beds=N - 1),
        "unknown": VenueFactory(township=township, name="床位不明之家", beds=None),
        "screened_big": InstitutionFactory(township=township, name="已排查大院", beds=N + 50),
        "foreign_big": InstitutionFactory(township=other_township, name="外镇大院", beds=N + 300),
    }
    ScreeningVisit.objects.create(
        institution=rows["screened_big"],
        visited_on=date(2026, 3, 1),
        staff=township_user,
        status=VisitStatus.SUBMITTED,
    )
    return rows


def names(response, key="page_obj"):
    return [i.name for i in response.context[key]]


def test_default_threshold_is_a_hundred_beds():
    assert LARGE_INSTITUTION_BEDS == 100


# --- the registry list ---------------------------------------------------------------------------


def registry(client, query):
    response = client.get(reverse("institutions:list") + query)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].page.object_list]


def test_registry_filters_large_smaller_and_unknown_sizes(client_for, county_user, sizes):
    client = client_for(county_user)

    assert set(registry(client, "?size=large")) == {
        "大型养老院",
        "百床养老院",
        "已排查大院",
        "外镇大院",
    }
    assert set(registry(client, "?size=smaller")) == {"小型养老院"}
    assert set(registry(client, "?size=unknown")) == {"床位不明之家"}
    assert set(registry(client, "?beds_min=300")) == {"大型养老院", "外镇大院"}


def test_registry_sorts_by_beds_with_unknown_last_both_ways(client_for, county_user, sizes):
    client = client_for(county_user)

    largest = registry(client, "?sort=-beds")
    smallest = registry(client, "?sort=beds")

    assert largest[:2] == ["外镇大院", "大型养老院"]
    assert largest[-1] == "床位不明之家"
    assert smallest[0] == "小型养老院"
    assert smallest[-1] == "床位不明之家"


def test_township_user_filters_large_ones_of_their_own_township_only(
    client_for, township_user, sizes
):
    found = registry(client_for(township_user), "?size=large")
    assert "外镇大院" not in found
    assert set(found) == {"大型养老院", "百床养老院", "已排查大院"}


# --- the "四看" review ---------------------------------------------------------------------------


def test_not_screened_list_filters_large_and_sorts_by_beds(client_for, county_user, sizes):
    url = reverse("screening:review_not_screened")
    client = client_for(county_user)

    large = client.get(url + f"?since={SINCE}&size=large&order=beds")

    assert names(large) == ["外镇大院", "大型养老院", "百床养老院"]  # not the screened one
    content = large.content.decode()
    assert 'value="large" selected' in content  # the form keeps the choice
    assert 'value="beds" selected' in content
    assert 'data-col="beds">300<' in content
    by_beds = names(client.get(url + f"?since={SINCE}&order=beds"))
    assert by_beds[:3] == ["外镇大院", "大型养老院", "百床养老院"]
    assert by_beds[-1] == "床位不明之家"


def test_not_screened_large_of_another_township_is_never_listed(client_for, township_user, sizes):
    url = reverse("screening:review_not_screened")
    response = client_for(township_user).get(url + f"?since={SINCE}&size=large&order=beds")
    assert names(response) == ["大型养老院", "百床养老院"]


def test_the_review_counts_the_large_ones_not_yet_screened(client_for, county_user, sizes):
    review = four_looks.township_review(county_user, SINCE)

    per_township = {row.township.name: row.not_screened_large for row in review.rows}
    assert per_township == {"开云镇": 2, "白果镇": 1}
    assert review.total.not_screened_large == 3
    page = client_for(county_user).get(reverse("screening:four_looks") + f"?since={SINCE}")
    assert "size=large&amp;order=beds" in page.content.decode()


def test_the_large_list_uses_a_constant_number_of_queries(
    client, county_user, township, other_township, django_assert_max_num_queries
):
    client.force_login(county_user)
    url = reverse("screening:review_not_screened") + f"?since={SINCE}&size=large&order=beds"
    InstitutionFactory.create_batch(2, township=township, beds=N + 10)
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    InstitutionFactory.create_batch(15, township=township, beds=N + 20)
    InstitutionFactory.create_batch(15, township=other_township, beds=N + 30)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
