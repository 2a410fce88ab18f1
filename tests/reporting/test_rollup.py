"""周报送 up the tree (issue 16 item 4): completeness and timeliness of the units below a city,
the city's review of a county's report, and 附件2–4 on the county's compiled page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import OrgUnit, Role, UnitLevel
from reporting import runs, services
from reporting.choices import PeriodKind, ReportSet, ReviewState, WeeklyStatus
from reporting.models import CountyReport
from reporting.packs import checks_of, context_for, write_pack
from reporting.periods import ReportingMonth, ReportingWeek
from reporting.selectors.completeness import completeness
from tests.disposal.factories import PrepaymentFactory, RefundFactory
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory

from .conftest import shanghai
from .factories import WeeklyReportFactory
from .helpers import approve, body, entered_before, orange_institution

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 50)  # due Tuesday 2026-12-08 17:00
AFTER = shanghai(2026, 12, 9, 10, 0)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def after_the_week(frozen_clock):
    frozen_clock(AFTER)


def report(township, week=WEEK, *, late=False, accepted=False, draft=False):
    return WeeklyReportFactory(
        township=township,
        year=week.year,
        week=week.week,
        status=WeeklyStatus.DRAFT if draft else WeeklyStatus.SUBMITTED,
        submitted_at=None if draft else week.deadline + (HOUR if late else -HOUR),
        accepted_at=week.deadline + 2 * HOUR if accepted else None,
    )


@pytest.fixture
def tree():
    """A province, two cities; the first has two counties of three townships."""
    province = CountyFactory(name="湖南省", level=UnitLevel.PROVINCE)
    city = CountyFactory(name="衡阳市", level=UnitLevel.CITY, parent=province)
    other_city = CountyFactory(name="株洲市", level=UnitLevel.CITY, parent=province)
    hengshan = CountyFactory(name="衡山县", parent=city, code="430423")
    hengdong = CountyFactory(name="衡东县", parent=city, code="430424")
    far = CountyFactory(name="攸县", parent=other_city, code="430223")
    towns = {
        county: [
            TownshipFactory(name=f"{county.name}{i}镇", parent=county, code=f"{county.code}{i:03d}")
            for i in range(3)
        ]
        for county in (hengshan, hengdong, far)
    }
    return {
        "province": province,
        "city": city,
        "other_city": other_city,
        "hengshan": hengshan,
        "hengdong": hengdong,
        "far": far,
        "towns": towns,
    }


def seed(tree):
    """衡山县: on time, late, a draft (missing). 衡东县: on time and accepted, nothing
    (missing), late. 攸县 (the other city): on time."""
    a, b, c = tree["towns"][tree["hengshan"]]
    report(a)
    report(b, late=True)
    report(c, draft=True)
    d, _e, f = tree["towns"][tree["hengdong"]]
    report(d, accepted=True)
    report(f, late=True)
    report(tree["towns"][tree["far"]][0])


def counts(row):
    return {
        name: getattr(row, name)
        for name in ("expected", "received", "on_time", "late", "missing", "pending", "accepted")
    }


# --- completeness and timeliness ----------------------------------------------------------------


def test_a_city_sees_each_countys_on_time_late_and_missing_reports(tree, client_for):
    seed(tree)
    city_user = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)

    found = completeness(city_user, WEEK)

    rows = {row.unit.name: counts(row) for row in found.rows}
    assert rows == {
        "衡山县": dict(expected=3, received=2, on_time=1, late=1, missing=1, pending=0, accepted=0),
        "衡东县": dict(expected=3, received=2, on_time=1, late=1, missing=1, pending=0, accepted=1),
    }
    assert counts(found.total)["missing"] == 2

    page = client_for(city_user).get(reverse("reporting:completeness"), {"week": WEEK.label})
    html = page.content.decode()
    assert page.status_code == 200
    assert "攸县" not in html  # another city's county is not listed
    assert 'data-total="missing">2<' in html
    assert 'id="completeness-data"' in html and "plotly-basic.min.js" in html


def test_a_county_row_drills_down_to_its_townships(tree, client_for):
    seed(tree)
    city_user = UserFactory(unit=tree["city"], role=Role.LEADER)
    hengshan = tree["hengshan"]

    found = completeness(city_user, WEEK, county=hengshan)
    assert [(r.unit.name, r.on_time, r.late, r.missing) for r in found.rows] == [
        ("衡山县0镇", 1, 0, 0),
        ("衡山县1镇", 0, 1, 0),
        ("衡山县2镇", 0, 0, 1),
    ]
    url = reverse("reporting:completeness_county", args=[hengshan.pk])
    page = client_for(city_user).get(url, {"week": WEEK.label})
    assert page.status_code == 200
    assert "衡山县2镇" in page.content.decode()


def test_another_citys_county_is_not_found_and_a_township_is_refused(tree, client_for):
    city_user = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)
    url = reverse("reporting:completeness_county", args=[tree["far"].pk])
    assert client_for(city_user).get(url).status_code == 404
    township_user = UserFactory(unit=tree["towns"][tree["hengshan"]][0])
    assert client_for(township_user).get(reverse("reporting:completeness")).status_code == 403


def test_a_month_counts_every_week_of_it_and_the_county_monthly_summary(tree):
    month = ReportingMonth(2026, 12)  # weeks due 12-01, 12-08, 12-15, 12-22, 12-29
    seed(tree)
    for township in tree["towns"][tree["hengshan"]]:
        report(township, ReportingWeek(2026, 49))
    CountyReport.objects.create(
        unit=tree["hengshan"],
        kind=PeriodKind.MONTH,
        year=2026,
        number=12,
        summary="月调度",
        status=WeeklyStatus.SUBMITTED,
        submitted_at=AFTER,
    )
    city_user = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)

    found = completeness(city_user, month)

    rows = {row.unit.name: row for row in found.rows}
    # Weeks 49 and 50 are due, week 51 has started (from 12-09) and is not yet due.
    assert counts(rows["衡山县"]) == dict(
        expected=9, received=5, on_time=4, late=1, missing=1, pending=3, accepted=0
    )
    assert rows["衡山县"].county_state == ReviewState.AWAITING
    assert rows["衡东县"].county_state == "none"


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"week": WEEK.label}).status_code == 200
    return len(queries)


def test_the_page_takes_the_same_queries_for_3_and_30_counties(
    client_for, django_assert_max_num_queries
):
    measured = []
    for size in (3, 30):
        city = CountyFactory(level=UnitLevel.CITY)
        for n in range(size):
            county = CountyFactory(parent=city)
            first, second = TownshipFactory(parent=county), TownshipFactory(parent=county)
            report(first, late=n % 2 == 0)
            report(second, draft=True)
            CountyReport.objects.create(
                unit=county, kind=PeriodKind.WEEK, year=WEEK.year, number=WEEK.week
            )
        client = client_for(UserFactory(unit=city, role=Role.COUNTY_REVIEWER))
        url = reverse("reporting:completeness")
        client.get(url, {"week": WEEK.label})  # session and translations warmed up
        measured.append(_page_queries(client, url))
        with django_assert_max_num_queries(12):
            client.get(url, {"week": WEEK.label})
    assert measured[0] == measured[1]


# --- the city's review of the county's report -----------------------------------------------


@pytest.fixture
def county_report(tree):
    return CountyReport.objects.create(
        unit=tree["hengshan"],
        kind=PeriodKind.WEEK,
        year=WEEK.year,
        number=WEEK.week,
        summary="本周全县排查。",
        status=WeeklyStatus.SUBMITTED,
        submitted_at=AFTER,
    )


def test_the_city_accepts_reopens_and_returns_a_countys_report(tree, county_report):
    city = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)
    county = UserFactory(unit=tree["hengshan"], role=Role.COUNTY_REVIEWER)

    accepted = services.accept_county_report(user=city, report=county_report)
    assert accepted.review_state == ReviewState.ACCEPTED and accepted.accepted_by == city
    # Accepted is locked: the county can no longer withdraw it.
    with pytest.raises(ValidationError):
        services.withdraw_county_report(user=county, report=accepted)
    with pytest.raises(ValidationError):
        services.accept_county_report(user=city, report=accepted)

    reopened = services.reopen_county_report(user=city, report=accepted, reason="数字有误")
    assert reopened.review_state == ReviewState.RETURNED
    assert reopened.return_reason == "数字有误" and reopened.status == WeeklyStatus.DRAFT

    resubmitted = services.save_county_report(
        user=county, unit=tree["hengshan"], period=WEEK, summary="改正后。", submit=True
    )
    assert resubmitted.review_state == ReviewState.AWAITING and not resubmitted.return_reason

    with pytest.raises(ValidationError):
        services.return_county_report(user=city, report=resubmitted, reason="  ")
    returned = services.return_county_report(user=city, report=resubmitted, reason="补充典型案例")
    assert returned.review_state == ReviewState.RETURNED
    assert returned.returned_by == city
    reasons = [h.history_change_reason or "" for h in returned.history.order_by("history_date")]
    # Who and when of each state change are in the history, with the reasons.
    assert "数字有误" in reasons[-3] and "补充典型案例" in reasons[-1]
    assert returned.history.latest().history_user == city


def test_a_draft_is_not_accepted_and_the_county_cannot_review_itself(tree, county_report):
    city = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)
    county = UserFactory(unit=tree["hengshan"], role=Role.COUNTY_REVIEWER)
    leader = UserFactory(unit=tree["city"], role=Role.LEADER)
    with pytest.raises(PermissionDenied):
        services.accept_county_report(user=county, report=county_report)
    with pytest.raises(PermissionDenied):
        services.accept_county_report(user=leader, report=county_report)
    withdrawn = services.withdraw_county_report(user=county, report=county_report)
    assert withdrawn.status == WeeklyStatus.DRAFT and withdrawn.figures == {}
    with pytest.raises(ValidationError):
        services.accept_county_report(user=city, report=withdrawn)


def test_the_review_pages_by_role_and_scope(tree, county_report, client_for):
    url = reverse("reporting:county_report_action", args=[county_report.pk, "return"])
    far_city = UserFactory(unit=tree["other_city"], role=Role.COUNTY_REVIEWER)
    assert client_for(far_city).post(url, {"reason": "x"}).status_code == 404
    county = UserFactory(unit=tree["hengshan"], role=Role.COUNTY_REVIEWER)
    assert client_for(county).post(url, {"reason": "x"}).status_code == 403

    city = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)
    client = client_for(city)
    page = client.get(county_report.get_absolute_url()).content.decode()
    assert 'id="county-review"' in page
    response = client.post(url, {"reason": "请补充困难问题"})
    assert response.status_code == 302
    county_report.refresh_from_db()
    assert county_report.is_returned

    page = client_for(county).get(county_report.get_absolute_url()).content.decode()
    assert 'id="county-return-reason"' in page and "请补充困难问题" in page
    home = client_for(county).get("/").content.decode()  # and on the county's home page
    assert 'id="county-returned"' in home and "请补充困难问题" in home


def test_the_county_withdraws_before_the_city_acts(tree, county_report, client_for):
    county = UserFactory(unit=tree["hengshan"], role=Role.COUNTY_REVIEWER)
    client = client_for(county)
    url = reverse("reporting:county_report_action", args=[county_report.pk, "withdraw"])
    assert url in client.get(county_report.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 302
    county_report.refresh_from_db()
    assert county_report.status == WeeklyStatus.DRAFT


# --- 附件2–4 on the county's compiled page -------------------------------------------------------


def test_the_county_page_shows_attachments_2_to_4_totalled_from_the_pack(tree, client_for):
    hengshan = tree["hengshan"]
    for township in tree["towns"][hengshan]:
        InstitutionFactory(township=township)
    county = UserFactory(unit=hengshan, role=Role.COUNTY_REVIEWER)
    url = reverse("reporting:county_weekly", args=[hengshan.pk, WEEK.year, WEEK.week])
    page = client_for(county).get(url).content.decode()
    for number in (2, 3, 4):
        assert f'id="county-pack-{number}"' in page
    assert 'data-total="on_registry">3<' in page


# --- the roll-up pack is the city's ----------------------------------------------------------


def test_only_a_city_or_province_asks_for_the_roll_up_pack(tree):
    county = UserFactory(unit=tree["hengshan"], role=Role.COUNTY_REVIEWER)
    with pytest.raises(ValidationError):
        runs.request_run(user=county, report_set=ReportSet.ROLLUP_WEEKLY, week=WEEK)
    city = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)
    result = runs.request_run(user=city, report_set=ReportSet.ROLLUP_WEEKLY, week=WEEK)
    result.run.refresh_from_db()
    assert result.run.status == "done", result.run.error
    assert [f["number"] for f in result.run.files] == [1, 2, 3, 4, 5, 6]
    assert result.run.checks == []
    assert OrgUnit.objects.get(pk=result.run.unit_id) == tree["city"]


def test_the_roll_up_packs_refunds_per_county_agree_between_attachments_4_and_6(tree, tmp_path):
    """附件4 lists what was refunded per institution, 附件6 adds it up per county: the pack's
    checks tally each county's institutions against its row."""
    for county, amount in ((tree["hengshan"], "4000"), (tree["hengdong"], "3000")):
        township = tree["towns"][county][0]
        staff = UserFactory(unit=township, role=Role.TOWNSHIP_STAFF)
        institution = orange_institution(township, staff, name=f"{county.name}夕阳红")
        approve([institution], staff, UserFactory(unit=county, role=Role.COUNTY_REVIEWER))
        RefundFactory(prepayment=PrepaymentFactory(institution=institution), amount=Decimal(amount))
    entered_before(WEEK.deadline - HOUR)
    city = tree["city"]
    context = context_for(city, WEEK, now=AFTER)

    files, _zip = write_pack(ReportSet.ROLLUP_WEEKLY, city, WEEK, tmp_path, context=context)

    path = {f.number: f.path for f in files}
    institutions = body(load_workbook(path[4], read_only=True).worksheets[0], 5)
    assert {row[2]: row[13] for row in institutions} == {"衡山县夕阳红": 4000, "衡东县夕阳红": 3000}
    counties = _data_rows(path[6])  # a county's name may go on with its townships not reported
    assert {name[:3]: values[11] for name, values in counties.items()} == {
        "衡山县": 0.4,  # 万元
        "衡东县": 0.3,
    }
    assert checks_of(context).failures == []


# --- a generated province -----------------------------------------------------------------------


def _data_rows(path) -> dict[str, list]:
    """The rows of an attachment's sheet by the name in their second column: those whose
    first cell is a serial number (the total row and the headers are not)."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    return {
        row[1]: list(row[2:])
        for row in sheet.iter_rows(values_only=True)
        if len(row) > 2 and isinstance(row[0], int) and row[1]
    }


def _numbers(values) -> list:
    return [v if isinstance(v, (int, float)) else None for v in values]


@pytest.mark.django_db(transaction=True)
def test_a_generated_province_rolls_up_per_county_and_shows_its_reporting(frozen_clock, tmp_path):
    """A city of the synthetic province: its counties' completeness with seeded on-time,
    late and missing reports; the roll-up pack's county rows equal the sums of their
    townships' rows in each county's own pack (附件2, 5, 6), written by the same writer."""
    from datetime import date, datetime, time

    from django.utils import timezone

    from devtools.synthetic import SyntheticBuilder
    from reporting.packs import checks_of, context_for, write_pack
    from reporting.xlsx.district import PROGRESS, PUBLICITY

    today = date(2026, 11, 30)
    now = datetime.combine(today, time(10), tzinfo=timezone.get_default_timezone())
    frozen_clock(now)
    SyntheticBuilder(1000, seed=7, today=today).build()
    city = OrgUnit.objects.filter(level=UnitLevel.CITY).order_by("code").first()
    counties = list(OrgUnit.objects.filter(parent=city).order_by("code", "name"))
    assert len(counties) >= 2

    # Completeness: a week the generator left alone, seeded per county.
    seeded = ReportingWeek.containing_deadline_on(today - timedelta(days=7)).shifted(-3)
    expected = {}
    for i, county in enumerate(counties):
        townships = list(county.children.order_by("code"))
        on_time = townships[: i + 1]
        late = townships[i + 1 : i + 2]
        for township in on_time:
            report(township, seeded)
        for township in late:
            report(township, seeded, late=True)
        missing = len(townships) - len(on_time) - len(late)
        expected[county.name] = (len(townships), len(on_time), len(late), missing)
    city_user = UserFactory(unit=city, role=Role.COUNTY_REVIEWER)
    found = completeness(city_user, seeded, now=now)
    assert {r.unit.name: (r.expected, r.on_time, r.late, r.missing) for r in found.rows} == (
        expected
    )

    # The roll-up pack of the week just due, beside each county's own pack.
    week = ReportingWeek.containing_deadline_on(today - timedelta(days=7))
    rollup_context = context_for(city, week, now=now)
    files, _zip = write_pack(
        ReportSet.ROLLUP_WEEKLY, city, week, tmp_path / "rollup", context=rollup_context
    )
    assert checks_of(rollup_context).failures == []
    rolled = {f.number: _data_rows(f.path) for f in files}
    percent = {
        number: [i for i, c in enumerate(table.columns[2:]) if c.type == "percent"]
        for number, table in ((2, PROGRESS), (5, PUBLICITY))
    }
    not_reported = checks_of(rollup_context).not_reported
    compared = 0
    for county in counties:
        context = context_for(county, week, now=now)
        own = write_pack(
            ReportSet.DISTRICT_WEEKLY, county, week, tmp_path / str(county.pk), context=context
        )[0]
        for file in own:
            if file.number not in (2, 5, 6):
                continue
            townships = list(_data_rows(file.path).values())
            (county_row,) = [v for k, v in rolled[file.number].items() if k.startswith(county.name)]
            for column, value in enumerate(_numbers(county_row)):
                if column in percent.get(file.number, ()):
                    continue
                cells = [_numbers(row)[column] for row in townships]
                known = [c for c in cells if c is not None]
                assert value == pytest.approx(sum(known) if known else None), (
                    county.name,
                    file.number,
                    column,
                )
                compared += 1
        # Townships not reported are named on their county's row, as the county pack marks them.
        missing = checks_of(context).not_reported
        assert set(missing) <= set(not_reported)
        name = next(k for k in rolled[6] if k.startswith(county.name))
        assert all(township in name for township in missing)
    assert compared > 40
    assert not_reported  # the generator leaves about one township in ten unreported


def test_the_pack_form_offers_the_roll_up_to_a_city_only(tree, client_for):
    url = reverse("reporting:run_list")
    county = UserFactory(unit=tree["hengshan"], role=Role.COUNTY_REVIEWER)
    city = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)

    def offered(user):
        form = client_for(user).get(url).context["request_form"]
        return [value for value, _label in form.fields["report_set"].choices]

    assert ReportSet.ROLLUP_WEEKLY not in offered(county)
    assert ReportSet.ROLLUP_WEEKLY in offered(city)


@pytest.mark.parametrize(
    "query",
    ["month=0001-01", "month=9999-12", "month=2026-13", "month=x", "week=0001-W01", "week=x"],
)
def test_odd_periods_never_give_a_500(tree, client_for, query):
    city = UserFactory(unit=tree["city"], role=Role.COUNTY_REVIEWER)
    response = client_for(city).get(f"{reverse('reporting:completeness')}?{query}")
    assert response.status_code in (200, 404)
