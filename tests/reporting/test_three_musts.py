""" "三必须" per institution: complete, what is missing, never checked; filters, scope, queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from screening.models import VisitStatus
from tests.factories import InstitutionFactory, TownshipFactory
from tests.screening.factories import ScreeningVisitFactory, SubmittedVisitFactory

pytestmark = pytest.mark.django_db
URL = reverse("reporting:three_musts")
ALL_THREE = dict(
    poster_displayed=True, notice_to_every_resident=True, commitment_letter_signed=True
)


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def institutions(township, other_township):
    complete = InstitutionFactory(township=township, name="甲养老院")
    SubmittedVisitFactory(institution=complete, visited_on=days_ago(3), **ALL_THREE)

    # an earlier visit found all three; the latest found no commitment letter
    missing = InstitutionFactory(township=township, name="乙养老院")
    SubmittedVisitFactory(institution=missing, visited_on=days_ago(20), **ALL_THREE)
    SubmittedVisitFactory(
        institution=missing,
        visited_on=days_ago(2),
        poster_displayed=True,
        notice_to_every_resident=True,
        commitment_letter_signed=False,
    )

    # a draft visit does not count: never checked
    never = InstitutionFactory(township=township, name="丙养老院")
    ScreeningVisitFactory(institution=never, status=VisitStatus.DRAFT, **ALL_THREE)

    foreign = InstitutionFactory(township=other_township, name="白果镇丁养老院")
    SubmittedVisitFactory(institution=foreign, visited_on=days_ago(1), **ALL_THREE)
    return complete, missing, never, foreign


def rows(response):
    return {
        institution.name: (status.value, missing)
        for institution, status, _, missing in (response.context["rows"])
    }


def test_each_institution_shows_complete_missing_or_never_checked(
    client_for, township_user, institutions
):
    complete, missing, never, _ = institutions

    response = client_for(township_user).get(URL)

    assert response.status_code == 200
    assert rows(response) == {
        "甲养老院": ("complete", []),
        "乙养老院": ("incomplete", ["机构负责人签署承诺书"]),
        "丙养老院": ("never", []),
    }
    content = response.content.decode()
    # the date of the visit that checked it, linking to that visit
    latest = missing.visits.order_by("-visited_on").first()
    assert f'href="{reverse("screening:visit_detail", args=[latest.pk])}"' in content
    assert days_ago(2).strftime("%Y-%m-%d") in content
    assert "白果镇丁养老院" not in content
    counts = {value: n for value, _, n, _ in response.context["counts"]}
    assert counts == {"complete": 1, "incomplete": 1, "never": 1}


def test_filter_by_status_and_township(client_for, county_user, institutions, township):
    client = client_for(county_user)

    assert set(rows(client.get(URL, {"status": "complete"}))) == {"甲养老院", "白果镇丁养老院"}
    assert set(rows(client.get(URL, {"status": "never"}))) == {"丙养老院"}
    response = client.get(URL, {"township": township.pk, "status": "complete"})
    assert set(rows(response)) == {"甲养老院"}
    counts = {value: n for value, _, n, _ in response.context["counts"]}
    assert counts == {"complete": 1, "incomplete": 1, "never": 1}


def test_township_staff_cannot_filter_on_another_township(
    client_for, township_user, institutions, other_township
):
    response = client_for(township_user).get(URL, {"township": other_township.pk})

    # an invalid choice is ignored: the user's own institutions, never the other township's
    assert set(rows(response)) == {"甲养老院", "乙养老院", "丙养老院"}
    assert response.context["form"].errors


def test_township_staff_can_jump_to_record_a_visit_leaders_cannot(
    client_for, township_user, leader, institutions
):
    _, _, never, _ = institutions
    record = f'href="{reverse("screening:visit_create")}?institution={never.pk}"'

    assert record in client_for(township_user).get(URL).content.decode()
    content = client_for(leader).get(URL).content.decode()
    assert record not in content
    assert reverse("reporting:notice", args=[never.pk]) in content


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_institutions(
    client_for, county_user, county, django_assert_max_num_queries
):
    client = client_for(county_user)
    for n in range(2):
        unit = TownshipFactory(parent=county, name=f"甲{n}镇")
        SubmittedVisitFactory(institution=InstitutionFactory(township=unit), **ALL_THREE)
    few = list_queries(client)
    for n in range(12):
        unit = TownshipFactory(parent=county, name=f"乙{n}镇")
        for _ in range(3):
            SubmittedVisitFactory(institution=InstitutionFactory(township=unit))

    with django_assert_max_num_queries(few):
        response = client.get(URL)
    assert len(response.context["rows"]) == 38


@pytest.mark.parametrize(
    "missing", ["poster_displayed", "notice_to_every_resident", "commitment_letter_signed"]
)
def test_each_of_the_three_is_needed_for_complete(township, county_user, missing):
    """张贴海报、发放告知书、签署承诺书: without any one of them the institution is not done
    (issue 20: dropping one from the rule went unnoticed)."""
    from reporting.three_musts import ThreeMustsStatus, three_musts_list

    institution = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=institution, **{**ALL_THREE, missing: False})

    [row] = three_musts_list(county_user)

    assert row.pk == institution.pk
    assert row.three_musts == ThreeMustsStatus.INCOMPLETE
