"""The weekly report: the week and its Tuesday 17:00 deadline, the 300-character summary,
on-time / late / missing states with a frozen clock, the pages and the Tuesday reminder."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from reporting import services
from reporting.choices import PlaceType, WeeklyStatus
from reporting.forms import WeeklyReportForm
from reporting.models import WeeklyReport, person_count
from reporting.periods import ReportingWeek, current_week
from reporting.selectors import weekly
from reporting.selectors.weekly import SubmissionState

from .conftest import shanghai
from .factories import PublicityActivityFactory, WeeklyReportFactory

WEEK = ReportingWeek(2026, 48)
TUESDAY_MORNING = shanghai(2026, 11, 24, 9, 0)
BEFORE_DEADLINE = shanghai(2026, 11, 24, 16, 59, 59)
DEADLINE = shanghai(2026, 11, 24, 17, 0)
AFTER_DEADLINE = shanghai(2026, 11, 24, 17, 0, 1)
WEDNESDAY = shanghai(2026, 11, 25, 9, 0)


# --- the period --------------------------------------------------------------------------------


def test_the_week_runs_from_wednesday_to_the_tuesday_of_its_deadline():
    assert WEEK.first_day == date(2026, 11, 18)
    assert WEEK.last_day == date(2026, 11, 24)
    assert WEEK.deadline == DEADLINE
    assert WEEK.label == "2026-W48"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (shanghai(2026, 11, 18, 0, 0), WEEK),  # Wednesday 00:00 starts the week
        (shanghai(2026, 11, 23, 12, 0), WEEK),  # Monday
        (DEADLINE, WEEK),
        (AFTER_DEADLINE, ReportingWeek(2026, 49)),  # Tuesday after 17:00: the next week
        (shanghai(2026, 11, 17, 16, 0), ReportingWeek(2026, 47)),
        (shanghai(2026, 11, 17, 23, 59), WEEK),  # after last Tuesday's deadline
        (shanghai(2026, 12, 30, 10, 0), ReportingWeek(2027, 1)),  # across the year
    ],
)
def test_current_week_is_the_one_whose_deadline_comes_next(moment, expected):
    assert current_week(moment) == expected


def test_the_deadline_is_shanghai_time_whatever_the_clock_zone():
    from datetime import UTC, datetime

    assert current_week(datetime(2026, 11, 24, 8, 59, tzinfo=UTC)) == WEEK  # 16:59 local
    assert current_week(datetime(2026, 11, 24, 9, 1, tzinfo=UTC)) == WEEK.next()


def test_week_labels_parse_and_invalid_weeks_are_refused():
    assert ReportingWeek.parse("2022-W21") == ReportingWeek(2022, 21)
    with pytest.raises(ValueError):
        ReportingWeek.parse("2021-W53")
    with pytest.raises(ValueError):
        ReportingWeek.parse("W21")


# --- the 300-character summary -----------------------------------------------------------------


def summary_form(text):
    return WeeklyReportForm({"summary": text, **dict.fromkeys(RESULTS, 0)})


RESULTS = [
    "rectified",
    "closed_or_banned",
    "transferred",
    "cases_filed",
    "funds_refunded",
    "elders_resettled",
    "elders_assisted",
]


def test_300_chinese_characters_are_accepted():
    assert summary_form("排" * 300).is_valid()


def test_301_characters_are_refused():
    form = summary_form("排" * 300 + "。")

    assert not form.is_valid()
    assert "summary" in form.errors


def test_chinese_punctuation_counts_one_each_and_surrounding_space_is_not_counted():
    text = "本周，开展“三进”宣传。"
    assert person_count(text) == 12
    assert person_count("  \n" + text + "\n ") == 12


def test_an_emoji_counts_one_character():
    assert person_count("👍") == 1
    assert summary_form("排" * 299 + "👍").is_valid()


def test_a_letter_with_a_combining_accent_counts_one_character():
    assert person_count("e\u0301") == 1
    assert summary_form("e\u0301" * 300).is_valid()
    assert not summary_form("e\u0301" * 301).is_valid()


# --- the service -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submitting_before_the_deadline_is_on_time(township_user, township):
    report = services.save_weekly_report(
        user=township_user,
        week=WEEK,
        summary="本周排查3家机构。",
        results={"cases_filed": 1},
        submit=True,
        now=BEFORE_DEADLINE,
    )

    assert report.status == WeeklyStatus.SUBMITTED
    assert report.submitted_by == township_user
    assert weekly.submission_state(report, WEEK, WEDNESDAY) == SubmissionState.ON_TIME
    assert report.history.first().history_user == township_user


@pytest.mark.django_db
def test_submitting_after_the_deadline_is_late(township_user):
    report = services.save_weekly_report(
        user=township_user, week=WEEK, summary="迟报。", results={}, submit=True, now=AFTER_DEADLINE
    )

    assert report.is_late
    assert weekly.submission_state(report, WEEK, WEDNESDAY) == SubmissionState.LATE


@pytest.mark.django_db
def test_a_draft_is_missing_after_the_deadline_and_not_yet_due_before(township_user):
    draft = services.save_weekly_report(
        user=township_user, week=WEEK, summary="草稿", results={}, now=TUESDAY_MORNING
    )

    assert weekly.submission_state(draft, WEEK, BEFORE_DEADLINE) == SubmissionState.NOT_DUE
    assert weekly.submission_state(draft, WEEK, AFTER_DEADLINE) == SubmissionState.MISSING
    assert weekly.submission_state(None, WEEK, AFTER_DEADLINE) == SubmissionState.MISSING


@pytest.mark.django_db
def test_submitting_freezes_the_weeks_publicity_figures(township_user, township):
    PublicityActivityFactory(township=township, held_on=WEEK.first_day, posters=4)
    PublicityActivityFactory(township=township, held_on=WEEK.first_day - timedelta(1), posters=9)

    report = services.save_weekly_report(
        user=township_user, week=WEEK, summary="报送。", results={}, submit=True, now=DEADLINE
    )
    PublicityActivityFactory(township=township, held_on=WEEK.last_day, posters=100)

    report.refresh_from_db()
    assert report.publicity_figures["posters"] == 4
    assert report.publicity_figures["activities"] == 1


@pytest.mark.django_db
def test_submitting_freezes_the_counted_results_too(township_user, township, client_for):
    from screening.models import Lead, LeadChannel

    from .helpers import entered_before

    def lead(day):
        Lead.objects.create(
            unit=township,
            channel=LeadChannel.PLATFORM_12337,
            received_on=day,
            subject="收取高额会员费",
            content="…",
        )

    lead(WEEK.first_day)
    entered_before(WEEK.starts_at)  # entered in the week, before its deadline
    report = services.save_weekly_report(
        user=township_user, week=WEEK, summary="报送。", results={}, submit=True, now=DEADLINE
    )
    lead(WEEK.first_day)  # recorded after the report went in: not what the township reported

    report.refresh_from_db()
    assert report.result_figures["leads_received"] == 1
    page = client_for(township_user).get(report.get_absolute_url())
    received = next(v for v in page.context["results"] if v.figure.key == "leads_received")
    assert received.value == 1
    assert isinstance(report.result_figures["funds_refunded"], str)


@pytest.mark.django_db
def test_a_submitted_report_cannot_be_changed(township_user):
    services.save_weekly_report(
        user=township_user, week=WEEK, summary="报送。", results={}, submit=True, now=DEADLINE
    )

    with pytest.raises(ValidationError):
        services.save_weekly_report(
            user=township_user, week=WEEK, summary="改。", results={}, now=DEADLINE
        )


@pytest.mark.django_db
def test_a_week_that_has_not_started_cannot_be_written(township_user):
    with pytest.raises(ValidationError):
        services.save_weekly_report(
            user=township_user, week=WEEK.next(), summary="", results={}, now=TUESDAY_MORNING
        )


@pytest.mark.django_db
def test_a_report_is_not_submitted_without_the_weeks_summary(township_user):
    with pytest.raises(ValidationError):
        services.save_weekly_report(
            user=township_user, week=WEEK, summary="  \n ", results={}, submit=True, now=DEADLINE
        )
    assert not WeeklyReport.objects.filter(status=WeeklyStatus.SUBMITTED).exists()


@pytest.mark.django_db
def test_the_service_refuses_more_than_300_characters(township_user):
    with pytest.raises(ValidationError):
        services.save_weekly_report(
            user=township_user, week=WEEK, summary="排" * 301, results={}, now=TUESDAY_MORNING
        )
    assert not WeeklyReport.objects.exists()


# 区县方案 §三(五): 经验做法、典型案例、困难问题、意见建议 beside the summary, of any length.
LONG_CASE = "典型案例：" + "走访发现一处场所以“办卡返现”名义收取会员费，已责令停止并督促清退。" * 12
SUGGESTION = "困难问题：人手不足。意见建议：统一印制“三必须”海报。"


@pytest.mark.django_db
def test_cases_difficulties_and_suggestions_go_with_the_report_at_any_length(township_user):
    assert person_count(LONG_CASE) > 300
    services.save_weekly_report(
        user=township_user,
        week=WEEK,
        summary="报送。",
        results={},
        narrative={
            "practices_and_cases": LONG_CASE,
            "problems_and_suggestions": f" {SUGGESTION}\n",
        },
        now=TUESDAY_MORNING,
    )

    # Submitting without the texts keeps those of the draft.
    report = services.save_weekly_report(
        user=township_user, week=WEEK, summary="报送。", results={}, submit=True, now=DEADLINE
    )
    with pytest.raises(ValidationError):
        services.save_weekly_report(
            user=township_user,
            week=WEEK,
            summary="报送。",
            results={},
            narrative={"problems_and_suggestions": "改。"},
            now=DEADLINE,
        )

    report.refresh_from_db()
    assert report.status == WeeklyStatus.SUBMITTED
    assert (report.practices_and_cases, report.problems_and_suggestions) == (LONG_CASE, SUGGESTION)
    assert report.history.first().practices_and_cases == LONG_CASE


@pytest.mark.django_db
def test_leaders_and_the_county_do_not_write_weekly_reports(leader, county_user):
    for user in (leader, county_user):
        with pytest.raises(PermissionDenied):
            services.save_weekly_report(
                user=user, week=WEEK, summary="x", results={}, now=TUESDAY_MORNING
            )


@pytest.mark.django_db
def test_week_statuses_show_on_time_late_missing_and_not_yet_due(
    county_user, county, township, other_township
):
    from tests.factories import TownshipFactory

    third = TownshipFactory(parent=county, name="店门镇")
    WeeklyReportFactory(
        township=township, status=WeeklyStatus.SUBMITTED, submitted_at=BEFORE_DEADLINE
    )
    WeeklyReportFactory(
        township=other_township, status=WeeklyStatus.SUBMITTED, submitted_at=AFTER_DEADLINE
    )

    after = {s.township: s.state for s in weekly.week_statuses(county_user, WEEK, WEDNESDAY)}
    before = {s.township: s.state for s in weekly.week_statuses(county_user, WEEK, BEFORE_DEADLINE)}

    assert after == {
        township: SubmissionState.ON_TIME,
        other_township: SubmissionState.LATE,
        third: SubmissionState.MISSING,
    }
    assert before[third] == SubmissionState.NOT_DUE


# --- the pages ---------------------------------------------------------------------------------


def edit_url(week=WEEK):
    return reverse("reporting:weekly_edit", args=[week.year, week.week])


def post_week(client, data, week=WEEK):
    """Post the week's form as a browser that opened it would: with the version it carries
    (none when the page did not open, e.g. for a role that may not edit)."""
    url = edit_url(week)
    page = client.get(url)
    version = {}
    if page.status_code == 200:
        version = {"edit_version": str(page.context["form"]["edit_version"].value())}
    return client.post(url, {**version, **data})


def post_data(summary="本周开展排查走访和“三进”宣传。", action="submit", **results):
    return {"summary": summary, "action": action, **{k: results.get(k, 0) for k in RESULTS}}


@pytest.mark.django_db
def test_township_user_saves_a_draft_then_submits(
    client_for, township_user, frozen_clock, township
):
    frozen_clock(TUESDAY_MORNING)
    client = client_for(township_user)

    draft = post_week(client, post_data(action="draft", cases_filed=2))
    report = WeeklyReport.objects.get()
    assert draft.status_code == 302 and report.status == WeeklyStatus.DRAFT
    assert report.cases_filed == 2

    # Funds refunded are counted from the refund records: a posted figure is not taken.
    submitted = post_week(client, post_data(cases_filed=1, funds_refunded="12.5"))
    report.refresh_from_db()
    assert submitted.url == report.get_absolute_url()
    assert report.status == WeeklyStatus.SUBMITTED
    assert report.submitted_at == TUESDAY_MORNING
    assert (report.cases_filed, report.funds_refunded) == (1, 0)
    assert client.get(edit_url()).status_code == 302  # submitted: back to the report


@pytest.mark.django_db
def test_township_writes_cases_and_suggestions_and_the_county_reads_them_as_submitted(
    client_for, township_user, county_user, frozen_clock
):
    frozen_clock(TUESDAY_MORNING)
    client = client_for(township_user)
    texts = {"practices_and_cases": LONG_CASE, "problems_and_suggestions": SUGGESTION}

    form_page = client.get(edit_url()).content.decode()
    assert 'name="practices_and_cases"' in form_page and "经验做法和典型案例" in form_page
    assert 'name="problems_and_suggestions"' in form_page and "困难问题和意见建议" in form_page
    post_week(client, {**post_data(action="draft"), **texts})
    assert LONG_CASE in client.get(edit_url()).content.decode()  # the draft keeps them
    post_week(client, {**post_data(), **texts})
    # Submitted: the report is read only, its texts too.
    post_week(client, {**post_data(), "problems_and_suggestions": "改。"})

    report = WeeklyReport.objects.get()
    assert report.status == WeeklyStatus.SUBMITTED
    assert report.problems_and_suggestions == SUGGESTION
    detail = client_for(county_user).get(report.get_absolute_url()).content.decode()
    assert f'data-narrative="practices_and_cases">{LONG_CASE}<' in detail
    assert f'data-narrative="problems_and_suggestions">{SUGGESTION}<' in detail


@pytest.mark.django_db
def test_the_edit_page_has_the_counter_and_the_weeks_publicity_figures(
    client_for, township_user, frozen_clock, township
):
    frozen_clock(TUESDAY_MORNING)
    PublicityActivityFactory(township=township, held_on=WEEK.first_day, leaflets=123)

    response = client_for(township_user).get(edit_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-max-chars="300"' in page and "data-char-count" in page
    assert 'data-figure="leaflets">123<' in page
    assert "由本周录入的宣传活动统计" in page


@pytest.mark.django_db
def test_the_weekly_report_counts_publicity_in_parks_and_squares_and_keeps_it(
    client_for, township_user, frozen_clock, township
):
    """衡山县方案 走进公园、走进广场: the weekly report's publicity figures follow 附件5."""
    frozen_clock(TUESDAY_MORNING)
    square = dict(township=township, held_on=WEEK.first_day, place_type=PlaceType.GATHERING_PLACE)
    PublicityActivityFactory(**square)
    client = client_for(township_user)

    assert 'data-figure="in_gathering_places">1<' in client.get(edit_url()).content.decode()
    post_week(client, post_data())
    PublicityActivityFactory(**square)  # recorded after the report went in

    report = WeeklyReport.objects.get()
    assert report.publicity_figures["in_gathering_places"] == 1
    detail = client.get(report.get_absolute_url()).content.decode()
    assert 'data-figure="in_gathering_places">1<' in detail
    assert "走进公园、广场等老年人聚集场所" in detail


@pytest.mark.django_db
def test_the_page_refuses_301_characters_and_keeps_the_text(
    client_for, township_user, frozen_clock
):
    frozen_clock(TUESDAY_MORNING)

    response = post_week(client_for(township_user), post_data(summary="排" * 301))

    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    assert not WeeklyReport.objects.exists()


@pytest.mark.django_db
def test_a_report_submitted_on_wednesday_is_late(client_for, township_user, frozen_clock):
    frozen_clock(WEDNESDAY)

    post_week(client_for(township_user), post_data())

    assert WeeklyReport.objects.get().is_late


@pytest.mark.django_db
def test_a_future_week_is_not_found(client_for, township_user, frozen_clock):
    frozen_clock(TUESDAY_MORNING)

    response = client_for(township_user).get(edit_url(WEEK.next()))

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["leader", "county_user"])
def test_leaders_and_the_county_get_403_on_the_edit_page(
    client_for, request, frozen_clock, user_fixture
):
    frozen_clock(TUESDAY_MORNING)
    client = client_for(request.getfixturevalue(user_fixture))

    assert client.get(edit_url()).status_code == 403
    assert post_week(client, post_data()).status_code == 403
    assert not WeeklyReport.objects.exists()


@pytest.mark.django_db
def test_township_user_gets_404_for_another_townships_report(
    client_for, township_user, other_township
):
    report = WeeklyReportFactory(township=other_township)

    response = client_for(township_user).get(report.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_edit_page_only_ever_touches_the_users_own_township(
    client_for, township_user, other_township, frozen_clock, township
):
    frozen_clock(TUESDAY_MORNING)
    theirs = WeeklyReportFactory(township=other_township, summary="别人的")

    post_week(client_for(township_user), post_data(action="draft"))

    theirs.refresh_from_db()
    assert theirs.summary == "别人的"
    assert WeeklyReport.objects.get(township=township).summary.startswith("本周")


@pytest.mark.django_db
def test_county_sees_every_townships_state_for_a_week(
    client_for, county_user, township, other_township, frozen_clock, django_assert_max_num_queries
):
    frozen_clock(WEDNESDAY)
    WeeklyReportFactory(
        township=township, status=WeeklyStatus.SUBMITTED, submitted_at=BEFORE_DEADLINE
    )
    client = client_for(county_user)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("reporting:weekly_list"), {"week": WEEK.label})

    page = response.content.decode()
    assert f'data-township="{township.name}" data-state="on_time"' in page
    assert f'data-township="{other_township.name}" data-state="missing"' in page


@pytest.mark.django_db
def test_county_list_refuses_a_malformed_week(client_for, county_user):
    response = client_for(county_user).get(reverse("reporting:weekly_list"), {"week": "x"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_township_sees_its_own_weeks(client_for, township_user, township, frozen_clock):
    frozen_clock(WEDNESDAY)
    WeeklyReportFactory(
        township=township, status=WeeklyStatus.SUBMITTED, submitted_at=AFTER_DEADLINE
    )

    response = client_for(township_user).get(reverse("reporting:weekly_list"))

    statuses = response.context["statuses"]
    assert statuses[0].week == WEEK.next() and statuses[0].state == SubmissionState.NOT_DUE
    assert statuses[1].week == WEEK and statuses[1].state == SubmissionState.LATE
    assert statuses[2].state == SubmissionState.MISSING


@pytest.mark.django_db
def test_the_detail_shows_frozen_figures_and_typed_results_with_their_sources(
    client_for, leader, township
):
    report = WeeklyReportFactory(
        township=township,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=BEFORE_DEADLINE,
        publicity_figures={"posters": 17},
        cases_filed=3,
    )

    response = client_for(leader).get(report.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="posters">17<' in page
    assert 'data-figure="cases_filed">3<' in page
    assert "乡镇（街道）填报" in page
    assert response.context["state"] == SubmissionState.ON_TIME


# --- the reminder ------------------------------------------------------------------------------


def render_reminder(user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load reporting_tags %}{% weekly_report_reminder %}")
    return template.render(Context({"request": request}))


@pytest.mark.django_db
def test_the_reminder_shows_on_tuesday_morning_for_a_township_that_has_not_submitted(
    township_user, frozen_clock
):
    frozen_clock(TUESDAY_MORNING)

    assert "data-weekly-reminder" in render_reminder(township_user)
    assert edit_url() in render_reminder(township_user)


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [WEDNESDAY, shanghai(2026, 11, 23, 23, 59), AFTER_DEADLINE])
def test_the_reminder_is_not_shown_outside_tuesday_before_the_deadline(
    township_user, frozen_clock, moment
):
    frozen_clock(moment)

    assert "data-weekly-reminder" not in render_reminder(township_user)


@pytest.mark.django_db
def test_the_reminder_is_gone_once_submitted(township_user, township, frozen_clock):
    frozen_clock(TUESDAY_MORNING)
    WeeklyReportFactory(
        township=township, status=WeeklyStatus.SUBMITTED, submitted_at=TUESDAY_MORNING
    )

    assert "data-weekly-reminder" not in render_reminder(township_user)


@pytest.mark.django_db
def test_the_reminder_is_not_shown_to_the_county_or_leaders(county_user, leader, frozen_clock):
    frozen_clock(TUESDAY_MORNING)

    assert "data-weekly-reminder" not in render_reminder(county_user)
    assert "data-weekly-reminder" not in render_reminder(leader)


@pytest.mark.django_db
def test_the_weekly_pages_show_the_reminder_on_tuesday_morning(
    client_for, township_user, frozen_clock
):
    frozen_clock(TUESDAY_MORNING)
    client = client_for(township_user)

    assert "data-weekly-reminder" in client.get(reverse("reporting:weekly_list")).content.decode()
    frozen_clock(WEDNESDAY)
    assert (
        "data-weekly-reminder" not in client.get(reverse("reporting:weekly_list")).content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["township_user", "county_user"])
def test_the_weekly_page_says_when_this_weeks_report_is_due(
    request, role, client_for, frozen_clock
):
    """The page's own ``current`` week is not shadowed by the menu's language switcher."""
    frozen_clock(WEDNESDAY)
    user = request.getfixturevalue(role)

    page = client_for(user).get(reverse("reporting:weekly_list")).content.decode()

    deadline = WEEK.next().deadline.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"本周报送截止：{deadline:%Y-%m-%d %H:%M}" in page
