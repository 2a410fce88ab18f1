"""The leaders' dashboard: ratings per township, the weekly trend, coverage, disposal and
清零 progress, the latest packs; scoped to the user's unit, constant queries."""

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disposal.models import ActionStatus, DisposalAction, ZeroingEntry, ZeroingStatus
from disposal.services.actions import apply_level
from reporting.choices import ReportSet, RunStatus
from reporting.models import ReportRun
from reporting.periods import current_week
from risklists.engine import level_rank
from risklists.models import Assessment, ChangeKind, LevelChange, RatingState, ReviewState
from screening.models import OfficialCount
from tests.factories import InstitutionFactory, TownshipFactory, VenueFactory
from tests.screening.factories import SubmittedVisitFactory

from .conftest import shanghai

pytestmark = pytest.mark.django_db
URL = reverse("reporting:dashboard")


def approve(institution, level, at, previous=""):
    """The county approved ``level`` for ``institution`` at ``at`` (rating rows as the
    services leave them: the assessment, the rating state and the ledger entry)."""
    assessment = Assessment.objects.create(
        institution=institution,
        level=level,
        computed_at=at,
        state=ReviewState.APPROVED,
        reviewed_at=at,
    )
    RatingState.objects.update_or_create(
        institution=institution,
        defaults={
            "current": assessment,
            "approved_level": level,
            "list_level": level,
            "list_rank": level_rank(level),
        },
    )
    LevelChange.objects.create(
        institution=institution,
        assessment=assessment,
        level=level,
        previous_level=previous,
        kind=ChangeKind.APPROVED,
        changed_at=at,
    )
    return assessment


def chart_data(response) -> dict:
    match = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the chart data is embedded with json_script"
    return json.loads(match.group(1))


def series(data, chart, level):
    return next(s["values"] for s in data[chart]["series"] if s["level"] == level)


def test_leader_sees_approved_levels_stacked_per_township(
    client_for, leader, township, other_township
):
    now = timezone.now()
    for level in ("red", "orange", "orange", "green"):
        approve(InstitutionFactory(township=township), level, now - timedelta(days=3))
    approve(InstitutionFactory(township=other_township), "yellow", now - timedelta(days=3))
    InstitutionFactory(township=other_township)  # not rated yet

    response = client_for(leader).get(URL)

    assert response.status_code == 200
    data = chart_data(response)
    assert data["ratings"]["townships"] == ["开云镇", "白果镇"]
    assert series(data, "ratings", "red") == [1, 0]
    assert series(data, "ratings", "orange") == [2, 0]
    assert series(data, "ratings", "yellow") == [0, 1]
    assert series(data, "ratings", "green") == [1, 0]
    assert data["ratings"]["not_approved"] == [0, 1]
    # Chinese names on the legend, the plans' 红橙黄绿
    assert [s["name"] for s in data["ratings"]["series"]] == ["红色", "橙色", "黄色", "绿色"]
    board = response.context["board"]
    assert board.on_list == 4 and board.institutions == 6
    content = response.content.decode()
    assert 'data-figure="on-list">4<' in content


def test_trend_counts_the_list_at_the_end_of_each_reporting_week(
    client_for, leader, township, frozen_clock
):
    now = frozen_clock(shanghai(2026, 11, 25, 10))  # a Wednesday: week 2026-W49 runs
    weeks_ago = lambda n: now - timedelta(weeks=n)  # noqa: E731
    moved = InstitutionFactory(township=township)
    approve(moved, "orange", weeks_ago(3))
    LevelChange.objects.create(
        institution=moved,
        assessment=moved.assessments.get(),
        level="red",
        previous_level="orange",
        kind=ChangeKind.RAISED,
        changed_at=weeks_ago(1),
    )
    LevelChange.objects.create(
        institution=moved,
        assessment=moved.assessments.get(),
        level="green",
        previous_level="red",
        kind=ChangeKind.LOWERED,
        changed_at=now - timedelta(hours=1),
    )
    archived = InstitutionFactory(township=township)
    approve(archived, "yellow", weeks_ago(5))
    archived.archived_at = weeks_ago(2) + timedelta(hours=1)
    archived.save()

    data = chart_data(client_for(leader).get(URL))

    trend = data["trend"]
    assert len(trend["weeks"]) == 12
    assert trend["weeks"][-1] == "2026-W49" and trend["weeks"][-2] == "2026-W48"
    # newest last: ... W46 (3 weeks back), W47, W48, W49 (this week, read now)
    assert series(data, "trend", "orange")[-4:] == [1, 1, 0, 0]
    assert series(data, "trend", "red")[-4:] == [0, 0, 1, 0]
    assert series(data, "trend", "yellow")[-5:] == [1, 1, 0, 0, 0]
    assert [s["name"] for s in trend["series"]] == ["红色", "橙色", "黄色"]


def test_coverage_shows_screened_and_not_yet_against_the_official_count(
    client_for, county_user, township, other_township
):
    screened = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=screened, visited_on=timezone.localdate())
    InstitutionFactory(township=township)
    InstitutionFactory(township=other_township)
    OfficialCount.objects.create(unit=township, as_of=timezone.localdate(), institutions=4)

    response = client_for(county_user).get(URL)

    coverage = chart_data(response)["coverage"]
    assert coverage["screened"] == [1, 0]
    assert coverage["not_screened"] == [1, 1]
    assert coverage["official"] == [4, None]
    total = response.context["board"].coverage_total
    # to screen: the official count where it is larger than the registry
    assert (total.screened, total.to_screen) == (1, 5)


def test_disposal_progress_per_level_counts_overdue_open_and_done(
    client_for, leader, county_user, township
):
    today = timezone.localdate()
    apply_level(InstitutionFactory(township=township), "yellow", user=county_user, today=today)
    actions = DisposalAction.objects.filter(case__level="yellow").order_by("pk")
    assert actions.count() == 3
    first, second, _third = actions
    DisposalAction.objects.filter(pk=first.pk).update(status=ActionStatus.DONE)
    DisposalAction.objects.filter(pk=second.pk).update(deadline=today - timedelta(days=1))

    data = chart_data(client_for(leader).get(URL))

    disposal = data["disposal"]
    assert disposal["levels"] == ["red", "orange", "yellow", "green"]
    yellow = disposal["levels"].index("yellow")
    assert disposal["overdue"][yellow] == 1
    assert disposal["on_time"][yellow] == 1
    assert disposal["done"][yellow] == 1
    assert disposal["names"][yellow] == "黄色"


def test_zeroing_progress_shows_x_of_y_crossed_off(client_for, leader, township, other_township):
    VenueFactory(township=township)
    crossed = VenueFactory(township=township)
    ZeroingEntry.objects.create(institution=crossed, status=ZeroingStatus.CROSSED_OFF)

    response = client_for(leader).get(URL)

    zeroing = chart_data(response)["zeroing"]
    # only townships with venues on the ledger get a bar
    assert zeroing == {"townships": ["开云镇"], "crossed_off": [1], "remaining": [1]}
    assert 'data-figure="zeroing">1<span class="fs-6 text-secondary"> / 2' in (
        response.content.decode()
    )


def test_township_staff_see_their_own_township_only(
    client_for, township_user, township, other_township
):
    now = timezone.now()
    approve(InstitutionFactory(township=township), "orange", now - timedelta(days=1))
    approve(InstitutionFactory(township=other_township, name="白果镇福寿养老院"), "red", now)
    VenueFactory(township=other_township)

    response = client_for(township_user).get(URL)

    assert response.status_code == 200
    data = chart_data(response)
    assert data["ratings"]["townships"] == ["开云镇"]
    assert series(data, "ratings", "red") == [0]
    assert series(data, "trend", "red")[-1] == 0
    assert data["zeroing"]["townships"] == []
    assert "白果镇" not in response.content.decode()


def test_latest_packs_link_to_their_page_and_zip_within_the_unit(
    client_for, leader, township_user, county, township
):
    week = current_week()
    county_run = ReportRun.objects.create(
        unit=county,
        report_set=ReportSet.DISTRICT_WEEKLY,
        year=week.year,
        week=week.week,
        status=RunStatus.DONE,
        requested_at=timezone.now(),
        finished_at=timezone.now(),
    )
    ReportRun.objects.create(
        unit=county,
        report_set=ReportSet.BASELINE,
        year=week.year,
        week=week.week,
        status=RunStatus.FAILED,
        requested_at=timezone.now(),
    )

    content = client_for(leader).get(URL).content.decode()

    assert f'href="{county_run.get_absolute_url()}"' in content
    assert f'href="{reverse("reporting:run_download", args=[county_run.pk])}"' in content
    assert "基线" not in content and content.count("下载") >= 1
    # a township does not see the county's packs
    content = client_for(township_user).get(URL).content.decode()
    assert county_run.get_absolute_url() not in content


def test_the_chart_library_is_served_from_our_static_files(client_for, leader):
    content = client_for(leader).get(URL).content.decode()

    assert '<script src="/static/vendor/plotly/plotly-basic.min.js">' in content
    assert '<script src="/static/js/dashboard.js">' in content
    assert finders.find("vendor/plotly/plotly-basic.min.js")
    assert "cdn" not in content.lower()
    # no inline script: every <script> either has a src or is json_script data
    for tag in re.findall(r"<script[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag


def test_the_charts_use_only_trace_types_of_the_small_plotly_bundle():
    """plotly.js's basic bundle (1.2 MB, not the full 4.8 MB) has bars, pies and scatter
    traces only: a chart of another type would draw nothing."""
    bundle = Path(finders.find("vendor/plotly/plotly-basic.min.js"))
    script = Path(finders.find("js/dashboard.js")).read_text(encoding="utf-8")

    used = set(re.findall(r'type: "(\w+)"', script)) - {"category"}
    assert used and used <= {"bar", "scatter", "pie"}, used
    assert bundle.stat().st_size < 1_500_000
    assert "plotly.js (basic - minified)" in bundle.read_text(encoding="utf-8")[:200]


def build_county(county, townships: range, today: date, county_user):
    for n in townships:
        unit = TownshipFactory(name=f"第{n}镇", parent=county, code=f"4304231{n:02d}")
        rated = InstitutionFactory(township=unit)
        approve(rated, "orange", timezone.now() - timedelta(days=10))
        apply_level(rated, "orange", user=county_user, today=today - timedelta(days=20))
        SubmittedVisitFactory(institution=InstitutionFactory(township=unit), visited_on=today)
        VenueFactory(township=unit)
        OfficialCount.objects.create(unit=unit, as_of=today, institutions=3)


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_query_count_is_the_same_for_2_and_20_townships(
    client_for, leader, county, county_user, django_assert_max_num_queries
):
    client = client_for(leader)
    today = timezone.localdate()
    build_county(county, range(2), today, county_user)
    with_two = dashboard_queries(client)

    build_county(county, range(2, 20), today, county_user)
    with django_assert_max_num_queries(with_two):
        response = client.get(URL)
    assert len(chart_data(response)["ratings"]["townships"]) == 20
    assert with_two <= 25


def test_a_leaders_home_is_the_dashboard(client_for, leader, township_user, county_user):
    response = client_for(leader).get(reverse("home"), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert response.templates[0].name == "reporting/dashboard.html"

    content = client_for(county_user).get(reverse("home")).content.decode()
    assert 'id="dashboard-card"' in content and f'href="{URL}"' in content

    content = client_for(township_user).get(reverse("home")).content.decode()
    assert 'id="dashboard-card"' not in content
    assert f'href="{URL}"' in content  # still in the navigation


def test_the_trend_reads_weeks_at_their_tuesday_deadline(leader, township):
    from reporting.dashboard import weekly_trend

    now = datetime(2026, 11, 25, 10, tzinfo=timezone.get_default_timezone())
    points = weekly_trend(leader, now=now, weeks=3)
    assert [p.week.label for p in points] == ["2026-W47", "2026-W48", "2026-W49"]
    assert points[0].moment == shanghai(2026, 11, 17, 17)
    assert points[-1].moment == now
