"""Complaints and reports (投诉举报): the list, one complaint, its verification (甄别) and
what it does to the count of complaints the rating reads (O2 被投诉举报)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risklists.engine import Thresholds
from risklists.figures import derived_figures
from screening.models import Complaint, MatchStatus, Verification
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def complaint_on(institution, county, **fields):
    return Complaint.objects.create(
        unit=county,
        subject_name=institution.name,
        institution=institution,
        match_status=MatchStatus.MATCHED,
        received_on=today() - timedelta(days=3),
        content="收取会员费后拒不退还",
        **fields,
    )


def counted(institution):
    figures = derived_figures([institution.pk], thresholds=Thresholds(), today=today())
    return figures[institution.pk].complaints


def verify(client, complaint, **data):
    return client.post(reverse("screening:complaint_verify", args=[complaint.pk]), data)


def test_a_complaint_counts_once_verified_on_its_page_and_stops_when_found_groundless(
    client_for, township, county, township_user, county_user
):
    institution = InstitutionFactory(township=township)
    complaint = complaint_on(institution, county)
    assert counted(institution) == 0  # imported, matched, not yet verified

    client = client_for(township_user)
    page = client.get(reverse("screening:complaint_detail", args=[complaint.pk]))
    assert 'id="verify"' in page.content.decode()
    response = verify(
        client,
        complaint,
        outcome=Verification.SUBSTANTIATED,
        verified_on=today().isoformat(),
        note="现场核实，情况属实",
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.verification, complaint.verified_by) == (
        Verification.SUBSTANTIATED,
        township_user,
    )
    assert counted(institution) == 1

    client = client_for(county_user)
    refused = verify(
        client, complaint, outcome=Verification.GROUNDLESS, verified_on=today().isoformat()
    )
    assert refused.status_code == 200  # the reason is missing
    complaint.refresh_from_db()
    assert complaint.verification == Verification.SUBSTANTIATED

    verify(
        client,
        complaint,
        outcome=Verification.GROUNDLESS,
        verified_on=today().isoformat(),
        note="举报人已撤回，经核查查无实据",
    )
    complaint.refresh_from_db()
    assert complaint.verification == Verification.GROUNDLESS
    assert complaint.verification_note == "举报人已撤回，经核查查无实据"
    assert counted(institution) == 0
    users = list(complaint.history.order_by("history_date").values_list("history_user", flat=True))
    assert users[-2:] == [township_user.pk, county_user.pk]


def test_the_verification_cannot_be_dated_before_the_complaint_or_in_the_future(
    client_for, township, county, township_user
):
    complaint = complaint_on(InstitutionFactory(township=township), county)
    client = client_for(township_user)
    for day in (today() - timedelta(days=10), today() + timedelta(days=1)):
        verify(client, complaint, outcome=Verification.SUBSTANTIATED, verified_on=day.isoformat())
        complaint.refresh_from_db()
        assert complaint.verification == Verification.PENDING


def test_the_list_filters_by_verification_and_is_scoped(
    client_for, township, other_township, county, township_user, county_user
):
    own = complaint_on(InstitutionFactory(township=township, name="开云镇福寿养老院"), county)
    other = complaint_on(
        InstitutionFactory(township=other_township, name="白果镇夕阳红养老院"),
        county,
        verification=Verification.SUBSTANTIATED,
    )
    url = reverse("screening:complaint_list")
    page = client_for(township_user).get(url).content.decode()
    assert own.subject_name in page and other.subject_name not in page
    county_page = client_for(county_user).get(url, {"verification": "substantiated"})
    content = county_page.content.decode()
    assert other.subject_name in content and own.subject_name not in content
    detail = reverse("screening:complaint_detail", args=[other.pk])
    assert client_for(township_user).get(detail).status_code == 404


def test_another_township_and_a_leader_cannot_verify(
    client_for, township, county, other_township_user, leader
):
    complaint = complaint_on(InstitutionFactory(township=township), county)
    data = {"outcome": Verification.SUBSTANTIATED, "verified_on": today().isoformat()}
    assert verify(client_for(other_township_user), complaint, **data).status_code == 404
    assert verify(client_for(leader), complaint, **data).status_code == 403
    complaint.refresh_from_db()
    assert complaint.verification == Verification.PENDING
