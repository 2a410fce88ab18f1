"""Writing through the API: the pages' forms check, the pages' services save, the history
names the system account, and a retried visit is made once."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import clock
from reporting.periods import current_week
from screening.models import Lead, ScreeningVisit
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

VISITS = "api:visit-list"


def a_visit(institution, **values):
    return {
        "institution": institution.pk,
        "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "large_prepayment_found": "no",
        "poster_displayed": True,
        "findings": "现场查看收费公示。",
        "interviews": [{"interviewee": "李", "prepayment_collected": "no"}],
        **values,
    }


def test_township_key_records_a_visit_with_the_system_account_as_its_author(
    api_for, keys, township
):
    institution = InstitutionFactory(township=township)

    response = api_for("township").post(
        reverse(VISITS), a_visit(institution), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    visit = ScreeningVisit.objects.get(pk=response.json()["id"])
    account = keys["township"][0].account
    assert (visit.created_by, visit.staff, visit.interviews.count()) == (account, account, 1)
    assert visit.history.latest().history_user == account


def test_a_visit_is_checked_by_the_forms_rules(api_for, township):
    institution = InstitutionFactory(township=township)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = api_for("township").post(
        reverse(VISITS),
        a_visit(institution, visited_on=tomorrow, method="by_pigeon"),
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert {error["field"] for error in body["errors"]} == {"visited_on", "method"}
    assert ScreeningVisit.objects.count() == 0


def test_submitting_follows_the_services_rule_on_fund_use(api_for, township):
    institution = InstitutionFactory(township=township)

    response = api_for("township").post(
        reverse(VISITS),
        a_visit(institution, large_prepayment_found="yes", submit=True),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["fund_use"]


def test_a_visit_to_another_townships_institution_is_refused(api_for, other_township):
    institution = InstitutionFactory(township=other_township)

    response = api_for("township").post(
        reverse(VISITS), a_visit(institution), content_type="application/json"
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["institution"]
    assert ScreeningVisit.objects.count() == 0


def test_the_same_visit_posted_five_times_with_one_idempotency_key_makes_one_row(api_for, township):
    institution = InstitutionFactory(township=township)
    client = api_for("township")

    answers = [
        client.post(
            reverse(VISITS),
            a_visit(institution),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001",
        )
        for _ in range(5)
    ]

    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200]
    assert len({a.json()["id"] for a in answers}) == 1
    assert ScreeningVisit.objects.count() == 1


def test_a_client_id_in_the_body_works_like_the_header(api_for, township):
    institution = InstitutionFactory(township=township)
    client = api_for("township")
    body = a_visit(institution, client_id="robot-42")

    first = client.post(reverse(VISITS), body, content_type="application/json")
    again = client.post(reverse(VISITS), body, content_type="application/json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert ScreeningVisit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_posts_with_one_idempotency_key_make_one_row(township, county):
    """Five threads at once, each with its own database connection: on PostgreSQL the unique
    constraint makes four of them wait and find the first one's visit."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers on one file lock; the threads would not race")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from accounts.models import Role
    from tests.factories import UserFactory

    from .conftest import issue, key_client, system_account

    reviewer = UserFactory(username="county-threads", unit=county, role=Role.COUNTY_REVIEWER)
    _row, key = issue(system_account(township, Role.TOWNSHIP_STAFF), reviewer)
    institution = InstitutionFactory(township=township)
    body = a_visit(institution)

    def post(_):
        try:
            return key_client(key).post(
                reverse(VISITS),
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="race-1",
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(post, range(5)))

    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert ScreeningVisit.objects.filter(client_id="race-1").count() == 1


@pytest.mark.parametrize(
    "url", [VISITS, "api:lead-list", "api:weekly-report-list"], ids=["visit", "lead", "weekly"]
)
def test_leader_key_cannot_write(api_for, township, url):
    response = api_for("leader").post(reverse(url), {}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["title"]


def test_township_key_records_a_lead(api_for, keys, township):
    response = api_for("township").post(
        reverse("api:lead-list"),
        {
            "unit": township.pk,
            "channel": "12337",
            "received_on": clock.today().isoformat(),
            "subject": "某养老院收取会员费",
            "content": "以办卡充值为名收取老人费用。",
            "reporter_phone": "13912345678",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()["errors"]
    lead = Lead.objects.get()
    assert lead.history.latest().history_user == keys["township"][0].account


def test_township_key_submits_the_weekly_report(api_for, keys, township):
    week = current_week(clock.now())

    response = api_for("township").post(
        reverse("api:weekly-report-list"),
        {"year": week.year, "week": week.week, "summary": "本周排查3家。", "submit": True},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "submitted"
    again = api_for("township").post(
        reverse("api:weekly-report-list"),
        {"year": week.year, "week": week.week, "summary": "改一下"},
        content_type="application/json",
    )
    assert again.status_code == 400


def test_county_key_cannot_submit_a_townships_weekly_report(api_for):
    week = current_week(clock.now())

    response = api_for("county").post(
        reverse("api:weekly-report-list"),
        {"year": week.year, "week": week.week, "summary": "x"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_weekly_report_of_a_week_not_started_is_refused(api_for):
    response = api_for("township").post(
        reverse("api:weekly-report-list"),
        {"year": date.today().year + 1, "week": 10, "summary": "x"},
        content_type="application/json",
    )

    assert response.status_code == 400


def test_the_api_lists_the_notice_counts_and_refuses_more_notices_than_elders(api_for, township):
    """告知书 counted against the elders (issue 20): the API checks by the visit form's rule
    and answers the counts and the box they set."""
    institution = InstitutionFactory(township=township)
    base = {
        "institution": institution.pk,
        "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "large_prepayment_found": "no",
        "residents_housed": 10,
    }
    refused = api_for("township").post(
        reverse(VISITS), {**base, "notices_handed_out": 11}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert {error["field"] for error in refused.json()["errors"]} == {"notices_handed_out"}

    saved = api_for("township").post(
        reverse(VISITS),
        {**base, "notices_handed_out": 10, "receipts_collected": 9},
        content_type="application/json",
    )
    assert saved.status_code == 201, saved.json()
    body = saved.json()
    assert (body["residents_housed"], body["notices_handed_out"], body["receipts_collected"]) == (
        10,
        10,
        9,
    )
    assert body["notice_to_every_resident"] is True
