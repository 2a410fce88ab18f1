"""A township may take back its submitted weekly report until the county has counted it in
the week's pack; the submit button first says what happens next."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting import services
from reporting.choices import ReportSet, RunStatus, WeeklyStatus
from reporting.models import ReportRun
from reporting.periods import ReportingWeek

from .conftest import shanghai

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 48)
SUBMITTED_AT = shanghai(2026, 11, 24, 10, 0)
LATER = shanghai(2026, 11, 24, 15, 0)


@pytest.fixture
def report(township_user, frozen_clock):
    frozen_clock(LATER)
    return services.save_weekly_report(
        user=township_user,
        week=WEEK,
        summary="本周排查3家机构。",
        results={"cases_filed": 1},
        submit=True,
        now=SUBMITTED_AT,
    )


def pack(unit, finished_at, status=RunStatus.DONE):
    return ReportRun.objects.create(
        unit=unit,
        report_set=ReportSet.DISTRICT_WEEKLY,
        year=WEEK.year,
        week=WEEK.week,
        status=status,
        requested_at=finished_at,
        finished_at=finished_at,
    )


def test_the_township_withdraws_and_corrects_its_report(report, township_user, client_for):
    client = client_for(township_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("reporting:weekly_withdraw", args=[report.pk]) in page

    response = client.post(reverse("reporting:weekly_withdraw", args=[report.pk]), follow=True)

    report.refresh_from_db()
    assert (report.status, report.submitted_at, report.submitted_by) == (
        WeeklyStatus.DRAFT,
        None,
        None,
    )
    assert response.redirect_chain[-1][0] == reverse("reporting:weekly_edit", args=[2026, 48])
    assert report.summary == "本周排查3家机构。"  # nothing typed is lost
    assert report.history.first().history_user == township_user


def test_a_pack_built_before_the_submission_does_not_stop_it(report, county, township_user):
    pack(county, shanghai(2026, 11, 24, 9, 0))

    services.withdraw_weekly_report(user=township_user, report=report)

    report.refresh_from_db()
    assert report.status == WeeklyStatus.DRAFT


def test_once_the_county_counted_it_in_the_pack_it_stays(report, county, township_user, client_for):
    pack(county, shanghai(2026, 11, 24, 17, 30))
    client = client_for(township_user)

    page = client.get(report.get_absolute_url()).content.decode()
    response = client.post(reverse("reporting:weekly_withdraw", args=[report.pk]), follow=True)

    assert reverse("reporting:weekly_withdraw", args=[report.pk]) not in page
    report.refresh_from_db()
    assert report.status == WeeklyStatus.SUBMITTED
    assert "已不能撤回" in response.content.decode()


def test_a_failed_pack_is_not_counting_it(report, county, township_user):
    pack(county, shanghai(2026, 11, 24, 17, 30), status=RunStatus.FAILED)

    services.withdraw_weekly_report(user=township_user, report=report)


def test_a_draft_cannot_be_withdrawn(report, township_user):
    services.withdraw_weekly_report(user=township_user, report=report)

    with pytest.raises(ValidationError):
        services.withdraw_weekly_report(user=township_user, report=report)


def test_another_township_or_the_county_cannot_withdraw_it(
    report, other_township_user, county_user, client_for
):
    url = reverse("reporting:weekly_withdraw", args=[report.pk])

    assert client_for(other_township_user).post(url).status_code == 404
    assert client_for(county_user).post(url).status_code == 403
    report.refresh_from_db()
    assert report.status == WeeklyStatus.SUBMITTED


def test_submitting_asks_first_and_says_what_happens_next(township_user, client_for, frozen_clock):
    frozen_clock(LATER)

    page = client_for(township_user).get(reverse("reporting:weekly_edit", args=[2026, 48]))

    html = page.content.decode()
    assert 'data-confirm-title="报送本周周报？"' in html
    assert "县级生成本周报表前" in html and 'id="confirm-dialog"' in html
