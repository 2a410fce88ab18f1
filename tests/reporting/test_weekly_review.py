"""周报送: the county section reviews the townships' weekly reports (accept, return with a
reason, reopen an accepted one with a reason) and reminds those that have not reported
(催报); the township sees both on its home page and in its notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from reporting import runs, services
from reporting.choices import ReportSet, ReviewState, WeeklyStatus
from reporting.models import WeeklyReminder
from reporting.periods import ReportingWeek
from reporting.selectors import weekly
from tests.factories import CountyFactory, TownshipFactory, UserFactory

from .conftest import shanghai

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 48)
MONDAY = shanghai(2026, 11, 23, 10, 0)
TUESDAY = shanghai(2026, 11, 24, 15, 0)
REASON = "宣传场次与附件5不一致，请核对后重报"


def submit(user, now=MONDAY, summary="本周排查3家机构。"):
    return services.save_weekly_report(
        user=user, week=WEEK, summary=summary, results={}, submit=True, now=now
    )


@pytest.fixture
def report(township_user, frozen_clock):
    frozen_clock(TUESDAY)
    return submit(township_user)


def review(client, report, action, reason=None):
    data = {} if reason is None else {"reason": reason}
    url = reverse("reporting:weekly_review", args=[report.pk, action])
    return client.post(url, data, follow=True)


# --- the state machine -------------------------------------------------------------------------


def test_the_county_accepts_a_submitted_report_and_it_is_locked(report, county_user, client_for):
    review(client_for(county_user), report, "accept")

    report.refresh_from_db()
    assert report.review_state == ReviewState.ACCEPTED
    assert (report.accepted_by, report.accepted_at) == (county_user, TUESDAY)
    assert report.history.first().history_user == county_user
    with pytest.raises(ValidationError):
        services.withdraw_weekly_report(user=report.submitted_by, report=report)


def test_returning_needs_a_reason_and_gives_the_township_a_draft_with_it(
    report, county_user, township_user, client_for
):
    response = review(client_for(county_user), report, "return", reason="  ")
    report.refresh_from_db()
    assert report.is_submitted  # nothing happened
    assert "说明退回" in response.content.decode()

    review(client_for(county_user), report, "return", reason=REASON)

    report.refresh_from_db()
    assert report.status == WeeklyStatus.DRAFT and report.review_state == ReviewState.RETURNED
    assert (report.return_reason, report.returned_by) == (REASON, county_user)
    assert report.summary == "本周排查3家机构。"  # the township's text is kept
    township = client_for(township_user)
    home = township.get(reverse("home")).content.decode()
    form = township.get(reverse("reporting:weekly_edit", args=[2026, 48])).content.decode()
    assert REASON in home and 'id="weekly-notices"' in home
    assert REASON in form


def test_once_resubmitted_the_return_leaves_the_home_page(
    report, county_user, township_user, client_for
):
    services.return_weekly_report(user=county_user, report=report, reason=REASON)

    again = submit(township_user, now=TUESDAY, summary="已核对更正。")

    assert again.review_state == ReviewState.AWAITING and again.return_reason == ""
    assert REASON not in client_for(township_user).get(reverse("home")).content.decode()


def test_an_accepted_report_is_reopened_only_with_a_reason(report, county_user):
    services.accept_weekly_report(user=county_user, report=report)
    with pytest.raises(ValidationError):
        services.return_weekly_report(user=county_user, report=report, reason=REASON)
    with pytest.raises(ValidationError):
        services.reopen_weekly_report(user=county_user, report=report, reason="")

    services.reopen_weekly_report(user=county_user, report=report, reason=REASON)

    report.refresh_from_db()
    assert report.review_state == ReviewState.RETURNED and report.accepted_at is None
    assert report.history.first().history_change_reason == f"退回修改：{REASON}"


def test_a_draft_cannot_be_accepted_or_returned(township_user, county_user, frozen_clock):
    frozen_clock(TUESDAY)
    draft = services.save_weekly_report(
        user=township_user, week=WEEK, summary="草稿", results={}, now=MONDAY
    )
    with pytest.raises(ValidationError):
        services.accept_weekly_report(user=county_user, report=draft)
    with pytest.raises(ValidationError):
        services.return_weekly_report(user=county_user, report=draft, reason=REASON)


def test_a_township_or_a_leader_cannot_review(report, township_user, leader, client_for):
    for user in (township_user, leader):
        assert review(client_for(user), report, "accept").status_code == 403
        with pytest.raises(PermissionDenied):
            services.accept_weekly_report(user=user, report=report)
    report.refresh_from_db()
    assert report.review_state == ReviewState.AWAITING


def test_another_countys_section_cannot_find_the_report(report, client_for):
    far = CountyFactory(name="衡东县")
    stranger = UserFactory(username="hengdong", unit=far, role=Role.COUNTY_REVIEWER)

    assert review(client_for(stranger), report, "accept").status_code == 404


def test_the_county_list_shows_where_each_report_stands(
    report, county_user, client_for, other_township_user
):
    services.accept_weekly_report(user=county_user, report=report)

    page = client_for(county_user).get(reverse("reporting:weekly_list"), {"week": WEEK.label})

    html = page.content.decode()
    assert 'data-review="accepted"' in html


# --- 催报 ----------------------------------------------------------------------------------------


def test_reminders_go_to_the_townships_that_have_not_submitted(
    report, township, other_township, other_township_user, county_user, client_for
):
    response = client_for(county_user).post(
        reverse("reporting:weekly_remind"), {"week": WEEK.label}, follow=True
    )

    reminders = list(WeeklyReminder.objects.all())
    assert [(r.township, r.created_by) for r in reminders] == [(other_township, county_user)]
    assert "已向 1 个乡镇" in response.content.decode()
    # the reminded township sees it on its home page and in its notifications
    client = client_for(other_township_user)
    home = client.get(reverse("home")).content.decode()
    assert f'data-weekly-reminder="{reminders[0].pk}"' in home
    notices = client.get(reverse("reporting:notices")).content.decode()
    assert f'data-reminder="{reminders[0].pk}"' in notices
    # the township that has submitted is not reminded
    assert (
        "data-weekly-reminder"
        not in client_for(report.submitted_by).get(reverse("home")).content.decode()
    )


def test_one_township_can_be_reminded_and_the_reminders_are_listed_with_the_report(
    township, other_township, township_user, county_user, client_for, frozen_clock
):
    frozen_clock(TUESDAY)
    client = client_for(county_user)
    client.post(reverse("reporting:weekly_remind"), {"week": WEEK.label, "township": township.pk})

    assert [r.township for r in WeeklyReminder.objects.all()] == [township]
    late = submit(township_user, now=shanghai(2026, 11, 24, 18, 0))
    page = client.get(late.get_absolute_url()).content.decode()
    assert 'id="weekly-reminders"' in page and county_user.display_name in page
    # submitted since: no longer on the township's home page, marked submitted in the list
    assert (
        "data-weekly-reminder"
        not in client_for(township_user).get(reverse("home")).content.decode()
    )
    assert weekly.notices(township_user).reminders[0].submitted


def test_a_township_cannot_remind_nor_remind_outside_the_unit(
    township_user, county_user, client_for, frozen_clock
):
    frozen_clock(TUESDAY)
    far = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))

    forbidden = client_for(township_user).post(
        reverse("reporting:weekly_remind"), {"week": WEEK.label}
    )
    foreign = client_for(county_user).post(
        reverse("reporting:weekly_remind"), {"week": WEEK.label, "township": far.pk}
    )

    assert (forbidden.status_code, foreign.status_code) == (403, 404)
    assert not WeeklyReminder.objects.exists()


def test_the_township_cannot_read_another_townships_reminders(
    township, other_township_user, county_user
):
    services.send_reminders(user=county_user, week=WEEK, township=township, now=TUESDAY)

    assert weekly.notices(other_township_user).reminders == []


def test_the_county_week_page_is_constant_in_queries(
    county, county_user, client_for, frozen_clock, django_assert_max_num_queries
):
    frozen_clock(TUESDAY)
    for n in range(12):
        TownshipFactory(name=f"乡镇{n}", parent=county)
    services.send_reminders(user=county_user, week=WEEK, now=TUESDAY)
    client = client_for(county_user)

    with django_assert_max_num_queries(9):
        client.get(reverse("reporting:weekly_list"), {"week": WEEK.label})


# --- read-only leaders ---------------------------------------------------------------------------


def test_only_the_county_section_asks_for_or_rebuilds_a_pack(
    county_user, leader, administrator, client_for
):
    assert runs.can_request(county_user)
    for user in (leader, administrator):
        assert not runs.can_request(user)
        response = client_for(user).post(
            reverse("reporting:run_request"),
            {"report_set": ReportSet.DISTRICT_WEEKLY, "week": WEEK.label},
        )
        assert response.status_code == 403
