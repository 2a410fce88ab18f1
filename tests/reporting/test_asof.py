"""Packs as of their deadline (issue 14, items 1–3): a past week's pack rebuilt later gives
the same cells whatever was recorded since; a week before any data says 「无」; the
townships that had not reported by the deadline are marked; and every pack checks its own
identities (``reporting.reconcile``), on hand-built data, on the demo county for every week
of the campaign and on a synthetic province."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import OrgUnit, UnitLevel
from core.xlsx import workbook_bytes
from disposal.levels import ActionType
from disposal.models import (
    ActionStatus,
    DisposalAction,
    DisposalCase,
    InstitutionPlan,
    Outcome,
    ZeroingEntry,
    ZeroingStatus,
)
from institutions.models import RegistrationStatus
from reporting.choices import PlaceType, ReportSet, WeeklyStatus
from reporting.models import PublicityActivity, WeeklyReport
from reporting.packs import checks_of, context_for, write_pack
from reporting.periods import ReportingWeek
from reporting.reconcile import Identity, PackFigures, reconcile
from reporting.selectors import (
    progress_table,
    publicity_table,
    results_table,
    risk_list_rows,
    survey_table,
)
from reporting.services import return_weekly_report, save_weekly_report
from reporting.xlsx.attachments import render_attachment
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from screening.selectors.four_looks import campaign_start, township_review
from screening.services.refunds import record_refund
from tests.disposal.factories import TransferFactory
from tests.factories import InstitutionFactory
from tests.screening.factories import PrepaymentRecordFactory, SubmittedVisitFactory

from .conftest import shanghai
from .factories import PublicityActivityFactory, WeeklyReportFactory, WorkingGroupMemberFactory
from .helpers import (
    approve,
    body,
    complete_actions,
    entered_before,
    orange_institution,
    red_venue,
    set_level,
    yellow_institution,
)

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 48)  # Wednesday 2026-11-18 to Tuesday 2026-11-24, due 17:00
BEFORE_DEADLINE = shanghai(2026, 11, 20, 9)
MONTH_LATER = shanghai(2026, 12, 22, 10)


def cells(files) -> dict:
    """Every cell value of every file of a pack, by file name."""
    values = {}
    for file in files:
        workbook = load_workbook(file.path, read_only=True)
        values[file.path.name] = [
            list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
        ]
        workbook.close()
    return values


def build(report_set, unit, week, directory):
    context = context_for(unit, week)
    files, _zip = write_pack(report_set, unit, week, directory, context=context)
    return cells(files), checks_of(context)


@pytest.fixture
def campaign(county, township, other_township, township_user, county_user):
    """A week's worth of everything the packs read, entered before its deadline."""
    venue = red_venue(township, township_user, name="开云颐养之家")
    orange = orange_institution(township, township_user, name="开云夕阳红")
    yellow = yellow_institution(township, township_user, name="开云黄")
    approve([venue, orange, yellow], township_user, county_user)
    set_level(InstitutionFactory(township=other_township, name="白果黄"), "yellow")
    unrated = InstitutionFactory(township=township, name="开云待评")  # rated after the deadline
    # Rated and put under disposal (its measures) only after the deadline.
    disposed_later = yellow_institution(township, township_user, name="开云后处置")
    SubmittedVisitFactory(institution=venue, visited_on=date(2026, 11, 19))
    SubmittedVisitFactory(  # archived after the deadline: its 告知书 counts stay in the week's
        institution=orange,
        visited_on=date(2026, 11, 18),
        residents_housed=6,
        notices_handed_out=6,
        receipts_collected=5,
    )
    plan = PrepaymentRecordFactory(
        institution=orange, amount=Decimal("50000"), paid_on=date(2026, 11, 2)
    )
    record_refund(
        user=county_user, prepayment=plan, amount=Decimal("10000"), refunded_on=date(2026, 11, 19)
    )
    InstitutionPlan.objects.create(institution=orange, version=1, text="先约谈")
    activity = PublicityActivityFactory(township=township, held_on=date(2026, 11, 19), posters=5)
    moved = PublicityActivityFactory(township=township, held_on=date(2026, 11, 20), posters=7)
    WorkingGroupMemberFactory(unit=county, name="张三")
    WeeklyReportFactory(
        township=township,
        week=48,
        cases_filed=1,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=shanghai(2026, 11, 24, 9),
    )
    entered_before(BEFORE_DEADLINE)
    return {
        "venue": venue,
        "orange": orange,
        "yellow": yellow,
        "unrated": unrated,
        "disposed_later": disposed_later,
        "township_user": township_user,
        "activity": activity,
        "moved": moved,
        "plan": plan,
        "county_user": county_user,
    }


def change_everything_after_the_deadline(campaign, township):
    """What the county records after the deadline: none of it belongs to last week's pack."""
    set_level(campaign["yellow"], "red")  # an approved level raised
    set_level(InstitutionFactory(township=township), "orange")  # a new rating
    set_level(campaign["unrated"], "yellow")  # the first rating of one on the registry then
    approve([campaign["disposed_later"]], campaign["township_user"], campaign["county_user"])
    record_refund(  # a refund, even dated in the week
        user=campaign["county_user"],
        prepayment=campaign["plan"],
        amount=Decimal("20000"),
        refunded_on=date(2026, 11, 20),
    )
    SubmittedVisitFactory(institution=campaign["orange"], visited_on=date(2026, 11, 21))
    PublicityActivityFactory(township=township, held_on=date(2026, 11, 21), posters=99)
    # 附件4: a new version of a 一院一策 and a disposal case's level changed.
    InstitutionPlan.objects.create(institution=campaign["orange"], version=2, text="再清退")
    TransferFactory(institution=campaign["orange"], case_filed_on=date(2026, 11, 21))
    case = DisposalCase.objects.get(institution=campaign["yellow"])
    case.level = "red"
    case.save()
    # Activities of the week corrected since: another place and count, another date.
    activity = PublicityActivity.objects.get(pk=campaign["activity"].pk)
    activity.place_type, activity.posters = PlaceType.GATHERING_PLACE, 50
    activity.save()
    moved = PublicityActivity.objects.get(pk=campaign["moved"].pk)
    moved.held_on = date(2026, 11, 10)
    moved.save()
    orange = type(campaign["orange"]).objects.get(pk=campaign["orange"].pk)
    orange.archived_at = timezone.now()  # archived since
    orange.save()


@pytest.mark.parametrize("report_set", [ReportSet.DISTRICT_WEEKLY, ReportSet.BASELINE])
def test_a_past_weeks_pack_rebuilt_later_has_the_same_cells(
    campaign, county, township, frozen_clock, tmp_path, report_set
):
    frozen_clock(shanghai(2026, 11, 25, 9))  # the morning after the deadline
    first, checks = build(report_set, county, WEEK, tmp_path / "first")
    assert checks.failures == []
    assert checks.cutoff == WEEK.deadline

    change_everything_after_the_deadline(campaign, township)
    frozen_clock(MONTH_LATER)
    again, _checks = build(report_set, county, WEEK, tmp_path / "again")

    assert again == first
    text = str(first)
    assert "数据截至2026年11月24日17:00" in text
    assert "开云颐养之家" in text  # the pack is not empty: it has the week's data


def test_the_pack_of_the_week_after_sees_what_was_recorded(
    campaign, county, township, frozen_clock, tmp_path
):
    """The cut-off is what hides the later records, not a pack that never changes."""
    change_everything_after_the_deadline(campaign, township)
    frozen_clock(MONTH_LATER)
    week, _checks = build(ReportSet.DISTRICT_WEEKLY, county, WEEK, tmp_path / "w48")
    later, checks = build(ReportSet.DISTRICT_WEEKLY, county, WEEK.next(), tmp_path / "w49")

    assert later != week
    assert checks.failures == []


def disposal_results(unit, week) -> dict:
    """附件4's 处置结果 by institution, in the pack of ``week`` built a month later."""
    context = context_for(unit, week, now=MONTH_LATER)
    with translation.override("zh-hans"):
        workbook = render_attachment(DISTRICT_ATTACHMENTS, 4, context)
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    return {row[2]: row[14] for row in body(sheet, 5)}


def test_a_closing_down_and_a_rectification_after_the_deadline_are_not_last_weeks_results(
    campaign, county, frozen_clock
):
    frozen_clock(MONTH_LATER)
    ZeroingEntry.objects.create(
        institution=campaign["venue"],
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.CLOSED,
        outcome_on=date(2026, 11, 27),
    )
    complete_actions(campaign["yellow"], date(2026, 11, 27))
    entered_before(shanghai(2026, 11, 27, 18))  # recorded on the day, after the deadline

    assert disposal_results(county, WEEK) == {
        "开云颐养之家": "处置中",
        "开云夕阳红": "处置中",
        "开云黄": "处置中",
    }
    # The week after, whose deadline came after them, has both.
    assert disposal_results(county, WEEK.next()) == {
        "开云颐养之家": "取缔关停",
        "开云夕阳红": "处置中",
        "开云黄": "整改完成",
    }


def test_a_case_filed_after_the_deadline_on_an_earlier_transfer_is_not_last_weeks_result(
    campaign, county, frozen_clock
):
    """Transferred before the deadline, the case filed on it only after: last week's pack
    says 移交, the week after's 立案."""
    transfer = TransferFactory(institution=campaign["venue"], transferred_on=date(2026, 11, 19))
    entered_before(BEFORE_DEADLINE)
    frozen_clock(MONTH_LATER)
    transfer = type(transfer).objects.get(pk=transfer.pk)
    transfer.case_filed_on = date(2026, 11, 26)
    transfer.save()
    entered_before(shanghai(2026, 11, 27, 18))  # recorded on the day, after the deadline

    assert disposal_results(county, WEEK)["开云颐养之家"] == "移交"
    assert disposal_results(county, WEEK.next())["开云颐养之家"] == "立案"


def attachment_rows(unit, week, number) -> dict:
    """An attachment's rows by their third cell (the institution, or the township's name in a
    per-township table), in the pack of ``week`` built a month later."""
    context = context_for(unit, week, now=MONTH_LATER)
    with translation.override("zh-hans"):
        workbook = render_attachment(DISTRICT_ATTACHMENTS, number, context)
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    return {row[2 if number == 3 else 1]: row for row in body(sheet, 5)}


def test_last_weeks_risk_list_has_the_prepayments_and_registration_as_they_stood_then(
    campaign, county, frozen_clock
):
    """附件3 counts the prepayments entered and paid by the deadline, each payer once however
    many payments, and 0 for none; a venue registered since is still 未经登记 in it."""
    venue = campaign["venue"]  # 王奶奶 invested 80,000 on 5 January
    PrepaymentRecordFactory(  # her second payment
        institution=venue, payer_name="王奶奶", payer_id_number="", amount=Decimal("1000")
    )
    PrepaymentRecordFactory(  # entered before the deadline, dated after it
        institution=venue, amount=Decimal("2000"), paid_on=date(2026, 11, 30)
    )
    entered_before(BEFORE_DEADLINE)
    PrepaymentRecordFactory(  # paid before the deadline, entered only after it
        institution=venue, amount=Decimal("4000"), paid_on=date(2026, 11, 2)
    )
    venue = type(venue).objects.get(pk=venue.pk)
    venue.registration_status = RegistrationStatus.REGISTERED_NOT_FILED
    venue.save()
    frozen_clock(MONTH_LATER)

    rows = attachment_rows(county, WEEK, 3)

    assert rows["开云颐养之家"][4] == "未经登记"
    assert rows["开云颐养之家"][9:11] == (81000, 1)
    assert rows["开云黄"][9:11] == (0, 0)  # no prepayment: 0, not an empty cell


def test_a_prepayment_corrected_after_the_deadline_leaves_last_weeks_risk_list_as_it_was(
    campaign, county, frozen_clock
):
    """开云夕阳红: 80,000 invested, and 50,000 paid on 2 November of which 10,000 refunded in
    the week. The 50,000 corrected to 60,000 after the deadline is not last week's figure."""
    assert attachment_rows(county, WEEK, 3)["开云夕阳红"][9] == 120000
    plan = type(campaign["plan"]).objects.get(pk=campaign["plan"].pk)
    plan.amount = Decimal("60000")
    plan.save()
    frozen_clock(MONTH_LATER)

    assert attachment_rows(county, WEEK, 3)["开云夕阳红"][9] == 120000


def test_the_risk_list_read_on_its_own_at_a_cut_off_has_the_measures_of_then(
    campaign, county, county_user, frozen_clock
):
    """A measure set aside after the deadline is still one of last week's: the list read
    without the pack's summaries (``risk_list_rows`` alone) prints what the pack prints."""
    action = (
        DisposalAction.objects.filter(institution=campaign["yellow"], level="yellow")
        .order_by("deadline", "pk")
        .first()
    )
    action.status = ActionStatus.NOT_APPLICABLE
    action.save()
    frozen_clock(MONTH_LATER)

    with translation.override("zh-hans"):
        alone = {r["name"]: r for r in risk_list_rows(county_user, cutoff=WEEK.deadline)}
        label = str(ActionType(action.action_type).label)
    printed = attachment_rows(county, WEEK, 3)["开云黄"][13]

    assert label in printed
    assert alone["开云黄"]["measures"] == printed


def test_refunds_of_one_put_under_disposal_after_the_deadline_are_not_last_weeks_results(
    campaign, county, township, frozen_clock
):
    """附件6's funds refunded are those of the institutions under disposal at the deadline:
    not of one rated and put under disposal after it, though refunded in the week."""
    later = campaign["disposed_later"]
    record = PrepaymentRecordFactory(
        institution=later, amount=Decimal("30000"), paid_on=date(2026, 11, 2)
    )
    record_refund(
        user=campaign["county_user"],
        prepayment=record,
        amount=Decimal("3000"),
        refunded_on=date(2026, 11, 19),
    )
    entered_before(BEFORE_DEADLINE)
    approve([later], campaign["township_user"], campaign["county_user"])
    frozen_clock(MONTH_LATER)

    kaiyun = attachment_rows(county, WEEK, 6)[township.name]

    assert kaiyun[13] == pytest.approx(1)  # 万元: 开云夕阳红's 10,000 only


def test_a_week_before_any_data_says_none(campaign, county, frozen_clock, tmp_path):
    frozen_clock(MONTH_LATER)
    early = ReportingWeek(2026, 10)
    values, checks = build(ReportSet.DISTRICT_WEEKLY, county, early, tmp_path / "early")

    assert checks.failures == []
    for name, rows in values.items():
        assert [v for row in rows for v in row if v == "无"] == ["无"], name
        assert "开云颐养之家" not in str(rows)


def test_a_township_without_its_weekly_report_by_the_deadline_is_marked(
    campaign, county, township, other_township, frozen_clock, tmp_path
):
    # 白果镇 submits, but a day late: still 未报送 in the pack of the week.
    WeeklyReportFactory(
        township=other_township,
        week=48,
        cases_filed=7,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=shanghai(2026, 11, 25, 9),
    )
    frozen_clock(MONTH_LATER)
    values, checks = build(ReportSet.DISTRICT_WEEKLY, county, WEEK, tmp_path / "pack")

    assert checks.not_reported == [other_township.name]
    results = next(rows for name, rows in values.items() if name.startswith("附件6"))
    names = [row[1] for row in results if len(row) > 1 and row[1]]
    assert f"{other_township.name}（未报送）" in names and township.name in names
    total = next(row for row in results if row[0] == "合计")
    assert total[10] == 1  # cases filed: only the report that was in by the deadline


def typed_cases(unit, township) -> tuple[str, int]:
    """附件6's row of ``township`` in last week's pack built a month later: the township as
    printed (marked 未报送 when its report was not in by the deadline) and its cases filed."""
    rows = attachment_rows(unit, WEEK, 6)
    row = next(row for name, row in rows.items() if name.startswith(township.name))
    return row[1], row[10]


@pytest.mark.parametrize("submitted_again", [False, True])
def test_a_report_returned_after_the_deadline_and_corrected_leaves_last_weeks_cases_as_they_were(
    campaign, county, township, county_user, township_user, frozen_clock, submitted_again
):
    """开云镇's report, submitted by the deadline with 1 case filed (立案), is returned by the
    county after it and corrected to 5, submitted again (late) or not yet: last week's 附件6
    has the report as it stood at the deadline, reported, with its 1 case."""
    frozen_clock(MONTH_LATER)
    report = WeeklyReport.objects.get(township=township, year=WEEK.year, week=WEEK.week)
    return_weekly_report(user=county_user, report=report, reason="立案数有误")
    save_weekly_report(
        user=township_user,
        week=WEEK,
        summary="本周开展排查走访。",
        results={"cases_filed": 5},
        submit=submitted_again,
    )

    assert typed_cases(county, township) == (township.name, 1)


def test_a_report_entered_after_the_deadline_is_not_last_weeks_whatever_time_it_carries(
    campaign, county, other_township, frozen_clock
):
    """A record entered after the cut-off did not exist then, whatever date it carries: 白果镇's
    report entered after the deadline (an import), stamped as submitted before it, leaves
    白果镇 未报送 in last week's pack, its cases not counted."""
    WeeklyReportFactory(
        township=other_township,
        week=48,
        cases_filed=7,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=shanghai(2026, 11, 24, 9),
    )
    frozen_clock(MONTH_LATER)

    assert typed_cases(county, other_township) == (f"{other_township.name}（未报送）", 0)


def test_a_report_set_back_to_draft_in_the_admin_before_the_deadline_is_not_reported(
    campaign, county, township, frozen_clock
):
    """The admin edits a report's status but not its submission time (read-only there): set
    back to draft before the deadline, 开云镇's report keeps the time it was submitted, and
    is not in last week's pack: 未报送."""
    report = WeeklyReport.objects.get(township=township, year=WEEK.year, week=WEEK.week)
    report.status = WeeklyStatus.DRAFT
    report.save()
    entered_before(shanghai(2026, 11, 24, 10))
    frozen_clock(MONTH_LATER)

    assert typed_cases(county, township) == (f"{township.name}（未报送）", 0)


def test_a_report_without_history_submitted_a_day_late_is_not_reported(
    campaign, county, other_township, other_township_user, frozen_clock
):
    """Reports written in bulk (as the synthetic province's are) have no history: 白果镇's
    draft, entered before the deadline and submitted the day after it is read from its
    row, whose submission time says it came late: 未报送 in last week's pack."""
    draft = WeeklyReportFactory(township=other_township, week=48)
    WeeklyReport.history.filter(id=draft.pk).delete()
    entered_before(BEFORE_DEADLINE)
    save_weekly_report(
        user=other_township_user,
        week=WEEK,
        summary="本周开展排查走访。",
        results={"cases_filed": 7},
        submit=True,
        now=shanghai(2026, 11, 25, 9),
    )
    frozen_clock(MONTH_LATER)

    assert typed_cases(county, other_township) == (f"{other_township.name}（未报送）", 0)


def test_a_broken_identity_is_reported_with_its_township(campaign, county, township):
    context = context_for(county, WEEK, now=MONTH_LATER)
    write_pack(ReportSet.DISTRICT_WEEKLY, county, WEEK, _tmp(), context=context)
    figures: PackFigures = context.cache["figures"]
    assert reconcile(figures) == []

    rows, _total = figures.progress
    row = next(r for r in rows if r.township == township)
    row.risks_found += 1  # 附件2 says one more risk than 附件3 lists and 附件6 counts
    row.screened = row.on_registry + 1  # and more screened than there are

    failures = reconcile(figures)
    found = {(f.identity, f.township) for f in failures}
    assert (Identity.RISKS_AGREE, township.name) in found
    assert (Identity.PROGRESS_AT_MOST_FULL, township.name) in found
    assert (Identity.ROWS_SUM_TO_TOTAL, "") in found


def test_the_pack_page_shows_the_cut_off_the_checks_and_who_did_not_report(
    campaign, county, county_user, client_for, other_township, frozen_clock
):
    from reporting.runs import queue_run

    frozen_clock(MONTH_LATER)
    run = queue_run(unit=county, report_set=ReportSet.DISTRICT_WEEKLY, week=WEEK).run
    run.refresh_from_db()
    assert run.checks == [] and run.cutoff == WEEK.deadline
    assert run.not_reported == [other_township.name]

    page = client_for(county_user).get(run.get_absolute_url()).content.decode()
    assert "数据截至2026年11月24日17:00" in page
    assert 'data-checks="passed"' in page and other_township.name in page

    run.checks = [
        {"identity": Identity.RISKS_AGREE, "township": other_township.name, "expected": "1"}
    ]
    run.save()
    page = client_for(county_user).get(run.get_absolute_url()).content.decode()
    assert 'data-checks="failed"' in page and 'data-failure="risks_agree"' in page


def _tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="asof-"))


# --- every week of the campaign, on the demo county and a synthetic province ----------------


def every_week(first: date, last: ReportingWeek):
    week = ReportingWeek.containing_deadline_on(first)
    while week <= last:
        yield week
        week = week.next()


@pytest.fixture
def demo(frozen_clock):
    now = frozen_clock(
        datetime.combine(timezone.localdate(), time(10), tzinfo=timezone.get_default_timezone())
    )
    call_command("load_demo")
    return now


def test_every_pack_of_the_demo_campaign_keeps_its_identities(demo):
    county = OrgUnit.objects.get(level=UnitLevel.COUNTY)
    today = timezone.localdate(demo)
    listed = 0
    for week in every_week(campaign_start(today), ReportingWeek.containing_deadline_on(today)):
        for report_set in (ReportSet.DISTRICT_WEEKLY, ReportSet.BASELINE):
            context = context_for(county, week, now=demo)
            write_pack(report_set, county, week, _tmp(), context=context)
            checks = checks_of(context)
            assert checks.failures == [], (week, report_set, checks.failures)
            listed += sum(context.cache["figures"].listed.values())
    assert listed  # the demo's weeks have listed institutions, not only empty packs


@pytest.mark.django_db(transaction=True)
def test_the_synthetic_provinces_packs_keep_their_identities():
    from devtools.synthetic import SyntheticBuilder

    today = date(2026, 11, 30)
    SyntheticBuilder(300, seed=5, today=today).build()
    province = OrgUnit.objects.get(level=UnitLevel.PROVINCE)
    now = datetime.combine(today, time(10), tzinfo=timezone.get_default_timezone())
    for week in (ReportingWeek.containing_deadline_on(today - timedelta(days=7)),):
        for report_set in (ReportSet.DISTRICT_WEEKLY, ReportSet.BASELINE):
            context = context_for(province, week, now=now)
            write_pack(report_set, province, week, _tmp(), context=context)
            assert checks_of(context).failures == [], report_set


# --- an institution moved to another township after the deadline -----------------------------


def per_township(table, user, townships, cutoff):
    """One per-township table of a pack at ``cutoff``: its rows' figures by township name."""
    since = campaign_start(WEEK.last_day)
    if table == "附件1":
        rows, _total = survey_table(user, (since, WEEK.last_day), townships, cutoff=cutoff)
    elif table == "附件2":
        rows, _total = progress_table(user, since, townships, cutoff=cutoff)
    elif table == "附件5":
        rows = publicity_table(user, WEEK.first_day, WEEK.last_day, townships, cutoff).rows
    elif table == "附件6":
        rows = results_table(user, since, WEEK, townships, cutoff=cutoff).rows
    else:
        rows = township_review(user, since, townships, cutoff=cutoff).rows
    return {
        row.township.name: {k: v for k, v in vars(row).items() if k != "township"} for row in rows
    }


@pytest.mark.parametrize("chosen", [False, True], ids=["visible", "chosen"])
@pytest.mark.parametrize("table", ["附件1", "附件2", "附件5", "附件6", "四看"])
def test_an_institution_moved_to_another_township_after_the_deadline_stays_in_its_row(
    campaign, county, township, other_township, frozen_clock, table, chosen
):
    """The per-township tables of last week group the institutions by the township they
    belonged to at the deadline: one moved since stays in its old township's row (its
    visit, level, refund, 告知书 and ledger figures with it), whether the tables are asked
    for every visible township or for chosen ones."""
    ZeroingEntry.objects.create(institution=campaign["venue"])
    TransferFactory(institution=campaign["venue"], transferred_on=date(2026, 11, 19))
    entered_before(BEFORE_DEADLINE)
    frozen_clock(MONTH_LATER)
    user = campaign["county_user"]
    townships = [township, other_township] if chosen else None
    then = per_township(table, user, townships, WEEK.deadline)
    now = per_township(table, user, townships, None)

    for name in ("venue", "orange"):
        moved = type(campaign[name]).objects.get(pk=campaign[name].pk)
        moved.township = other_township
        moved.save()

    assert per_township(table, user, townships, WEEK.deadline) == then
    # A table built now has them in their new township's row.
    assert per_township(table, user, townships, None) != now


@pytest.mark.parametrize("report_set", [ReportSet.DISTRICT_WEEKLY, ReportSet.BASELINE])
def test_a_past_weeks_pack_rebuilt_after_institutions_moved_township_has_the_same_cells(
    campaign, county, township, other_township, frozen_clock, tmp_path, report_set
):
    """The per-township tables and the lists (their township column, their order, the
    per-township tallies the pack checks against the tables) alike."""
    frozen_clock(shanghai(2026, 11, 25, 9))
    first, checks = build(report_set, county, WEEK, tmp_path / "first")
    assert checks.failures == []

    for name in ("venue", "orange", "yellow"):
        moved = type(campaign[name]).objects.get(pk=campaign[name].pk)
        moved.township = other_township
        moved.save()
    frozen_clock(MONTH_LATER)
    again, checks = build(report_set, county, WEEK, tmp_path / "again")

    assert checks.failures == []
    assert again == first
