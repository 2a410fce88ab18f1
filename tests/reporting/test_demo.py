"""Reporting in the demo county: the working group, publicity in every township, weekly
reports in every state and a finished pack; loading again changes nothing."""

from datetime import datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import OrgUnit, UnitLevel, User
from reporting.choices import GroupRole, PlaceType, ReportSet, RunStatus
from reporting.demo import build_reporting_demo
from reporting.models import (
    PublicationList,
    PublicityActivity,
    ReportRun,
    WeeklyReport,
    WorkingGroupMember,
)
from reporting.periods import current_week
from reporting.selectors.weekly import SubmissionState, week_statuses

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(WorkingGroupMember.objects.values_list("unit_id", "role", "name", "phone")),
        WorkingGroupMember.history.count(),
        sorted(
            PublicityActivity.objects.values_list(
                "township_id", "held_on", "place_type", "place_name", "leaflets"
            )
        ),
        PublicityActivity.history.count(),
        sorted(
            WeeklyReport.objects.values_list(
                "township_id", "year", "week", "status", "submitted_at", "summary"
            )
        ),
        WeeklyReport.history.count(),
        sorted(ReportRun.objects.values_list("unit_id", "report_set", "year", "week", "status")),
        sorted(PublicationList.objects.values_list("unit_id", "as_of", "status")),
    )


@pytest.fixture
def demo(frozen_clock):
    """The demo county loaded on a fixed hour of today (before any Tuesday deadline)."""
    now = frozen_clock(
        datetime.combine(timezone.localdate(), time(10), tzinfo=timezone.get_default_timezone())
    )
    call_command("load_demo")
    return now


def test_demo_has_publicity_a_working_group_weekly_reports_in_every_state_and_a_pack(demo):
    """One load for every check: loading the demo county takes seconds."""
    every_township_has_publicity_of_all_three_place_types_and_a_liaison()
    the_county_working_group_is_the_plans()
    weekly_reports_exist_in_every_state(demo)
    last_weeks_pack_is_ready_for_the_leaders(demo)
    the_filed_institutions_table_of_2019_to_2021_is_not_empty()
    the_county_has_an_approved_publication_list(demo)


def the_county_has_an_approved_publication_list(demo):
    """政务公开: today's list of the demo county, approved, with its filed institutions and the
    campaign's inspections, for a leader or the city to read and download."""
    county = User.objects.get(username="county")
    publication = PublicationList.objects.get(unit=county.unit, as_of=demo.date())

    assert publication.is_approved and publication.approved_by == county
    assert publication.section("institutions") and publication.section("inspections")


def the_filed_institutions_table_of_2019_to_2021_is_not_empty():
    """衡山县 baseline 附件5 selects by 备案日期 (issue 20): the demo's filed institutions carry
    one, and some of them were filed in those years."""
    from institutions.models import Institution, RegistrationStatus
    from reporting.selectors import established_rows

    county = User.objects.get(username="county")
    rows = list(established_rows(county, 2019, 2021))
    assert rows
    assert all(r["registration_status"] == RegistrationStatus.REGISTERED_FILED for r in rows)
    filed = Institution.objects.filter(registration_status=RegistrationStatus.REGISTERED_FILED)
    assert not filed.filter(filed_on__isnull=True).exists()


def every_township_has_publicity_of_all_three_place_types_and_a_liaison():
    townships = OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP)
    for township in townships:
        kinds = set(
            PublicityActivity.objects.filter(township=township).values_list("place_type", flat=True)
        )
        assert kinds == set(PlaceType.values), township
        assert WorkingGroupMember.objects.filter(unit=township, role=GroupRole.LIAISON).exists()
    institution_visits = PublicityActivity.objects.filter(place_type=PlaceType.INSTITUTION)
    assert all(a.institution.township_id == a.township_id for a in institution_visits)


def the_county_working_group_is_the_plans():
    county = User.objects.get(username="county").unit
    group = list(WorkingGroupMember.objects.filter(unit=county).in_group_order())

    assert group[0].role == GroupRole.LEADER and "局长" in group[0].post
    assert {m.role for m in group} == set(GroupRole.values)
    liaison = next(m for m in group if m.role == GroupRole.LIAISON)
    # 衡山县方案: 县民政局养老服务股(联系人:文雨倩，0734-5820307)
    assert (liaison.name, liaison.unit_name, liaison.phone) == (
        "文雨倩",
        "衡山县民政局养老服务股",
        "0734-5820307",
    )


def weekly_reports_exist_in_every_state(demo):
    county_user = User.objects.get(username="county")
    week = current_week(demo)
    seen = set()
    for offset in range(9):
        for status in week_statuses(county_user, week.shifted(-offset), demo):
            seen.add(status.state)
            if status.is_draft:
                seen.add("draft")
    assert seen >= {
        SubmissionState.ON_TIME,
        SubmissionState.LATE,
        SubmissionState.MISSING,
        SubmissionState.NOT_DUE,
        "draft",
    }
    this_week = week_statuses(county_user, week, demo)
    assert sum(s.is_draft for s in this_week) == 1
    assert any(s.report is None for s in this_week)  # nothing yet for some townships
    late = WeeklyReport.objects.filter(submitted_at__gt=week.previous().deadline)
    assert all(r.is_late for r in late.exclude(year=week.year, week=week.week))


def last_weeks_pack_is_ready_for_the_leaders(demo):
    county = User.objects.get(username="county").unit
    last_week = current_week(demo).previous()

    run = ReportRun.objects.get(
        unit=county, report_set=ReportSet.DISTRICT_WEEKLY, year=last_week.year, week=last_week.week
    )

    assert run.status == RunStatus.DONE
    assert run.zip_file and len(run.files) == 6


def test_loading_the_reporting_demo_again_changes_nothing(demo):
    first = snapshot()

    summary = build_reporting_demo(today=timezone.localdate())

    assert snapshot() == first
    assert (summary.members, summary.activities, summary.reports, summary.packs) == (0, 0, 0, 0)
    assert summary.publications == 0
