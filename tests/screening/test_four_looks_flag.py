"""四看 一看 (准确): the registry's 收取大额预付费 against what the latest visit found. A
disagreement is counted per township and listed, and an editor brings the registry in line
with the visit (kept in the registry's history)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.models import Institution
from screening.models import ScreeningVisit, VisitStatus, YesNoUnknown
from screening.selectors import four_looks
from tests.factories import InstitutionFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db
SINCE = date(2026, 1, 1)


def visit(institution, staff, answer, day=date(2026, 3, 1)):
    return ScreeningVisit.objects.create(
        institution=institution,
        visited_on=day,
        staff=staff,
        status=VisitStatus.SUBMITTED,
        large_prepayment_found=answer,
    )


@pytest.fixture
def flags(township, other_township, township_user):
    said_no = VenueFactory(township=township, name="甲颐养之家", collects_large_prepayment=False)
    visit(said_no, township_user, YesNoUnknown.YES)
    said_yes = InstitutionFactory(
        township=township, name="乙养老院", collects_large_prepayment=True
    )
    visit(said_yes, township_user, YesNoUnknown.NO)
    agrees = InstitutionFactory(township=township, name="丙养老院", collects_large_prepayment=True)
    visit(agrees, township_user, YesNoUnknown.YES)
    unanswered = InstitutionFactory(township=township, name="丁养老院")
    visit(unanswered, township_user, YesNoUnknown.UNKNOWN)
    last_year = InstitutionFactory(township=township, name="戊养老院")
    visit(last_year, township_user, YesNoUnknown.YES, day=date(2025, 6, 1))
    elsewhere = InstitutionFactory(township=other_township, name="外镇养老院")
    visit(elsewhere, UserFactory(unit=other_township), YesNoUnknown.YES)
    return {"said_no": said_no, "said_yes": said_yes, "agrees": agrees}


def test_disagreements_are_counted_per_township_among_the_screened(flags, county_user):
    review = four_looks.count_flag_disagreements(
        county_user, four_looks.township_review(county_user, SINCE)
    )
    rows = {row.township.name: row.flag_disagreements for row in review.rows}

    assert rows == {"开云镇": 2, "白果镇": 1}
    assert review.total.flag_disagreements == 3


def test_the_list_names_each_with_what_the_registry_and_the_visit_say(flags, township_user):
    rows = list(four_looks.flag_disagreements(township_user, SINCE))

    assert {(i.name, i.collects_large_prepayment, i.visit_large_prepayment) for i in rows} == {
        ("乙养老院", True, "no"),
        ("甲颐养之家", False, "yes"),
    }


def test_the_review_page_links_to_the_disagreements(flags, client_for, township_user):
    page = client_for(township_user).get(reverse("screening:four_looks"), {"since": "2026-01-01"})
    html = page.content.decode()

    assert reverse("screening:review_flag_disagreements") in html
    listed = client_for(township_user).get(
        reverse("screening:review_flag_disagreements"), {"since": "2026-01-01"}
    )
    assert {i.name for i in listed.context["page_obj"]} == {"甲颐养之家", "乙养老院"}


def test_an_editor_takes_the_visits_finding_and_the_history_says_so(
    flags, client_for, township_user
):
    venue = flags["said_no"]

    response = client_for(township_user).post(
        reverse("screening:review_flag_align", args=[venue.pk])
    )

    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.collects_large_prepayment is True
    change = venue.history.first()
    assert change.history_user == township_user
    assert change.history_change_reason
    assert venue.pk not in {i.pk for i in four_looks.flag_disagreements(township_user, SINCE)}


def test_a_leader_cannot_change_the_registry_and_another_township_is_not_found(
    flags, client_for, leader, other_township_user
):
    url = reverse("screening:review_flag_align", args=[flags["said_no"].pk])

    assert client_for(leader).post(url).status_code == 403
    assert client_for(other_township_user).post(url).status_code == 404
    assert not Institution.objects.get(pk=flags["said_no"].pk).collects_large_prepayment


def test_the_list_costs_the_same_queries_for_2_and_12(
    flags, client_for, township, township_user, django_assert_max_num_queries
):
    client = client_for(township_user)
    url = reverse("screening:review_flag_disagreements")
    client.get(url, {"since": "2026-01-01"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"since": "2026-01-01"})
    for k in range(10):
        venue = VenueFactory(township=township, name=f"新场所{k}")
        visit(venue, township_user, YesNoUnknown.YES)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"since": "2026-01-01"})
    assert response.context["page_obj"].paginator.count == 12
