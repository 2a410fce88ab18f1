"""The 衡山县 baseline screening pack (山民发〔2022〕1号 附件1–5): titles, headers, the values
against hand-built data, totals equal to the database counts, and the queries they cost."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.xlsx import workbook_bytes
from disposal.models import Outcome, TargetOutcome, ZeroingEntry, ZeroingStatus
from institutions.models import Institution, Ownership, RegistrationStatus, VenueNature
from reporting.selectors import LARGE_SCALE_BEDS, established_rows, survey_table, venue_rows
from reporting.xlsx.attachments import ReportContext
from reporting.xlsx.baseline import BASELINE_ATTACHMENTS, build_attachment
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from risklists import services as rating
from risklists.engine import Thresholds
from screening.models import PrepaymentRecord
from tests.factories import InstitutionFactory, VenueFactory
from tests.risklists.factories import invest, refund
from tests.screening.factories import SubmittedVisitFactory

from .conftest import shanghai
from .helpers import (
    SINCE,
    WEEK,
    approve,
    body,
    entered_before,
    merged,
    orange_institution,
    query_count,
    red_venue,
    sheet_of,
    totals,
    yellow_institution,
)

pytestmark = pytest.mark.django_db

CUTOFF = shanghai(2026, 11, 24, 17)  # the deadline of the week a pack is built for
BEFORE_CUTOFF = shanghai(2026, 11, 20, 9)


def reloaded(institution):
    """The registry row as stored (``entered_before`` moved its dates), to change and save."""
    return Institution.objects.get(pk=institution.pk)


TITLES = {
    1: "养老服务领域诈骗风险隐患摸底排查情况统计表",
    2: "未经登记从事养老服务经营活动的服务场所风险摸底排查情况统计表",
    3: "养老服务领域诈骗风险隐患“红橙黄”风险管控名单",
    4: "养老服务领域诈骗风险隐患排查工作进度表",
    5: "2019-2021年备案养老机构情况摸底表",
}


@pytest.mark.parametrize("number", sorted(TITLES))
def test_each_attachment_has_the_plans_title_and_the_paper_forms_layout(number, county_user):
    sheet = sheet_of(BASELINE_ATTACHMENTS, number, county_user)

    assert sheet["A1"].value == TITLES[number]
    assert sheet["A2"].value == "填报单位（盖章）：衡山县民政局"  # the bureau, not 衡山县
    assert sheet.oddHeader.left.text == f"附件{number}"
    assert sheet["A3"].value == "序号" and sheet["A3"].font.b
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows.startswith("$3:")
    assert sheet.freeze_panes is not None


@pytest.mark.parametrize("number", sorted(TITLES))
def test_each_attachment_is_signed_by_the_leader_in_charge_as_the_plan_asks(number, county_user):
    """衡山县方案: 将附件表格经单位分管领导签字并加盖公章上报."""
    sheet = sheet_of(BASELINE_ATTACHMENTS, number, county_user)

    values = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] is not None]
    assert values[-1] == "分管领导（签字）："


def test_the_set_has_the_five_attachments_of_the_plan():
    assert sorted(BASELINE_ATTACHMENTS) == [1, 2, 3, 4, 5]
    assert BASELINE_ATTACHMENTS[2].filename.startswith("附件2_")


# --- 附件1 摸底排查情况统计表 -----------------------------------------------------------------


@pytest.fixture
def survey(township, other_township, township_user, county_user):
    big = InstitutionFactory(
        township=township, ownership=Ownership.PUBLIC, beds=LARGE_SCALE_BEDS, multi_industry=True
    )
    InstitutionFactory(
        township=township,
        ownership=Ownership.PUBLIC_BUILT_PRIVATE_RUN,
        registration_status=RegistrationStatus.REGISTERED_NOT_FILED,
        beds=LARGE_SCALE_BEDS - 1,
    )
    venue = red_venue(township, township_user, ownership="")
    orange = orange_institution(township, township_user)
    yellow = yellow_institution(township, township_user)
    approve([venue, orange, yellow, big], township_user, county_user)
    SubmittedVisitFactory(institution=big, visited_on=date(2026, 3, 1))
    SubmittedVisitFactory(institution=venue, visited_on=date(2025, 3, 1))  # before the campaign
    InstitutionFactory(township=township, archived_at="2026-05-01T00:00:00+08:00")
    InstitutionFactory(township=other_township)


def test_survey_counts_institutions_by_kind_ownership_focus_screening_and_level(
    survey, county_user, township
):
    sheet = sheet_of(BASELINE_ATTACHMENTS, 1, county_user)

    assert {"C3:F3", "G3:J3", "K3:L3", "N3:Q3", "M3:M4"} <= merged(sheet)
    assert (sheet["C3"].value, sheet["G3"].value, sheet["N3"].value) == (
        "养老服务机构和场所（家）",
        "按举办性质",
        "发现风险隐患（家）",
    )
    # Broken into lines on whole words (no line starts with 「）」): the plan's text.
    assert sheet["K4"].value.replace("\n", "") == f"规模较大（{LARGE_SCALE_BEDS}张床位以上）"
    kaiyun = next(r for r in body(sheet, 5) if r[1] == township.name)
    # total, filed, not filed, venues | public, public-private, private, not recorded (the
    # venue: the four add up to the total) | large, several industries | screened (the big
    # one, and the orange and yellow ones' visits) | levels
    assert kaiyun[2:] == (5, 3, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 1, 1, 3)


def test_survey_totals_are_the_database_counts(survey, county_user):
    row = totals(sheet_of(BASELINE_ATTACHMENTS, 1, county_user), 5)

    active = Institution.objects.active()
    assert row[2] == active.count()
    assert row[5] == active.filter(registration_status=RegistrationStatus.UNREGISTERED).count()
    assert row[16] == active.filter(rating__approved_level__in=["red", "orange", "yellow"]).count()


def test_a_cut_offs_survey_stays_the_same_whatever_is_recorded_later(township, county_user):
    """附件1 as of its cut-off: a visit entered since (even dated in the week), a venue
    registered since and an ownership recorded since do not change that cut-off's row."""
    venue = VenueFactory(township=township, ownership="")
    InstitutionFactory(township=township, ownership=Ownership.PRIVATE)
    entered_before(BEFORE_CUTOFF)

    def kaiyun():
        rows, _total = survey_table(county_user, (WEEK.first_day, WEEK.last_day), cutoff=CUTOFF)
        row = next(r for r in rows if r.township == township)
        return (
            (row.total, row.filed, row.venues),
            (row.private, row.public, row.ownership_unknown),
            row.screened,
        )

    before = kaiyun()
    SubmittedVisitFactory(institution=venue, visited_on=date(2026, 11, 19))
    venue = reloaded(venue)
    venue.registration_status = RegistrationStatus.REGISTERED_FILED
    venue.ownership = Ownership.PUBLIC
    venue.save()

    # (total, filed, venues), (private, public, not recorded), screened
    assert kaiyun() == before == ((2, 1, 1), (1, 0, 1), 0)


# --- 附件2 未经登记场所 -----------------------------------------------------------------------


@pytest.fixture
def venues(township, township_user):
    stable = VenueFactory(
        township=township,
        name="开云托老所",
        operator="刘芳",
        venue_nature=VenueNature.INDIVIDUAL,
        residents=6,
    )
    taking = red_venue(
        township,
        township_user,
        name="开云颐养之家",
        operator="=1+1",
        venue_nature=VenueNature.ENTERPRISE,
        residents=12,
    )
    flagged = VenueFactory(township=township, name="开云乐龄之家", collects_large_prepayment=True)
    closed = red_venue(township, township_user, name="开云已取缔")
    ZeroingEntry.objects.create(
        institution=closed,
        status=ZeroingStatus.CROSSED_OFF,
        target_outcome=TargetOutcome.REFUND_AND_CLOSE,
        outcome=Outcome.BANNED,
        outcome_on=date(2026, 3, 1),
    )
    InstitutionFactory(township=township, name="已登记机构")
    return {"stable": stable, "taking": taking, "flagged": flagged, "closed": closed}


def test_venues_have_their_operator_nature_prepayments_target_and_status(venues, county_user):
    sheet = sheet_of(BASELINE_ATTACHMENTS, 2, county_user)

    assert {"H3:J3"} <= merged(sheet)
    rows = {r[2]: r for r in body(sheet, 5)}
    assert set(rows) == {"开云托老所", "开云颐养之家", "开云乐龄之家", "开云已取缔"}
    stable = rows["开云托老所"]
    assert stable[4:] == ("刘芳", "个人", 6, "否", None, None, "督促登记", "未开始")
    taking = rows["开云颐养之家"]
    assert taking[4:7] == ("=1+1", "企业性质", 12)
    assert sheet.cell(row=5 + list(rows).index("开云颐养之家"), column=5).data_type == "s"
    assert taking[7:11] == ("是", 80000, 1, "责令退还资金、联合执法、关停取缔")
    # Whether a venue took large prepayments is what its rating found, as on the risk list
    # and the 清零 ledger: flagged as collecting on the registry (no visit says otherwise),
    # it is collecting (R1, never O6), its amounts unknown until the records are entered.
    assert rows["开云乐龄之家"][7:11] == ("是", None, None, "责令退还资金、联合执法、关停取缔")
    assert rows["开云已取缔"][11] == "已销号（已取缔）"


def test_venue_totals_are_the_database_sums(venues, county_user):
    row = totals(sheet_of(BASELINE_ATTACHMENTS, 2, county_user), 5)

    venue_rows_ = Institution.objects.venues()
    assert row[6] == venue_rows_.aggregate(n=Sum("residents"))["n"]
    assert row[8] == 2 * 80000


def test_venue_rows_cost_the_same_queries_for_3_and_30(
    township, county_user, django_assert_max_num_queries
):
    def rows():
        return list(venue_rows(county_user, thresholds=Thresholds(), today=date(2026, 11, 24)))

    VenueFactory.create_batch(3, township=township)
    rating.rate(Institution.objects.all())
    few = query_count(rows)
    rating.rate(VenueFactory.create_batch(27, township=township))

    with django_assert_max_num_queries(few):
        assert len(rows()) == 30


def venues_at(user, cutoff):
    """附件2 as of ``cutoff``, by venue: large prepayments (taken, amount, payers), the
    target outcome, and whether it was still an unregistered venue then."""
    rows = venue_rows(user, thresholds=Thresholds(), today=date(2026, 11, 24), cutoff=cutoff)
    return {
        row["name"]: (
            row["large_prepayment"],
            row["large_prepayment_total"],
            row["large_prepayment_payers"],
            row["target_outcome"],
            row["still_venue"],
        )
        for row in rows
    }


def test_a_cut_offs_venues_stay_the_same_whatever_is_recorded_later(township, county_user):
    unpaid = VenueFactory(township=township, name="开云托老所", residents=6)
    rating.rate([unpaid])  # rated before the cut-off: no prepayment found then
    registers = VenueFactory(township=township, name="开云后登记")
    closes = VenueFactory(township=township, name="开云后关停")
    revoked = InstitutionFactory(township=township, name="开云后撤销登记院")
    registered = VenueFactory(township=township, name="开云已登记场所")
    banned = VenueFactory(township=township, name="开云已取缔", archived_at=BEFORE_CUTOFF)
    ZeroingEntry.objects.create(
        institution=banned,
        status=ZeroingStatus.CROSSED_OFF,
        target_outcome=TargetOutcome.REFUND_AND_CLOSE,
        outcome=Outcome.BANNED,
    )
    closed = VenueFactory(township=township, name="开云早已关停", archived_at=BEFORE_CUTOFF)
    entered_before(shanghai(2026, 11, 10, 9))
    registered = reloaded(registered)  # registered before the cut-off: a former venue then
    registered.registration_status = RegistrationStatus.REGISTERED_FILED
    registered.save()
    entered_before(BEFORE_CUTOFF)
    before = venues_at(county_user, CUTOFF)

    # After the cut-off: a large prepayment found and rated, a venue registered, another
    # closed, a registration revoked, a new venue, a closed venue entered on the ledger.
    invest(unpaid)
    rating.rate([unpaid])
    for venue, field, value in (
        (registers, "registration_status", RegistrationStatus.REGISTERED_FILED),
        (closes, "archived_at", timezone.now()),
        (revoked, "registration_status", RegistrationStatus.UNREGISTERED),
    ):
        venue = reloaded(venue)
        setattr(venue, field, value)
        venue.save()
    VenueFactory(township=township, name="开云新场所")
    ZeroingEntry.objects.create(institution=closed, status=ZeroingStatus.IN_PROGRESS)

    register, refund = "督促登记", "责令退还资金、联合执法、关停取缔"
    assert venues_at(county_user, CUTOFF) == before
    assert before == {
        "开云托老所": (False, None, None, register, True),
        "开云后登记": (False, None, None, register, True),
        "开云后关停": (False, None, None, register, True),
        "开云已登记场所": (False, None, None, register, False),  # on the ledger until crossed off
        "开云已取缔": (False, None, None, refund, False),  # as it stood when crossed off
    }


def test_a_cut_offs_venue_keeps_its_zeroing_status_and_amount_whatever_is_recorded_later(
    township, county_user
):
    open_then = VenueFactory(township=township, name="开云托老所")
    ZeroingEntry.objects.create(institution=open_then)
    taking = red_venue(township, None, name="开云颐养之家")
    rating.rate([taking])
    entered_before(BEFORE_CUTOFF)

    def rows():
        found = venue_rows(
            county_user, thresholds=Thresholds(), today=date(2026, 11, 24), cutoff=CUTOFF
        )
        return {r["name"]: (r["status"], r["large_prepayment_total"]) for r in found}

    before = rows()
    entry = ZeroingEntry.objects.get(institution=open_then)
    entry.status, entry.outcome = ZeroingStatus.CROSSED_OFF, Outcome.CLOSED
    entry.save()  # crossed off after the cut-off
    invest(taking, payer="李爷爷", amount="50000")  # recorded after the cut-off
    paid = PrepaymentRecord.objects.get(institution=taking, payer_name="王奶奶")
    refund(paid, "30000")
    paid.refresh_from_db()
    paid.amount = Decimal("90000")  # corrected after the cut-off
    paid.save()

    assert before == {"开云托老所": ("未开始", None), "开云颐养之家": ("未开始", 80000)}
    assert rows() == before


def test_venues_are_listed_by_township_then_name_with_their_address(
    township, other_township, county_user
):
    first, second = sorted([township, other_township], key=lambda t: t.path)
    VenueFactory(
        township=first,
        name="3号托老所",
        actual_address="",
        registered_address="登记路3号",
        venue_nature=VenueNature.INDIVIDUAL,
    )
    VenueFactory(
        township=first, name="2号托老所", actual_address="实际路2号", registered_address="登记路2号"
    )
    VenueFactory(township=second, name="1号托老所", actual_address="实际路1号")

    rows = body(sheet_of(BASELINE_ATTACHMENTS, 2, county_user), 5)

    # township, name, address (the actual one, else the registered one), nature (if recorded)
    assert [(r[1], r[2], r[3], r[5]) for r in rows] == [
        (first.name, "2号托老所", "实际路2号", None),
        (first.name, "3号托老所", "登记路3号", "个人"),
        (second.name, "1号托老所", "实际路1号", None),
    ]


def test_a_ledger_entry_keeps_the_target_it_was_crossed_off_with_and_the_townships_judgement(
    township, county_user
):
    crossed_off = VenueFactory(township=township, name="开云已关停", residents=6)
    ZeroingEntry.objects.create(
        institution=crossed_off,
        status=ZeroingStatus.CROSSED_OFF,
        target_outcome=TargetOutcome.ASSESS,
        outcome=Outcome.CLOSED,
    )
    invest(crossed_off)  # found since: the row keeps the target it was crossed off with
    reopened = VenueFactory(township=township, name="开云重新处置", residents=6)
    ZeroingEntry.objects.create(  # an outcome reached, not crossed off: today's target
        institution=reopened,
        status=ZeroingStatus.IN_PROGRESS,
        target_outcome=TargetOutcome.REFUND_AND_CLOSE,
        outcome=Outcome.CLOSED,
    )
    unstable = VenueFactory(township=township, name="开云不平稳", residents=6)
    ZeroingEntry.objects.create(institution=unstable, stable=False)  # the township's judgement

    rows = {r[2]: r for r in body(sheet_of(BASELINE_ATTACHMENTS, 2, county_user), 5)}

    assert rows["开云已关停"][10:] == ("综合研判，一院一策", "已销号（已关停）")
    assert rows["开云重新处置"][10:] == ("督促登记", "处置中")
    assert rows["开云不平稳"][10:] == ("综合研判，一院一策", "未开始")


# --- 附件3 and 附件4: the district tables' columns -----------------------------------------------


def test_the_list_and_the_progress_have_the_district_tables_columns(county_user):
    for number, district in ((3, 3), (4, 2)):
        baseline = BASELINE_ATTACHMENTS[number].table
        assert baseline.columns == DISTRICT_ATTACHMENTS[district].table.columns
        assert baseline.code == f"baseline_{number}"


def test_the_list_has_the_approved_red_orange_yellow_ones(township, township_user, county_user):
    approve([red_venue(township, township_user, name="开云颐养之家")], township_user, county_user)

    sheet = sheet_of(BASELINE_ATTACHMENTS, 3, county_user)

    assert [(r[2], r[11]) for r in body(sheet, 5)] == [("开云颐养之家", "红色")]


# --- 附件5 2019–2021年备案养老机构 ------------------------------------------------------------


@pytest.fixture
def established(township):
    """备案日期 decides (issue 20), not 成立日期; 已登记未备案 ones are not filed."""
    filed = RegistrationStatus.REGISTERED_FILED
    for name, established_on, filed_on, status in (
        ("二〇一九年备案院", date(2010, 3, 1), date(2019, 1, 1), filed),
        ("二〇二一年末备案院", date(2021, 12, 31), date(2021, 12, 31), filed),
        ("二〇一八年备案院", date(2019, 6, 1), date(2018, 12, 31), filed),
        ("二〇二二年备案院", date(2020, 6, 1), date(2022, 1, 1), filed),
        ("二〇二〇年成立未备案院", date(2020, 6, 1), None, RegistrationStatus.REGISTERED_NOT_FILED),
        # Not filed any more, though a date was kept: not in the table.
        ("撤销备案院", date(2020, 6, 1), date(2020, 7, 1), RegistrationStatus.REGISTERED_NOT_FILED),
        ("无备案日期院", date(2020, 6, 1), None, filed),
    ):
        InstitutionFactory(
            township=township,
            name=name,
            established_on=established_on,
            filed_on=filed_on,
            registration_status=status,
        )
    VenueFactory(township=township, name="二〇二〇年场所", established_on=date(2020, 5, 1))


def test_established_lists_institutions_filed_in_2019_to_2021(established, county_user):
    sheet = sheet_of(BASELINE_ATTACHMENTS, 5, county_user)

    rows = body(sheet, 4)
    assert [r[2] for r in rows] == ["二〇一九年备案院", "二〇二一年末备案院"]
    first = rows[0]
    assert first[4:6] == ("民办非企业单位/社会服务机构", "民办")
    assert first[11].date() == date(2010, 3, 1) and sheet["L4"].number_format == "yyyy-mm-dd"
    assert sheet["M3"].value == "备案日期"
    assert first[12].date() == date(2019, 1, 1) and sheet["M4"].number_format == "yyyy-mm-dd"
    assert (first[13], rows[1][13]) == ("已登记已备案", "已登记已备案")
    row = totals(sheet, 4)
    assert row[7] == 2 * 50 and row[8] == 2 * 30


def test_established_reads_the_filing_date_as_of_the_cut_off(established, township, county_user):
    late = InstitutionFactory(township=township, name="后补备案日期院", filed_on=None)
    entered_before(shanghai(2026, 11, 20, 9))
    late = reloaded(late)  # entered before the cut-off: only its filing date is later
    late.filed_on = date(2020, 9, 1)
    late.save()

    then = established_rows(county_user, 2019, 2021, cutoff=shanghai(2026, 11, 24, 17))
    assert [r["name"] for r in then] == ["二〇一九年备案院", "二〇二一年末备案院"]
    now = [r["name"] for r in established_rows(county_user, 2019, 2021)]
    assert now == ["二〇一九年备案院", "后补备案日期院", "二〇二一年末备案院"]


def test_a_cut_offs_filed_institutions_stay_the_same_whatever_is_recorded_later(
    township, county_user
):
    revoked = InstitutionFactory(township=township, name="后撤销备案院", filed_on=date(2020, 5, 1))
    closes = InstitutionFactory(township=township, name="后关停院", filed_on=date(2020, 6, 1))
    entered_before(BEFORE_CUTOFF)

    def names():
        return [r["name"] for r in established_rows(county_user, 2019, 2021, cutoff=CUTOFF)]

    before = names()
    revoked = reloaded(revoked)
    revoked.registration_status = RegistrationStatus.REGISTERED_NOT_FILED
    revoked.save()
    closes = reloaded(closes)
    closes.archived_at = timezone.now()
    closes.save()
    InstitutionFactory(township=township, name="新备案院", filed_on=date(2021, 3, 1))

    assert names() == before == ["后撤销备案院", "后关停院"]


def test_a_cut_offs_filed_institution_is_shown_filed_though_revoked_later(township, county_user):
    revoked = InstitutionFactory(township=township, name="后撤销备案院", filed_on=date(2020, 5, 1))
    entered_before(BEFORE_CUTOFF)
    revoked = reloaded(revoked)
    revoked.registration_status = RegistrationStatus.REGISTERED_NOT_FILED
    revoked.save()

    rows = established_rows(county_user, 2019, 2021, cutoff=CUTOFF)

    assert [(r["name"], r["filed"]) for r in rows] == [("后撤销备案院", "已登记已备案")]


def test_established_lists_by_township_then_date_filed_then_name_with_every_column(
    township, other_township, county_user
):
    first, second = sorted([township, other_township], key=lambda t: t.path)
    InstitutionFactory(
        township=first,
        name="3号院",
        credit_code="52430423MJ0000003X",
        legal_form="",
        ownership="",
        actual_address="",
        registered_address="登记路3号",
        legal_representative="王建军",
        principal="赵丽",
        filed_on=date(2020, 5, 1),
    )
    InstitutionFactory(
        township=first,
        name="2号院",
        actual_address="实际路2号",
        registered_address="登记路2号",
        filed_on=date(2020, 5, 1),
    )
    InstitutionFactory(township=second, name="1号院", filed_on=date(2019, 1, 1))

    rows = body(sheet_of(BASELINE_ATTACHMENTS, 5, county_user), 4)

    assert [(r[1], r[2], r[6]) for r in rows] == [
        (first.name, "2号院", "实际路2号"),
        (first.name, "3号院", "登记路3号"),
        (second.name, "1号院", "测试路1号"),
    ]
    # credit code, legal form, ownership (none recorded: empty), …, representative, principal
    assert rows[1][3:6] == ("52430423MJ0000003X", None, None)
    assert rows[1][9:11] == ("王建军", "赵丽")


def test_established_rows_cost_one_query(established, county_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(established_rows(county_user, 2019, 2021))) == 2


def test_build_attachment_renders_a_baseline_table(county_user):
    context = ReportContext(county_user, county_user.unit, WEEK, SINCE)

    workbook = build_attachment(5, context)

    assert workbook.write_only and workbook_bytes(workbook)
    with pytest.raises(KeyError):
        build_attachment(6, context)


def test_a_township_gets_only_its_own_venues(venues, other_township, other_township_user):
    VenueFactory(township=other_township, name="白果托老所")

    rows = body(sheet_of(BASELINE_ATTACHMENTS, 2, other_township_user), 5)

    assert [r[2] for r in rows] == ["白果托老所"]


def test_a_ledger_entry_made_after_the_cut_off_is_not_that_weeks_and_one_made_at_it_is(
    township, county_user
):
    """附件2 as of the deadline: a venue whose 清零 entry was made at the deadline itself shows
    what the entry said then (进行中); one whose entry was made, and crossed off with another
    target, only after the deadline shows the venue as it was then: not started, the target
    the rules give (not the entry's)."""
    at_deadline = VenueFactory(township=township, name="开云准点建档")
    ZeroingEntry.objects.create(institution=at_deadline, status=ZeroingStatus.IN_PROGRESS)
    later = VenueFactory(township=township, name="开云后建档")
    entered_before(CUTOFF)  # everything so far entered at the deadline, to the microsecond
    ZeroingEntry.objects.create(
        institution=later,
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.REGISTERED,
        target_outcome=TargetOutcome.REFUND_AND_CLOSE,
        stable=False,
    )

    rows = {
        row["name"]: (row["status"], row["target_outcome"])
        for row in venue_rows(
            county_user, thresholds=Thresholds(), today=date(2026, 11, 24), cutoff=CUTOFF
        )
    }

    assert rows == {
        "开云准点建档": (str(ZeroingStatus.IN_PROGRESS.label), "督促登记"),
        "开云后建档": (str(ZeroingStatus.OPEN.label), "督促登记"),
    }


def test_a_venue_whose_rating_found_no_large_prepayment_shows_no_amount_or_payers(
    township, county_user
):
    """The amount and the payers of 附件2 are shown only where the venue's rating found large
    prepayments: a payment entered just before the deadline, whose re-rating (a worker's job)
    finished after it, shows neither in that week's pack."""
    unrated = VenueFactory(township=township, name="开云未评级")
    rating.rate([unrated])
    entered_before(BEFORE_CUTOFF)  # rated then: nothing found
    paid = invest(unrated, payer="蒋奶奶", amount="80000")  # re-rated now, after the deadline
    just_before = CUTOFF - timedelta(minutes=1)
    PrepaymentRecord.objects.filter(pk=paid.pk).update(created_at=just_before)
    paid.history.update(history_date=just_before)

    assert venues_at(county_user, CUTOFF)["开云未评级"][:3] == (False, None, None)
