"""Edits don't overwrite (issue 15, item 4): a draft finished offline carries the version the
phone took; if the server's copy changed meanwhile its sync stops with both versions."""

import pytest
from django.urls import reverse

from screening.models import ScreeningVisit, VisitStatus
from tests.factories import InstitutionFactory
from tests.screening.factories import ResidentInterviewFactory, ScreeningVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(township, township_user):
    visit = ScreeningVisitFactory(
        institution=InstitutionFactory(township=township, name="开云镇康乐颐养院"),
        staff=township_user,
        created_by=township_user,
        findings="上次写到一半",
    )
    ResidentInterviewFactory(visit=visit, interviewee="刘奶奶", created_by=township_user)
    return visit


def phone_copy(client, visit):
    """What a phone keeps of the draft from the field app's data."""
    drafts = client.get(reverse("screening:field_data")).json()["drafts"]
    (row,) = [d for d in drafts if d["id"] == visit.pk]
    data = {}
    for name, value in row["fields"]:
        data.setdefault(name, []).append(value)
    return row, data


def sync(client, visit, data, **changes):
    body = {**data, **{k: [v] for k, v in changes.items()}, "action": ["draft"]}
    return client.post(
        reverse("screening:visit_update", args=[visit.pk]), body, HTTP_ACCEPT="application/json"
    )


def test_the_field_data_carries_the_users_drafts_with_their_version(
    client_for, township_user, draft, other_township_user
):
    row, data = phone_copy(client_for(township_user), draft)

    assert row["version"] == draft.updated_at.isoformat()
    assert data["findings"] == ["上次写到一半"]
    assert data["interviews-0-interviewee"] == ["刘奶奶"]
    assert data["edit_version"] == [row["version"]]


def test_a_draft_finished_offline_is_saved_when_nothing_changed_meanwhile(
    client_for, township_user, draft
):
    client = client_for(township_user)
    _row, data = phone_copy(client, draft)

    answer = sync(client, draft, data, findings="在门口写完了")

    assert answer.status_code == 200
    draft.refresh_from_db()
    assert draft.findings == "在门口写完了"
    assert answer.json()["version"] == draft.updated_at.isoformat()
    assert draft.interviews.get().interviewee == "刘奶奶"  # not doubled


def test_two_devices_edit_one_draft_and_the_second_sync_stops_with_both_versions(
    client_for, township_user, draft
):
    client = client_for(township_user)
    _row, phone_a = phone_copy(client, draft)
    _row, phone_b = phone_copy(client, draft)

    first = sync(client, draft, phone_a, findings="甲手机：发现会员卡宣传单")
    second = sync(client, draft, phone_b, findings="乙手机：未见宣传单", companions="李网格员")

    assert first.status_code == 200
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "edit_conflict"
    rows = {row["name"]: row for row in body["differences"]}
    assert rows["findings"]["mine"] == "乙手机：未见宣传单"
    assert rows["findings"]["theirs"] == "甲手机：发现会员卡宣传单"
    assert rows["companions"]["mine"] == "李网格员"
    # The server's version, to resend over it if the person keeps theirs.
    draft.refresh_from_db()
    assert body["version"] == draft.updated_at.isoformat()
    assert draft.findings == "甲手机：发现会员卡宣传单"  # nothing overwritten

    kept_mine = {**phone_b, "edit_version": [body["version"]]}
    again = sync(client, draft, kept_mine, findings="乙手机：未见宣传单")
    assert again.status_code == 200
    draft.refresh_from_db()
    assert draft.findings == "乙手机：未见宣传单"


def test_a_draft_submitted_meanwhile_stops_the_sync(client_for, township_user, draft):
    client = client_for(township_user)
    _row, data = phone_copy(client, draft)
    ScreeningVisit.objects.filter(pk=draft.pk).update(status=VisitStatus.SUBMITTED)

    answer = sync(client, draft, data, findings="离线改的")

    assert answer.status_code == 409
    assert answer.json()["status"] == VisitStatus.SUBMITTED
    assert ScreeningVisit.objects.get(pk=draft.pk).findings == "上次写到一半"


def test_drafts_of_the_field_data_take_constant_queries(
    client_for, township_user, township, django_assert_max_num_queries
):
    institution = InstitutionFactory(township=township)
    for _n in range(5):
        visit = ScreeningVisitFactory(
            institution=institution, staff=township_user, created_by=township_user
        )
        ResidentInterviewFactory(visit=visit)
        ResidentInterviewFactory(visit=visit)
    client = client_for(township_user)
    client.get(reverse("screening:field_data"))
    with django_assert_max_num_queries(8):
        drafts = client.get(reverse("screening:field_data")).json()["drafts"]
    assert len(drafts) == 5
