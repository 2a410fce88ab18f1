"""The district plan's attachment tables 1–6: the values against hand-built data, the
queries they cost, and the weekly report's counted results (附件6)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Max, Sum
from django.utils import translation
from openpyxl import load_workbook

from core import clock
from core.xlsx import workbook_bytes
from disposal.levels import ActionType
from disposal.models import (
    ActionStatus,
    DisposalAction,
    InstitutionPlan,
    Outcome,
    ZeroingEntry,
    ZeroingStatus,
)
from disposal.selectors.records import refund_totals
from institutions.models import Institution, RegistrationStatus
from reporting.choices import GroupRole, PlaceType
from reporting.periods import ReportingWeek
from reporting.selectors import (
    disposal_progress_rows,
    progress_table,
    publicity_table,
    results_table,
    risk_list_rows,
    under_disposal_refunds,
)
from reporting.selectors.common import (
    action_summaries,
    actions_at,
    closed_q,
    done_q,
    open_q,
    rectified_q,
)
from reporting.selectors.lists import measures_of_level
from reporting.xlsx.district import DISTRICT_ATTACHMENTS, ReportContext, build_attachment
from risklists import services as rating
from risklists.engine import Thresholds
from risklists.figures import derived_figures
from screening.models import FundUse, Lead, LeadChannel, LeadStatus, PrepaymentKind, YesNoUnknown
from tests.disposal.factories import (
    AssistanceFactory,
    PrepaymentFactory,
    RefundFactory,
    ResettlementFactory,
    TransferFactory,
)
from tests.factories import (
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    VenueFactory,
    VillageFactory,
)
from tests.risklists.factories import pay
from tests.screening.factories import ScreeningVisitFactory, SubmittedVisitFactory

from .conftest import shanghai
from .factories import PublicityActivityFactory, WorkingGroupMemberFactory
from .helpers import (
    approve,
    body,
    complete_actions,
    entered_before,
    merged,
    orange_institution,
    query_count,
    red_venue,
    set_level,
    totals,
    yellow_institution,
)
from .helpers import sheet_of as attachment_sheet

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 48)  # Wednesday 2026-11-18 to Tuesday 2026-11-24
SINCE = date(2026, 1, 1)


def sheet_of(number, user, week=WEEK, since=SINCE):
    context = ReportContext(user, user.unit, week, since)
    with translation.override("zh-hans"):
        workbook = build_attachment(number, context)
    return load_workbook(io.BytesIO(workbook_bytes(workbook))).active


def rows_by_township(sheet, first_row, last_col):
    return {
        row[1]: row
        for row in sheet.iter_rows(min_row=first_row, max_col=last_col, values_only=True)
        if row[1] and row[0] != "合计"
    }


def test_working_group_lists_members_in_group_order_with_office_phones(county, leader):
    WorkingGroupMemberFactory(unit=county, role=GroupRole.MEMBER, name="王五", order=1)
    WorkingGroupMemberFactory(unit=county, role=GroupRole.LIAISON, name="文雨倩")
    WorkingGroupMemberFactory(
        unit=county, role=GroupRole.LEADER, name="张三", post="局长", phone="0734-5820001"
    )
    WorkingGroupMemberFactory(unit=county, role=GroupRole.DEPUTY, name="李四")
    WorkingGroupMemberFactory(unit=TownshipFactory(parent=county), name="别的单位")

    sheet = sheet_of(1, leader)

    assert sheet["A1"].value == "打击整治养老服务诈骗专项行动工作组"
    assert [c.value for c in sheet[3]] == [
        "序号",
        "工作组职务",
        "姓名",
        "工作单位",
        "职务",
        "联系电话",
    ]
    body = list(sheet.iter_rows(min_row=4, max_row=7, values_only=True))
    assert [(r[0], r[1], r[2]) for r in body] == [
        (1, "组长", "张三"),
        (2, "副组长", "李四"),
        (3, "成员", "王五"),
        (4, "联络员", "文雨倩"),
    ]
    # Office phones are published on the list: shown in full even to a leader.
    assert body[0][5] == "0734-5820001"
    # The township's own group is on the township's pack, not on the county's.
    assert sheet["C8"].value is None
    assert sheet["A8"].value != "合计"


def test_working_group_of_another_county_is_not_listed(county, county_user):
    from tests.factories import CountyFactory

    WorkingGroupMemberFactory(unit=CountyFactory(), name="外县")

    sheet = sheet_of(1, county_user)

    assert sheet["C4"].value is None


@pytest.fixture
def screening_data(county, township, other_township):
    """开云镇: 3 screened (1 venue, 1 risky, 1 new), 1 draft only, 1 archived; 白果镇: 1."""
    from screening.models import OfficialCount

    OfficialCount.objects.create(unit=township, as_of=date(2026, 2, 1), institutions=8)
    OfficialCount.objects.create(unit=township, as_of=date(2025, 2, 1), institutions=99)
    plain = InstitutionFactory(township=township, established_on=date(2010, 1, 1))
    SubmittedVisitFactory(institution=plain, visited_on=date(2026, 3, 1))
    venue = VenueFactory(township=township, found_on=date(2026, 3, 1))
    SubmittedVisitFactory(
        institution=venue, visited_on=date(2026, 3, 2), large_prepayment_found=YesNoUnknown.YES
    )
    risky = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=risky, visited_on=date(2026, 4, 1), promised_returns=True)
    drafted = InstitutionFactory(township=township)
    ScreeningVisitFactory(institution=drafted, visited_on=date(2026, 4, 1), collapsed=True)
    old = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=old, visited_on=date(2025, 6, 1), suspected_crime=True)
    archived = InstitutionFactory(township=township, archived_at="2026-05-01T00:00:00+08:00")
    SubmittedVisitFactory(institution=archived, visited_on=date(2026, 3, 1))
    other = InstitutionFactory(township=other_township)
    SubmittedVisitFactory(
        institution=other, visited_on=date(2026, 3, 1), fund_use=FundUse.IRREGULAR
    )
    # Risks found: the approved levels (the rows of the risk list), not the visits.
    set_level(venue, "red")
    set_level(risky, "orange")
    set_level(other, "yellow")
    set_level(plain, "green")


def test_progress_counts_screened_venues_new_and_risky_per_township(
    screening_data, county_user, township, other_township
):
    rows, total = progress_table(county_user, SINCE)
    by_name = {r.township.name: r for r in rows}

    kaiyun = by_name[township.name]
    assert kaiyun.to_screen == 8  # the latest official count
    assert kaiyun.screened == 3
    assert kaiyun.screened_venues == 1
    assert kaiyun.newly_found == 1
    assert kaiyun.risks_found == 2  # red and orange (not green)
    assert kaiyun.on_registry == 5
    assert kaiyun.difference == 3 - 8
    baiguo = by_name[other_township.name]
    assert (baiguo.screened, baiguo.risks_found, baiguo.to_screen) == (1, 1, None)
    assert total.screened == 4 and total.risks_found == 3


def test_progress_sheet_has_the_figures_the_progress_and_the_totals(
    screening_data, county_user, township, other_township
):
    sheet = sheet_of(2, county_user)

    assert sheet["A1"].value == "养老服务诈骗风险隐患排查工作进度表"
    assert sheet["C3"].value == "排查情况" and sheet["J3"].value == "“四看”复查"
    rows = rows_by_township(sheet, 5, 13)
    kaiyun = rows[township.name]
    # The progress is the screened among those on the registry: never above 100 %.
    assert kaiyun[2:9] == (8, 5, 3, 1, 1, 2, pytest.approx(3 / 5))
    assert kaiyun[10] == -5
    assert rows[other_township.name][8] == 1  # screened its only one, with no official count
    totals = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert totals[2:8] == (8, 6, 4, 1, 1, 3)
    assert totals[8] == pytest.approx(4 / 6)


def test_progress_sheet_has_the_four_looks_figures_per_township_and_in_total(
    screening_data, county, county_user, township, other_township
):
    from screening.models import MatchStatus, SharedListEntry, SharedListSource

    InstitutionFactory(township=township, established_on=date(2026, 5, 1))  # new, not screened
    incomplete = InstitutionFactory(township=township, principal="")
    SubmittedVisitFactory(institution=incomplete, visited_on=date(2026, 6, 1))
    for unit, name, note in (
        (township, "开云康养有限公司", ""),
        (township, "开云养生馆", "不属于养老服务"),  # verified: nothing left to do
        (other_township, "白果颐养有限公司", ""),
        (other_township, "白果乐龄有限公司", ""),
    ):
        SharedListEntry.objects.create(
            unit=county,
            township=unit,
            subject_name=name,
            source=SharedListSource.MARKET_REGULATION,
            match_status=MatchStatus.UNMATCHED,
            verified_note=note,
        )

    sheet = sheet_of(2, county_user)

    rows = rows_by_township(sheet, 5, 13)
    # 信息不完整, 共享名单待核实, 新成立未排查 (the "四看" columns J, L, M).
    assert (rows[township.name][9], rows[township.name][11], rows[township.name][12]) == (1, 1, 1)
    baiguo = rows[other_township.name]
    assert (baiguo[9], baiguo[11], baiguo[12]) == (0, 2, 0)
    totals = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert (totals[9], totals[11], totals[12]) == (1, 3, 1)


def test_progress_of_a_township_user_has_only_their_township(
    screening_data, township_user, township, other_township
):
    rows, _ = progress_table(township_user, SINCE)

    assert [r.township for r in rows] == [township]


@pytest.fixture
def publicity_data(township, other_township):
    in_week = WEEK.first_day
    PublicityActivityFactory(
        township=township,
        held_on=in_week,
        place_type=PlaceType.VILLAGE,
        posters=3,
        banners=1,
        leaflets=100,
        videos=0,
        participants=60,
    )
    PublicityActivityFactory(
        township=township,
        held_on=WEEK.last_day,
        place_type=PlaceType.INSTITUTION,
        posters=2,
        banners=2,
        leaflets=30,
        videos=1,
        participants=25,
    )
    PublicityActivityFactory(
        township=township, held_on=WEEK.first_day - timedelta(days=1), posters=99
    )
    PublicityActivityFactory(
        township=township, held_on=WEEK.last_day + timedelta(days=1), posters=98
    )
    PublicityActivityFactory(
        township=other_township,
        held_on=in_week,
        place_type=PlaceType.COMMUNITY,
        posters=5,
        banners=0,
        leaflets=10,
        videos=2,
        participants=15,
    )
    complete = dict(
        poster_displayed=True, notice_to_every_resident=True, commitment_letter_signed=True
    )
    done = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=done, visited_on=date(2026, 11, 1), **complete)
    # The latest submitted visit decides: complete before, not any more.
    lapsed = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=lapsed, visited_on=date(2026, 10, 1), **complete)
    SubmittedVisitFactory(institution=lapsed, visited_on=date(2026, 11, 2))
    # A draft does not count; a visit after the week does not count yet.
    later = InstitutionFactory(township=township)
    ScreeningVisitFactory(institution=later, visited_on=date(2026, 11, 3), **complete)
    SubmittedVisitFactory(institution=later, visited_on=date(2026, 11, 25), **complete)
    VenueFactory(township=township)
    entered_before(shanghai(2026, 11, 17, 9))


def test_publicity_figures_sum_the_week_per_township(
    publicity_data, county_user, township, other_township
):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day)
    by_name = {r.township.name: r for r in table.rows}

    kaiyun = by_name[township.name]
    assert kaiyun.activities == 2
    assert (kaiyun.in_villages, kaiyun.in_communities, kaiyun.in_institutions) == (1, 0, 1)
    assert (kaiyun.posters, kaiyun.banners, kaiyun.leaflets, kaiyun.videos) == (5, 3, 130, 1)
    assert kaiyun.participants == 85
    assert (kaiyun.institutions, kaiyun.three_musts_complete) == (4, 1)
    assert by_name[other_township.name].in_communities == 1
    assert table.total.posters == 10 and table.total.activities == 3


def test_publicity_sheet_has_the_three_into_and_four_seen_groups_and_totals(
    publicity_data, county_user, township
):
    sheet = sheet_of(5, county_user)

    assert sheet["A1"].value == "打击整治养老诈骗专项行动宣传统计表"
    assert (sheet["D3"].value, sheet["G3"].value, sheet["L3"].value) == (
        "“三进”",
        "“四见”",
        "“三必须”",
    )
    assert {"D3:F3", "G3:J3", "L3:M3", "C3:C4", "K3:K4"} <= {
        str(r) for r in sheet.merged_cells.ranges
    }
    kaiyun = rows_by_township(sheet, 5, 13)[township.name]
    assert kaiyun[2:] == (2, 1, 0, 1, 5, 3, 130, 1, 85, 4, 1)
    totals = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert totals[2] == 3 and totals[6] == 10 and totals[10] == 100


def test_publicity_in_parks_and_squares_has_a_column_of_its_own_after_the_district_ones(
    publicity_data, county_user, township
):
    """衡山县方案 §二.四 走进公园、走进广场: counted apart from the district's "三进", whose
    columns keep their places; the activity still counts among the activities held."""
    PublicityActivityFactory(
        township=township,
        held_on=WEEK.first_day,
        place_type=PlaceType.GATHERING_PLACE,
        posters=1,
        banners=0,
        leaflets=40,
        videos=0,
        participants=90,
    )

    kaiyun = next(
        r
        for r in publicity_table(county_user, WEEK.first_day, WEEK.last_day).rows
        if r.township == township
    )
    assert kaiyun.in_gathering_places == 1
    assert (kaiyun.in_villages, kaiyun.in_communities, kaiyun.in_institutions) == (1, 0, 1)
    assert kaiyun.activities == 3

    sheet = sheet_of(5, county_user)
    # The header breaks into lines on whole words; its text is the plan's.
    assert sheet["D3"].value == "“三进”"
    assert sheet["N3"].value.replace("\n", "") == "走进公园、广场等老年人聚集场所"
    assert {"D3:F3", "N3:N4"} <= {str(r) for r in sheet.merged_cells.ranges}
    row = rows_by_township(sheet, 5, 14)[township.name]
    assert row[2:6] == (3, 1, 0, 1)
    assert row[13] == 1
    totals = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert totals[13] == 1


def test_leader_downloads_an_attachment_for_a_week(client_for, leader, publicity_data, township):
    from django.urls import reverse

    response = client_for(leader).get(
        reverse("reporting:attachment", args=[5]), {"week": WEEK.label}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "打击整治养老诈骗专项行动宣传统计表"
    # Read as of the week's deadline: its township sent no weekly report by then.
    assert rows_by_township(sheet, 5, 13)[f"{township.name}（未报送）"][2] == 2
    notes = [c.value for r in sheet.iter_rows(min_row=sheet.max_row - 2) for c in r if c.value]
    assert "数据截至2026年11月24日17:00" in notes


def test_an_attachment_the_plan_does_not_have_is_not_found(client_for, leader):
    from django.urls import reverse

    assert client_for(leader).get(reverse("reporting:attachment", args=[7])).status_code == 404


# --- 附件3 the 红橙黄 list ---------------------------------------------------------------------


@pytest.fixture
def rated(township, other_township, township_user, other_township_user, county_user):
    """Approved: a red venue and an orange home in 开云镇, a yellow one in 白果镇, a green one;
    an orange one only proposed; an archived yellow one."""
    venue = red_venue(
        township, township_user, name="开云颐养之家", operator="王五", legal_representative=""
    )
    pay(venue, "李奶奶", PrepaymentKind.MEMBERSHIP, "30000", refunded_amount=Decimal("10000"))
    pay(venue, "赵爷爷", PrepaymentKind.DEPOSIT, "5000", refunded_amount=Decimal("5000"))
    orange = orange_institution(township, township_user, name="开云夕阳红老年公寓", beds=80)
    yellow = yellow_institution(other_township, other_township_user, name="白果福寿养老院")
    green = InstitutionFactory(township=township, name="开云敬老院")
    approve([venue, orange, green], township_user, county_user)
    approve([yellow], other_township_user, county_user)
    orange_institution(township, township_user, name="只提议未审核")
    rating.rate(Institution.objects.filter(name="只提议未审核"))
    archived = yellow_institution(township, township_user, name="已注销养老院")
    approve([archived], township_user, county_user)
    Institution.objects.filter(pk=archived.pk).update(archived_at="2026-05-01T00:00:00+08:00")
    return {"venue": venue, "orange": orange, "yellow": yellow, "green": green}


def test_risk_list_has_the_approved_red_orange_yellow_ones_red_first(rated, county_user, township):
    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user)

    assert sheet["A1"].value == "养老服务诈骗风险隐患“红橙黄”风险管控名单"
    # The title spans the first printed page (A–I): the list prints over pages across.
    assert {"A1:I1", "J3:K3", "O3:Q3", "A3:A4", "M3:M4"} <= merged(sheet)
    assert (sheet["J3"].value, sheet["J4"].value, sheet["K4"].value) == (
        "收取预付费情况",
        "金额（元）",
        "人数",
    )
    rows = body(sheet, 5)
    assert [(r[2], r[11]) for r in rows] == [
        ("开云颐养之家", "红色"),
        ("开云夕阳红老年公寓", "橙色"),
        ("白果福寿养老院", "黄色"),
    ]
    venue = rows[0]
    assert venue[1] == township.name
    assert venue[4] == "未经登记"
    assert venue[5] == "王五"  # a venue's operator stands for its legal representative
    # (and, no visit having recorded the use of its funds, V1 待核实 beside R1)
    assert venue[12] == "待核实：预付费资金使用情况；未经登记开展养老服务活动且收取大额预付费"
    assert "停止经营活动" in venue[13] and "警示约谈主要负责人" in venue[13]
    assert venue[14] == township.name
    latest = DisposalAction.objects.filter(institution=rated["venue"]).aggregate(d=Max("deadline"))
    assert venue[16].date() == latest["d"]
    assert rows[1][12] == "收取大额预付费且资金使用不规范"


def test_risk_list_prepayments_are_the_derived_figures(rated, county_user):
    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user)
    rows = {r[2]: r for r in body(sheet, 5)}
    figures = derived_figures(
        [rated["venue"].pk, rated["orange"].pk], thresholds=Thresholds(), today=clock.today()
    )

    for key in ("venue", "orange"):
        row = rows[rated[key].name]
        assert row[9] == pytest.approx(float(figures[rated[key].pk].prepayment_total))
        assert row[10] == figures[rated[key].pk].prepayment_payers
    # 80,000 invested, 20,000 of a membership still owed; the refunded deposit counts nothing.
    assert rows["开云颐养之家"][9:11] == (100000, 2)


def test_risk_list_totals_are_the_database_sums(rated, county_user):
    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user)
    listed = Institution.objects.filter(pk__in=[rated[k].pk for k in ("venue", "orange", "yellow")])

    row = totals(sheet, 5)
    assert row[7] == listed.aggregate(n=Sum("beds"))["n"]
    assert row[8] == listed.aggregate(n=Sum("residents"))["n"]
    assert row[9] == pytest.approx(80000 + 20000 + 80000)


def test_a_level_set_by_the_county_says_why(rated, county_user):
    assessment = rated["yellow"].rating.current
    rating.raise_level(
        user=county_user, assessment=assessment, level="orange", reason="群众多次反映"
    )

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    row = rows["白果福寿养老院"]
    assert row[11] == "橙色"
    assert row[12] == "虚假或夸大宣传；县级调整为橙色：群众多次反映"


def test_a_level_raised_without_a_reason_or_set_back_to_the_assessments_adds_no_reason(
    rated, county_user
):
    """The county's reason is printed when its level differs from the assessment's: not for
    a level raised without one, nor for one lowered back to the assessment's own."""
    raised = rated["yellow"].rating.current
    rating.raise_level(user=county_user, assessment=raised, level="orange")
    set_level(InstitutionFactory(township=rated["yellow"].township, name="白果未处置"), "yellow")

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}
    assert rows["白果福寿养老院"][11:13] == ("橙色", "虚假或夸大宣传")
    # No measures yet: the measures and responsibility cells are empty.
    assert rows["白果未处置"][13:17] == (None, None, None, None)

    rating.raise_level(user=county_user, assessment=raised, level="red", reason="群众多次反映")
    rating.lower_level(user=county_user, assessment=raised, level="yellow", reason="核实后恢复")

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}
    assert rows["白果福寿养老院"][11:13] == ("黄色", "虚假或夸大宣传")


def test_the_list_names_each_responsible_unit_and_person_once(rated, county, county_user):
    actions = list(
        DisposalAction.objects.filter(institution=rated["yellow"])
        .exclude(level="green")
        .order_by("deadline", "pk")
    )
    assert len(actions) >= 3
    DisposalAction.objects.filter(pk=actions[0].pk).update(responsible_name="王五")
    DisposalAction.objects.filter(pk=actions[1].pk).update(
        responsible_unit=county, responsible_name="赵六"
    )
    DisposalAction.objects.filter(pk=actions[2].pk).update(responsible_name="王五")

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    assert rows["白果福寿养老院"][14:16] == ("白果镇、衡山县", "王五、赵六")


def assign(institution, kind, days, **fields):
    """Give ``institution``'s measure of ``kind`` a time limit ``days`` from today and its
    responsible unit or person (``fields``)."""
    deadline = clock.today() + timedelta(days=days)
    DisposalAction.objects.filter(institution=institution, action_type=kind).update(
        deadline=deadline, **fields
    )
    return deadline


def test_a_lowered_row_lists_its_levels_measures_in_the_plans_order_with_their_responsibility(
    township, county, township_user, county_user
):
    """Lowered from orange to yellow: the orange measures still open are the county's to
    decide, the yellow row prints the yellow measures only, in the plan's order (not by time
    limit, nor by name), each unit and person once and the latest of their time limits."""
    lowered = orange_institution(township, township_user, name="开云降级院")
    approve([lowered], township_user, county_user)
    rating.lower_level(
        user=county_user, assessment=lowered.rating.current, level="yellow", reason="核实后降级"
    )
    orange = set(measures_of_level("orange"))
    assert DisposalAction.objects.filter(institution=lowered, action_type__in=orange).exists()
    DisposalAction.objects.filter(institution=lowered, action_type__in=orange).update(
        responsible_unit=county, responsible_name="赵六"
    )
    assign(lowered, "urge_refund", 60)
    staff = UserFactory(username="lisi", last_name="李", first_name="四", unit=township)
    assign(lowered, "risk_warning", 7, responsible_name="王五")
    assign(lowered, "remind_lawful", 15, responsible_user=staff)
    latest = assign(lowered, "more_spot_checks", 30, responsible_name="王五")

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    row = rows["开云降级院"]
    assert row[11] == "黄色"
    assert row[13] == "风险提示；增加抽查检查频次；提醒规范运营"
    assert row[14:16] == ("开云镇", "王五、李四")
    assert row[16].date() == latest


def test_a_row_whose_levels_measures_are_not_scheduled_yet_prints_none_of_another_level(
    township, township_user, county_user
):
    """Approved yellow over an orange institution's measures (the yellow ones not scheduled
    yet): the orange measures are not the yellow list's, the row's measure cells stay
    empty."""
    institution = orange_institution(township, township_user, name="开云待处置院")
    approve([institution], township_user, county_user)
    set_level(institution, "yellow")

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    assert rows["开云待处置院"][11] == "黄色"
    assert rows["开云待处置院"][13:17] == (None, None, None, None)


def test_the_list_names_a_nameless_user_by_their_username_and_no_one_for_an_unassigned_measure(
    rated, county_user
):
    """As the staff list names a user: their full name, else their username; a measure no
    one is responsible for yet adds no one."""
    nameless = UserFactory(
        username="zhangsan", last_name="", first_name="", unit=rated["yellow"].township
    )
    assign(rated["yellow"], "risk_warning", 7, responsible_user=nameless)
    assign(rated["yellow"], "remind_lawful", 15, responsible_name="", responsible_user=None)
    assign(rated["yellow"], "more_spot_checks", 30, responsible_name="王五")

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    assert rows["白果福寿养老院"][15] == "zhangsan、王五"


def test_a_township_lists_only_its_own(rated, township_user):
    rows = body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, township_user), 5)

    assert [r[2] for r in rows] == ["开云颐养之家", "开云夕阳红老年公寓"]


def test_typed_names_are_text_in_the_list(township, township_user, county_user):
    red_venue(
        township,
        township_user,
        name="=1+1",
        operator="+CMD|' /C calc'!A0",
        legal_representative="",
    )
    approve(Institution.objects.filter(name="=1+1"), township_user, county_user)

    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user)

    assert (sheet["C5"].value, sheet["C5"].data_type) == ("=1+1", "s")
    assert (sheet["F5"].value, sheet["F5"].data_type) == ("+CMD|' /C calc'!A0", "s")


def test_the_list_prints_the_registration_and_address_and_a_level_by_township_then_name(
    township, other_township, county_user
):
    """The registration as the plan words it, the actual address or else the registered one;
    within a level, by township, then by name (not in the order entered)."""
    first, second = sorted([township, other_township], key=lambda unit: unit.path)
    entered_first = InstitutionFactory(
        township=first, name="阿院", actual_address="实际路1号", registered_address="登记路1号"
    )
    entered_last = InstitutionFactory(  # 甲 sorts before 阿
        township=first,
        name="甲院",
        registration_status=RegistrationStatus.REGISTERED_NOT_FILED,
        actual_address="",
        registered_address="登记路2号",
    )
    elsewhere = InstitutionFactory(township=second, name="甲丙院")
    for institution in (entered_first, entered_last, elsewhere):
        set_level(institution, "yellow")

    rows = body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)

    assert [(r[1], r[2], r[4], r[6]) for r in rows] == [
        (first.name, "甲院", "已登记未备案", "登记路2号"),
        (first.name, "阿院", "已登记已备案", "实际路1号"),
        (second.name, "甲丙院", "已登记已备案", "测试路1号"),
    ]


def test_a_registration_status_the_list_does_not_know_prints_an_empty_cell(township, county_user):
    """A status no longer among the registry's (kept from an older version) is not guessed."""
    institution = InstitutionFactory(township=township, name="旧状态院")
    set_level(institution, "yellow")
    Institution.objects.filter(pk=institution.pk).update(registration_status="filed")

    rows = body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)

    assert [(r[2], r[4]) for r in rows] == [("旧状态院", None)]


def many_listed(count, township, township_user, county_user):
    approve(
        [yellow_institution(township, township_user) for _ in range(count)],
        township_user,
        county_user,
    )


def test_risk_list_rows_cost_the_same_queries_for_3_and_30(
    township, township_user, county_user, django_assert_max_num_queries
):
    many_listed(3, township, township_user, county_user)
    few = query_count(lambda: list(risk_list_rows(county_user)))
    many_listed(27, township, township_user, county_user)

    with django_assert_max_num_queries(few):
        assert len(list(risk_list_rows(county_user))) == 30


# --- 附件4 disposal progress -----------------------------------------------------------------


@pytest.fixture
def disposed(township, township_user, county_user):
    """Five institutions under disposal, one for each result."""
    done = orange_institution(township, township_user, name="整改完成院")
    filed = red_venue(township, township_user, name="立案场所")
    moved = red_venue(township, township_user, name="移交场所")
    closed = red_venue(township, township_user, name="关停场所")
    open_ = orange_institution(township, township_user, name="处置中院")
    green = InstitutionFactory(township=township, name="绿色院")
    approve([done, filed, moved, closed, open_, green], township_user, county_user)
    complete_actions(done, date(2026, 11, 20))
    InstitutionPlan.objects.create(institution=done, version=1, text="旧方案")
    InstitutionPlan.objects.create(institution=done, version=2, text="一、约谈；二、退费")
    record = PrepaymentFactory(institution=done, amount=Decimal("10000"))
    RefundFactory(prepayment=record, amount=Decimal("4000"))
    TransferFactory(institution=filed, case_filed_on=date(2026, 11, 2))
    TransferFactory(institution=moved)
    ZeroingEntry.objects.create(
        institution=closed,
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.CLOSED,
        outcome_on=date(2026, 11, 10),
    )
    Institution.objects.filter(pk=closed.pk).update(archived_at="2026-11-11T00:00:00+08:00")
    return {"done": done, "open": open_}


def test_disposal_progress_has_measures_plan_progress_refunds_and_result(disposed, county_user):
    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user)

    assert sheet["A1"].value == "养老服务诈骗风险隐患分类处置工作进度表"
    assert {"E3:F3", "J3:L3", "M3:N3"} <= merged(sheet)
    rows = {r[2]: r for r in body(sheet, 5)}
    assert set(rows) == {"整改完成院", "立案场所", "移交场所", "关停场所", "处置中院"}
    assert {name: r[14] for name, r in rows.items()} == {
        "整改完成院": "整改完成",
        "立案场所": "立案",
        "移交场所": "移交",
        "关停场所": "取缔关停",  # archived once closed down: still reported
        "处置中院": "处置中",
    }
    done = rows["整改完成院"]
    total = DisposalAction.objects.filter(institution=disposed["done"]).count()
    assert (done[3], done[5], done[9], done[10], done[11]) == (
        "橙色",
        "一、约谈；二、退费",
        total,
        total,
        1,
    )
    assert "责令整改" in done[4]
    # What its elders paid in (the helper's 80,000 and 10,000) and what was refunded: the
    # refund ledger's figures, as the refund page shows them.
    ledger = refund_totals([disposed["done"].pk])[disposed["done"].pk]
    assert (done[12], done[13]) == (ledger.due, ledger.refunded) == (90000, 4000)
    assert rows["处置中院"][10:12] == (0, 0)
    assert rows["处置中院"][5] is None  # no 一院一策 of its own: not another's
    assert [r[3] for r in body(sheet, 5)][:3] == ["红色", "红色", "红色"]


def test_disposal_progress_lists_a_level_by_township_then_by_name(
    township, other_township, township_user, other_township_user, county_user
):
    first, second = sorted([township, other_township], key=lambda unit: unit.path)
    staff = {township: township_user, other_township: other_township_user}
    for unit, name in ((first, "阿场所"), (second, "甲场所")):  # 甲 sorts before 阿
        approve([red_venue(unit, staff[unit], name=name)], staff[unit], county_user)

    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user)

    assert [(r[1], r[2]) for r in body(sheet, 5)] == [
        (first.name, "阿场所"),
        (second.name, "甲场所"),
    ]


def test_disposal_progress_lists_a_township_by_name_not_by_entry(
    township, township_user, county_user
):
    entered_first = red_venue(township, township_user, name="阿场所")
    entered_last = red_venue(township, township_user, name="甲场所")  # 甲 sorts before 阿
    approve([entered_first, entered_last], township_user, county_user)

    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user)

    assert [r[2] for r in body(sheet, 5)] == ["甲场所", "阿场所"]


def test_disposal_progress_lists_namesakes_in_the_order_they_were_entered(
    township, township_user, county_user
):
    # The first one entered is in a village of the township: not listed after the other
    # for that.
    village = VillageFactory(parent=township, name="开云村")
    first = red_venue(township, township_user, name="同名场所", village=village)
    second = red_venue(township, township_user, name="同名场所")
    approve([second, first], township_user, county_user)
    InstitutionPlan.objects.create(institution=first, version=1, text="先登记的方案")
    InstitutionPlan.objects.create(institution=second, version=1, text="后登记的方案")

    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user)

    assert [(r[2], r[5]) for r in body(sheet, 5)] == [
        ("同名场所", "先登记的方案"),
        ("同名场所", "后登记的方案"),
    ]


def test_disposal_progress_totals_are_the_database_counts(disposed, county_user):
    row = totals(attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user), 5)
    actions = DisposalAction.objects.exclude(level="green").exclude(status="not_applicable")

    assert row[9] == actions.count()
    assert row[10] == actions.filter(status="done").count()
    assert row[11] == pytest.approx(row[10] / row[9])
    listed = Institution.objects.filter(
        name__in=["整改完成院", "立案场所", "移交场所", "关停场所", "处置中院"]
    ).values_list("pk", flat=True)
    ledger = refund_totals(listed).values()
    assert (row[12], row[13]) == (sum(t.due for t in ledger), sum(t.refunded for t in ledger))
    assert row[13] == 4000


def test_disposal_progress_names_each_responsible_unit_and_person_once_and_the_latest_limit(
    disposed, county, county_user
):
    """As 附件3 does: the row's responsible units and persons, each once, and the latest of
    its measures' time limits."""
    actions = list(
        DisposalAction.objects.filter(institution=disposed["open"])
        .exclude(level="green")
        .order_by("deadline", "pk")
    )
    assert len(actions) >= 3
    DisposalAction.objects.filter(pk=actions[0].pk).update(responsible_name="王五")
    DisposalAction.objects.filter(pk=actions[1].pk).update(
        responsible_unit=county, responsible_name="赵六"
    )
    latest = clock.today() + timedelta(days=90)
    DisposalAction.objects.filter(pk=actions[-1].pk).update(
        responsible_name="王五", deadline=latest
    )

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user), 5)}

    row = rows["处置中院"]
    assert row[6:8] == (f"{disposed['open'].township.name}、衡山县", "王五、赵六")
    assert row[8].date() == latest


def test_disposal_progress_counts_no_measures_for_one_whose_measures_were_all_set_aside(
    township, township_user, county_user
):
    """Every measure of its level set aside as not applicable: still under disposal, listed
    with no measures, none carried out, no one responsible."""
    venue = red_venue(township, township_user, name="全部不适用场所")
    approve([venue], township_user, county_user)
    DisposalAction.objects.filter(institution=venue).exclude(level="green").update(
        status=ActionStatus.NOT_APPLICABLE
    )

    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 4, county_user)

    (row,) = body(sheet, 5)
    assert row[2] == "全部不适用场所"
    assert (row[4], row[6], row[7], row[8]) == (None, None, None, None)
    assert row[9:11] == (0, 0)
    assert row[14] == "处置中"
    assert totals(sheet, 5)[9:11] == (0, 0)


def test_disposal_progress_rows_cost_the_same_queries_for_3_and_30(
    township, township_user, county_user, django_assert_max_num_queries
):
    def rows():
        # As a pack reads them: the measures and refunds once, then the rows.
        summaries = action_summaries(county_user)
        refunds = under_disposal_refunds(county_user, None, SINCE)
        return list(disposal_progress_rows(county_user, summaries=summaries, refunds=refunds))

    many_listed(3, township, township_user, county_user)
    few = query_count(rows)
    many_listed(27, township, township_user, county_user)

    with django_assert_max_num_queries(few):
        assert len(rows()) == 30


# --- 附件6 results ----------------------------------------------------------------------------


def lead(unit, received_on, status=LeadStatus.RECEIVED, handled_on=None, fed_back_on=None):
    return Lead.objects.create(
        unit=unit,
        channel=LeadChannel.PLATFORM_12337,
        received_on=received_on,
        subject="收取高额会员费",
        content="…",
        status=status,
        handled_on=handled_on,
        fed_back_on=fed_back_on,
    )


@pytest.fixture
def results(township, other_township, township_user, county_user):
    from reporting.choices import WeeklyStatus
    from tests.reporting.factories import WeeklyReportFactory
    from tests.screening.factories import SubmittedVisitFactory

    venue = red_venue(township, township_user, name="开云颐养之家")
    orange = orange_institution(township, township_user, name="开云夕阳红")
    later = orange_institution(township, township_user, name="开云后整改")
    yellow = yellow_institution(township, township_user, name="开云黄")
    approve([venue, orange, later, yellow], township_user, county_user)
    # Screened in the campaign: the venue and two more (visits of the helpers are dated
    # 2026-06-01); not one visited in 2025 only, nor one visited after the week.
    SubmittedVisitFactory(institution=venue, visited_on=date(2026, 3, 1))
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=township), visited_on=date(2025, 6, 1)
    )
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=township), visited_on=date(2026, 11, 25)
    )
    complete_actions(orange, date(2026, 11, 20))
    complete_actions(later, date(2026, 11, 30))  # after the week: not yet
    ZeroingEntry.objects.create(
        institution=venue,
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.BANNED,
        outcome_on=date(2026, 11, 10),
    )
    TransferFactory(institution=venue, transferred_on=date(2026, 11, 1))
    TransferFactory(institution=orange, transferred_on=date(2025, 12, 1))
    lead(township, date(2026, 11, 1), LeadStatus.FED_BACK, date(2026, 11, 5), date(2026, 11, 6))
    lead(township, date(2026, 11, 20))
    lead(township, date(2025, 12, 1), LeadStatus.HANDLED, handled_on=date(2026, 2, 1))
    lead(other_township, date(2026, 11, 2))
    record = PrepaymentFactory(
        institution=venue, amount=Decimal("200000"), paid_on=date(2025, 6, 1)
    )
    RefundFactory(prepayment=record, amount=Decimal("12345"), refunded_on=date(2026, 3, 1))
    RefundFactory(prepayment=record, amount=Decimal("99999"), refunded_on=date(2025, 12, 31))
    ResettlementFactory.create_batch(2, institution=venue, resettled_on=date(2026, 11, 2))
    ResettlementFactory(institution=venue, resettled_on=date(2026, 11, 25))
    AssistanceFactory(institution=venue, granted_on=date(2026, 11, 3))
    submitted = dict(status=WeeklyStatus.SUBMITTED, submitted_at="2026-11-17T09:00:00+08:00")
    WeeklyReportFactory(township=township, week=47, cases_filed=2, **submitted)
    WeeklyReportFactory(township=township, week=48, cases_filed=1, **submitted)
    WeeklyReportFactory(township=township, week=49, cases_filed=4, **submitted)
    WeeklyReportFactory(township=township, week=46, cases_filed=5)  # a draft
    WeeklyReportFactory(township=township, year=2025, week=50, cases_filed=6, **submitted)
    WeeklyReportFactory(township=other_township, week=48, cases_filed=1, **submitted)
    entered_before(shanghai(2026, 11, 17, 9))


def test_results_count_the_campaign_up_to_the_end_of_the_week(results, county_user, township):
    table = results_table(county_user, SINCE, WEEK)
    kaiyun = next(r for r in table.rows if r.township == township)

    assert (kaiyun.screened, kaiyun.screened_venues) == (4, 1)
    assert (kaiyun.red, kaiyun.orange, kaiyun.yellow) == (1, 2, 1)
    assert kaiyun.rectified == 1
    assert kaiyun.closed_or_banned == 1
    assert kaiyun.transferred == 1
    assert kaiyun.cases_filed == 3  # the submitted weekly reports of the campaign so far
    assert (kaiyun.leads_received, kaiyun.leads_closed) == (2, 2)
    assert kaiyun.funds_refunded == Decimal("1.2345")
    assert (kaiyun.elders_resettled, kaiyun.elders_assisted) == (2, 1)
    assert table.total.leads_received == 3 and table.total.cases_filed == 4


def test_results_count_no_closed_lead_for_a_township_whose_leads_are_all_open(
    results, county_user, other_township
):
    table = results_table(county_user, SINCE, WEEK)
    baiguo = next(r for r in table.rows if r.township == other_township)

    # 白果镇's one lead, received in the week, is still open.
    assert (baiguo.leads_received, baiguo.leads_closed) == (1, 0)
    assert table.total.leads_closed == 2


def typed(table, township) -> tuple[int, int]:
    """The township's typed cases filed (立案) and the number of reports they add up."""
    row = next(r for r in table.rows if r.township == township)
    return row.cases_filed, row.reports_submitted


def test_results_count_the_report_of_the_week_due_on_the_campaigns_first_day(
    results, county_user, township
):
    """A campaign that starts on a Tuesday starts in the week due that day (Wednesday 11 to
    Tuesday 17 November): its report (2 cases) is the campaign's, with this week's (1)."""
    table = results_table(county_user, date(2026, 11, 17), WEEK)

    assert typed(table, township) == (3, 2)


def test_results_count_no_report_of_a_week_over_before_the_campaign_started(
    results, county_user, township
):
    """A campaign that starts on a Wednesday, the first day of this week: the report of the
    week before (due the day before) is not one of the campaign's, nor any earlier one."""
    table = results_table(county_user, date(2026, 11, 18), WEEK)

    assert typed(table, township) == (1, 1)


def test_results_count_no_report_of_the_next_years_weeks(results, county_user, township):
    """截至本周: not the report of the first week of 2027, though its number is smaller."""
    from reporting.choices import WeeklyStatus
    from tests.reporting.factories import WeeklyReportFactory

    WeeklyReportFactory(
        township=township,
        year=2027,
        week=1,
        cases_filed=8,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=shanghai(2027, 1, 5, 9),
    )

    table = results_table(county_user, SINCE, WEEK)

    assert typed(table, township) == (3, 2)  # weeks 47 and 48 of 2026


def test_results_sheet_has_its_groups_and_totals(results, county_user, township):
    sheet = attachment_sheet(DISTRICT_ATTACHMENTS, 6, county_user)

    assert sheet["A1"].value == "打击整治养老服务诈骗专项行动战果统计表"
    # Header texts are broken into lines on whole words: their text is the plan's.
    headers = (sheet["C3"].value, sheet["E3"].value, sheet["L3"].value, sheet["O3"].value)
    assert tuple(text.replace("\n", "") for text in headers) == (
        "排查养老服务机构和场所（家）",
        "发现风险隐患（家）",
        "线索",
        "老年人（人）",
    )
    assert sheet["D4"].value.replace("\n", "") == "其中：未经登记“黑机构”"
    assert {"C3:D3", "E3:G3", "L3:M3", "O3:P3", "H3:H4", "N3:N4"} <= merged(sheet)
    kaiyun = next(r for r in body(sheet, 5) if r[1] == township.name)
    assert kaiyun[2:16] == (4, 1, 1, 2, 1, 1, 1, 1, 3, 2, 2, pytest.approx(1.2345), 2, 1)
    row = totals(sheet, 5)
    assert row[2] == 4 and row[10] == 4 and row[11] == 3
    note = [c.value for r in sheet.iter_rows(min_row=sheet.max_row) for c in r if c.value]
    assert note and note[0].startswith("注：")


def test_results_cost_the_same_queries_for_3_and_30_institutions(
    township, township_user, county_user, django_assert_max_num_queries
):
    many_listed(3, township, township_user, county_user)
    few = query_count(lambda: results_table(county_user, SINCE, WEEK))
    many_listed(27, township, township_user, county_user)

    with django_assert_max_num_queries(few):
        results_table(county_user, SINCE, WEEK)


# --- the weekly report shows the counted results ------------------------------------------------


def test_the_weekly_report_shows_counted_results_with_their_source(
    results, client_for, leader, township
):
    from reporting.models import WeeklyReport

    report = WeeklyReport.objects.get(township=township, year=2026, week=48)

    page = client_for(leader).get(report.get_absolute_url()).content.decode()

    assert 'data-figure="elders_resettled">2<' in page
    assert 'data-figure="rectified">1<' in page
    assert 'data-figure="funds_refunded">1.23<' in page
    assert 'data-figure="cases_filed">1<' in page  # typed: this week's report
    assert "按安置和救助记录统计" in page and "乡镇（街道）填报" in page


def test_the_weekly_form_shows_counted_results_read_only(results, township, township_user):
    from reporting.forms import WeeklyReportForm
    from reporting.models import WeeklyReport

    report = WeeklyReport(township=township, year=2026, week=48)
    form = WeeklyReportForm(
        {"summary": "本周工作", "cases_filed": 2, "rectified": 9},
        instance=report,
        user=township_user,
    )

    assert form.fields["rectified"].disabled and not form.fields["cases_filed"].disabled
    assert form.is_valid(), form.errors
    assert form.results == {"cases_filed": 2}
    assert form["elders_resettled"].value() == 2


def test_the_weekly_report_page_costs_the_same_queries_for_3_and_30(
    township, township_user, county_user, client_for, django_assert_max_num_queries
):
    from tests.reporting.factories import WeeklyReportFactory

    report = WeeklyReportFactory(township=township)
    client = client_for(county_user)
    many_listed(3, township, township_user, county_user)
    few = query_count(lambda: client.get(report.get_absolute_url()))
    many_listed(27, township, township_user, county_user)

    with django_assert_max_num_queries(few):
        assert client.get(report.get_absolute_url()).status_code == 200


def test_leader_downloads_the_red_orange_yellow_list(client_for, leader, rated):
    from django.urls import reverse

    response = client_for(leader).get(reverse("reporting:attachment", args=[3]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert response.status_code == 200
    assert sheet["A1"].value == "养老服务诈骗风险隐患“红橙黄”风险管控名单"
    assert sheet["C5"].value == "开云颐养之家"


@pytest.mark.parametrize("number", sorted(DISTRICT_ATTACHMENTS))
def test_each_attachment_prints_its_label_page_numbers_and_the_bureau(number, county_user):
    """Issue 16, item 6: 附件N at the top left of every page, 第 X 页 共 Y 页 at the foot,
    the unit line naming the bureau; text never printed below 9 points."""
    sheet = sheet_of(number, county_user)

    assert sheet.oddHeader.left.text == f"附件{number}"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet["A2"].value == "填报单位（盖章）：衡山县民政局"
    setup = sheet.page_setup
    assert sheet.sheet_properties.pageSetUpPr.fitToPage or int(setup.scale) * 11 >= 900


# --- 附件6 as of its cut-off: what was recorded after it is not the week's ----------------------

BEFORE_DEADLINE = shanghai(2026, 11, 20, 9)


def results_row(user, township, cutoff=WEEK.deadline):
    """The township's 附件6 row of ``WEEK``, as of ``cutoff`` (None: now)."""
    table = results_table(user, SINCE, WEEK, cutoff=cutoff)
    return next(r for r in table.rows if r.township == township)


def test_a_visit_entered_after_the_deadline_is_not_last_weeks_screening(township, county_user):
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=township), visited_on=date(2026, 11, 19)
    )
    late = InstitutionFactory(township=township, name="开云补录")
    entered_before(BEFORE_DEADLINE)
    # Visited in the week, the visit entered only after the deadline.
    SubmittedVisitFactory(institution=late, visited_on=date(2026, 11, 20))

    assert results_row(county_user, township).screened == 1
    assert results_row(county_user, township, cutoff=None).screened == 2


def test_a_venue_registered_after_the_deadline_is_still_last_weeks_unregistered_venue(
    township, county_user
):
    venue = VenueFactory(township=township, name="开云后登记")
    SubmittedVisitFactory(institution=venue, visited_on=date(2026, 11, 19))
    entered_before(BEFORE_DEADLINE)
    venue = Institution.objects.get(pk=venue.pk)
    venue.registration_status = RegistrationStatus.REGISTERED_FILED
    venue.save()

    last_week = results_row(county_user, township)
    now = results_row(county_user, township, cutoff=None)

    assert (last_week.screened, last_week.screened_venues) == (1, 1)
    assert (now.screened, now.screened_venues) == (1, 0)


def test_an_institution_archived_before_the_deadline_is_not_screened_one_archived_after_is(
    township, county_user
):
    """附件6 counts the active institutions screened: one archived in the week before the
    deadline is off the registry; one archived after it was still on it then."""
    gone, kept = (
        InstitutionFactory(township=township, name=name) for name in ("开云已注销", "开云后注销")
    )
    for institution in (gone, kept):
        SubmittedVisitFactory(institution=institution, visited_on=date(2026, 6, 1))
    gone.archived_at = shanghai(2026, 11, 19, 10)
    gone.save()
    entered_before(BEFORE_DEADLINE)
    kept = Institution.objects.get(pk=kept.pk)
    kept.archived_at = shanghai(2026, 11, 26, 10)
    kept.save()

    assert results_row(county_user, township).screened == 1
    assert results_row(county_user, township, cutoff=None).screened == 0


def test_a_rectification_and_a_closing_down_recorded_after_the_deadline_are_not_last_weeks(
    township, township_user, county_user
):
    """Dated in the week, recorded after its deadline: the measures carried out, a venue
    closed down and one registered (督促登记). Last week's table has none of them; the table
    read now has them all."""
    orange = orange_institution(township, township_user, name="开云夕阳红")
    approve([orange], township_user, county_user)
    closed = VenueFactory(township=township, name="开云取缔")
    registered = VenueFactory(township=township, name="开云登记")
    entered_before(BEFORE_DEADLINE)
    for action in DisposalAction.objects.filter(institution=orange).exclude(level="green"):
        action.status, action.completed_on = ActionStatus.DONE, date(2026, 11, 20)
        action.save()
    for venue, outcome in ((closed, Outcome.CLOSED), (registered, Outcome.REGISTERED)):
        ZeroingEntry.objects.create(
            institution=venue,
            status=ZeroingStatus.CROSSED_OFF,
            outcome=outcome,
            outcome_on=date(2026, 11, 21),
        )

    last_week = results_row(county_user, township)
    now = results_row(county_user, township, cutoff=None)

    assert (last_week.rectified, last_week.closed_or_banned) == (0, 0)
    assert (now.rectified, now.closed_or_banned) == (2, 1)


def test_results_count_no_closing_down_before_the_campaign_or_after_the_week(township, county_user):
    for day in (date(2025, 12, 20), date(2026, 11, 10), date(2026, 11, 30)):
        ZeroingEntry.objects.create(
            institution=VenueFactory(township=township),
            status=ZeroingStatus.CROSSED_OFF,
            outcome=Outcome.CLOSED,
            outcome_on=day,
        )

    assert results_row(county_user, township, cutoff=None).closed_or_banned == 1


def test_results_read_in_the_middle_of_the_week_count_up_to_that_day(
    township, county_user, frozen_clock
):
    """A table read on Friday (a pack built before the week is due, rebuilt later as of the
    same moment) counts to Friday: elders to be resettled on Monday, entered on Friday, are
    not resettled yet."""
    venue = VenueFactory(township=township)
    ResettlementFactory(institution=venue, resettled_on=date(2026, 11, 19))
    ResettlementFactory(institution=venue, resettled_on=date(2026, 11, 23))
    entered_before(BEFORE_DEADLINE)
    frozen_clock(shanghai(2026, 12, 22, 10))

    table = results_table(county_user, SINCE, WEEK, cutoff=shanghai(2026, 11, 20, 10))
    (row,) = [r for r in table.rows if r.township == township]

    assert table.until == date(2026, 11, 20)
    assert row.elders_resettled == 1
    assert results_row(county_user, township).elders_resettled == 2  # at the deadline


def test_a_venue_archived_after_the_deadline_is_still_on_last_weeks_zeroing_ledger(
    township, county_user
):
    VenueFactory(township=township, name="开云未处置")
    gone = VenueFactory(township=township, name="开云后注销")
    entered_before(BEFORE_DEADLINE)
    gone = Institution.objects.get(pk=gone.pk)
    gone.archived_at = shanghai(2026, 11, 26, 10)
    gone.save()

    last_week = results_row(county_user, township)
    now = results_row(county_user, township, cutoff=None)

    assert (last_week.on_ledger, last_week.crossed_off, last_week.ledger_open) == (2, 0, 2)
    assert (now.on_ledger, now.ledger_open) == (1, 1)


def test_elders_resettled_and_assisted_recorded_after_the_deadline_are_not_last_weeks(
    township, county_user
):
    """Dated in the week, entered only after its deadline: last week's table keeps the elders
    it had; the table read now has them too."""
    venue = VenueFactory(township=township, name="开云颐养之家")
    ResettlementFactory(institution=venue, resettled_on=date(2026, 11, 19))
    AssistanceFactory(institution=venue, granted_on=date(2026, 11, 19))
    entered_before(BEFORE_DEADLINE)
    ResettlementFactory.create_batch(2, institution=venue, resettled_on=date(2026, 11, 21))
    AssistanceFactory(institution=venue, granted_on=date(2026, 11, 22))

    last_week = results_row(county_user, township)
    now = results_row(county_user, township, cutoff=None)

    assert (last_week.elders_resettled, last_week.elders_assisted) == (1, 1)
    assert (now.elders_resettled, now.elders_assisted) == (3, 2)


def test_refunds_of_an_institution_put_under_disposal_after_the_deadline_are_not_last_weeks(
    township, township_user, county_user
):
    """附件6 adds up the refunds of the institutions under disposal. One listed only after the
    deadline was not under disposal in last week's table, though its elders were refunded in
    the week (a refund recorded at screening)."""
    orange = orange_institution(township, township_user, name="开云夕阳红")
    record = PrepaymentFactory(institution=orange, amount=Decimal("50000"))
    RefundFactory(prepayment=record, amount=Decimal("12345"), refunded_on=date(2026, 11, 19))
    entered_before(BEFORE_DEADLINE)
    approve([orange], township_user, county_user)

    assert results_row(county_user, township).funds_refunded == Decimal("0")
    assert results_row(county_user, township, cutoff=None).funds_refunded == Decimal("1.2345")


def test_a_lead_received_in_the_week_but_recorded_after_the_deadline_is_not_last_weeks(
    township, county_user
):
    lead(township, date(2026, 11, 18))
    entered_before(BEFORE_DEADLINE)
    lead(township, date(2026, 11, 19))

    assert results_row(county_user, township).leads_received == 1
    assert results_row(county_user, township, cutoff=None).leads_received == 2


def test_leads_closed_in_the_week_and_corrected_after_the_deadline_are_still_last_weeks_closed(
    township, county_user
):
    """Last week's table counts the leads closed as they stood at its deadline. One handled in
    the week, its handling taken back after the deadline (entered against the wrong lead), and
    one fed back in the week without a handling date, its feedback date corrected after the
    deadline to a later day: both were closed in last week's table, neither is now."""
    handled = lead(township, date(2026, 11, 2), LeadStatus.HANDLED, handled_on=date(2026, 11, 19))
    fed_back = lead(
        township, date(2026, 11, 3), LeadStatus.FED_BACK, fed_back_on=date(2026, 11, 20)
    )
    entered_before(BEFORE_DEADLINE)
    handled, fed_back = (Lead.objects.get(pk=one.pk) for one in (handled, fed_back))
    handled.status, handled.handled_on = LeadStatus.VERIFIED, None
    handled.save()
    fed_back.fed_back_on = date(2026, 11, 26)
    fed_back.save()

    assert results_row(county_user, township).leads_closed == 2
    assert results_row(county_user, township, cutoff=None).leads_closed == 0


def test_a_lead_handled_before_the_campaign_and_fed_back_in_it_is_not_closed_in_it(
    township, county_user
):
    """A lead is closed (办结) when it is handled; the feedback's date says when only for one
    without a handling date. Handled in December 2025, fed back in the campaign: closed before
    the campaign, not one of its results; a lead fed back before it without a handling date
    neither."""
    lead(
        township,
        date(2025, 12, 1),
        LeadStatus.FED_BACK,
        handled_on=date(2025, 12, 20),
        fed_back_on=date(2026, 1, 5),
    )
    lead(township, date(2025, 12, 2), LeadStatus.FED_BACK, fed_back_on=date(2025, 12, 21))
    lead(township, date(2026, 11, 2), LeadStatus.FED_BACK, fed_back_on=date(2026, 11, 19))

    assert results_row(county_user, township, cutoff=None).leads_closed == 1


def test_a_township_whose_report_is_of_an_earlier_week_or_of_last_year_has_not_reported_this_week(
    township, other_township, county, county_user
):
    """本周是否报送 is about the week's own report: 开云镇 submitted the week before's only, 白果镇
    that of week 48 of the year before (the campaign started in 2025); both are 未报送. A
    township that submitted this week's report has reported."""
    from reporting.choices import WeeklyStatus
    from tests.reporting.factories import WeeklyReportFactory

    submitted = dict(status=WeeklyStatus.SUBMITTED, submitted_at=shanghai(2026, 11, 17, 9))
    WeeklyReportFactory(township=township, week=47, **submitted)
    WeeklyReportFactory(township=other_township, year=2025, week=48, **submitted)
    dongshan = TownshipFactory(name="东山镇", parent=county)
    WeeklyReportFactory(township=dongshan, week=48, **submitted)
    entered_before(BEFORE_DEADLINE)

    table = results_table(county_user, date(2025, 11, 1), WEEK, cutoff=WEEK.deadline)
    reported = {row.township.name: (row.reported, row.reports_submitted) for row in table.rows}

    assert reported == {"开云镇": (False, 1), "白果镇": (False, 1), "东山镇": (True, 1)}


def test_the_results_table_says_the_period_it_counts(township, county_user):
    """From the campaign's start to the end of the week, for that week; read in the middle
    of the week, to that day."""
    table = results_table(county_user, SINCE, WEEK, cutoff=WEEK.deadline)
    early = results_table(county_user, SINCE, WEEK, cutoff=shanghai(2026, 11, 20, 10))

    assert (table.since, table.until, table.week) == (SINCE, date(2026, 11, 24), WEEK)
    assert (early.since, early.until, early.week) == (SINCE, date(2026, 11, 20), WEEK)


def test_a_township_that_took_over_a_village_counts_its_own_screening_as_the_county_does(
    township, other_township, other_township_user, county_user
):
    """白果镇 took over a village of 开云镇: it sees that village's venue, which still names 开云镇
    (its group is read by nobody in 白果镇's table, and may come first). 白果镇's own figures
    are still all counted: its venue screened in the campaign, as the county reads them."""
    village = VillageFactory(parent=township, name="开云村")
    moved = VenueFactory(township=township, village=village, name="开云村颐养之家")
    own = VenueFactory(township=other_township, name="白果颐养之家")
    for venue in (moved, own):
        SubmittedVisitFactory(institution=venue, visited_on=date(2026, 6, 1))
    village.parent = other_township
    village.save()

    county_rows = results_table(county_user, SINCE, WEEK).rows
    (baiguo,) = results_table(other_township_user, SINCE, WEEK).rows

    assert (baiguo.screened, baiguo.screened_venues) == (1, 1)
    assert baiguo == next(row for row in county_rows if row.township == other_township)


# --- 整改完成 and 关停取缔 at a cut-off, layer by layer -------------------------------------------
#
# A measure is read at a pack's cut-off through three layers that overlap: entered by then
# (``actions_at``), its state then (the history row at the cut-off), and its completion date
# against the cut-off's day. Each record below is caught by exactly one of them.

DEADLINE = WEEK.deadline  # Tuesday 2026-11-24 17:00
IN_WEEK = (SINCE, date(2026, 11, 24))
KINDS = (  # one measure per kind and institution
    "risk_warning",
    "more_spot_checks",
    "remind_lawful",
    "warning_talk",
    "rectification_order",
    "urge_refund",
    "comprehensive_measures",
)


@pytest.fixture
def template(township, township_user, county_user):
    """A list-level measure as an approval creates it, to copy onto other institutions."""
    orange = orange_institution(township, township_user, name="开云模板")
    approve([orange], township_user, county_user)
    return DisposalAction.objects.filter(institution=orange).exclude(level="green").first()


def measure(template, institution, status=ActionStatus.OPEN, completed_on=None, **fields):
    """A list-level measure of ``institution`` (saved with its history), each of another kind
    unless ``action_type`` says."""
    action = DisposalAction.objects.get(pk=template.pk)
    action.pk = action.id = None
    action._state.adding = True
    action.institution = institution
    action.status, action.completed_on = status, completed_on
    action.action_type = fields.pop(
        "action_type", KINDS[DisposalAction.objects.filter(institution=institution).count()]
    )
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action


def change(action, **fields):
    """``action`` changed now (after the deadline), re-read first so that its backdated
    ``created_at`` is not written back."""
    action = DisposalAction.objects.get(pk=action.pk)
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action


def test_done_and_open_at_the_deadline_read_the_history_then_and_the_dates_against_its_day(
    template, township, frozen_clock
):
    """At the deadline: a measure carried out then and dated by its day is done (one without
    a date too); one dated after its day (a date typed ahead) is still open, and one set aside
    with such a date is neither; one completed after the deadline though dated before it was
    open then; one entered after the deadline was not there."""
    frozen_clock(shanghai(2026, 12, 22, 10))
    institution = InstitutionFactory(township=township, name="开云逐层")
    done = ActionStatus.DONE
    pending = measure(template, institution)
    carried_out = measure(template, institution, done, date(2026, 11, 20))
    ahead = measure(template, institution, done, date(2026, 11, 26))
    set_aside = measure(template, institution, ActionStatus.NOT_APPLICABLE, date(2026, 11, 26))
    undated = measure(template, institution, done)
    completed_later = measure(template, institution)
    entered_before(BEFORE_DEADLINE)
    change(completed_later, status=done, completed_on=date(2026, 11, 20))
    entered_late = measure(template, institution, done, date(2026, 11, 20))

    def at_deadline(q):
        return set(actions_at(DEADLINE).filter(institution=institution).filter(q))

    then = set(actions_at(DEADLINE).filter(institution=institution))
    assert entered_late not in then and len(then) == 6
    assert at_deadline(done_q(DEADLINE)) == {carried_out, undated}
    assert at_deadline(open_q(DEADLINE)) == {pending, ahead, completed_later}
    assert set_aside not in at_deadline(done_q(DEADLINE) | open_q(DEADLINE))


def test_rectified_at_the_deadline_and_within_the_window_layer_by_layer(
    template, township, county_user
):
    """整改完成 within the campaign to the week's end, at the deadline and now: each
    institution is told apart by one layer of the reading only."""
    done, na = ActionStatus.DONE, ActionStatus.NOT_APPLICABLE
    in_week, before_campaign = date(2026, 11, 20), date(2025, 12, 20)
    names = (
        "按时整改",
        "补录整改",
        "后改日期",
        "后又重开",
        "后改晚",
        "战役前整改",
        "周后整改",
        "周末前一天",
    )
    ok, late_entry, redated, reopened, corrected, before, after_week, eve = (
        InstitutionFactory(township=township, name=name) for name in names
    )
    measure(template, ok, done, in_week)
    measure(template, redated, done, before_campaign)
    for institution in (reopened, corrected, after_week, eve):
        measure(template, institution, done, in_week)
    reopened_later = measure(template, reopened, na)
    corrected_later = measure(template, corrected, done, in_week)
    measure(template, before, done, before_campaign)
    measure(template, after_week, done, date(2026, 11, 26))
    measure(template, eve, done, date(2026, 11, 23))
    registered_before, registered_later = (
        VenueFactory(township=township),
        VenueFactory(township=township),
    )
    ZeroingEntry.objects.create(
        institution=registered_before,
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.REGISTERED,
        outcome_on=before_campaign,
    )
    ledger = ZeroingEntry.objects.create(
        institution=registered_later, status=ZeroingStatus.IN_PROGRESS
    )
    entered_before(BEFORE_DEADLINE)
    measure(template, late_entry, done, in_week)
    change(DisposalAction.objects.get(institution=redated), completed_on=in_week)
    change(reopened_later, status=ActionStatus.OPEN)
    change(corrected_later, completed_on=date(2026, 11, 26))
    ledger = ZeroingEntry.objects.get(pk=ledger.pk)
    ledger.status, ledger.outcome = ZeroingStatus.CROSSED_OFF, Outcome.REGISTERED
    ledger.outcome_on = date(2026, 11, 21)
    ledger.save()
    mine = Institution.objects.filter(township=township).exclude(name="开云模板")

    def rectified(cutoff):
        return set(mine.filter(rectified_q(IN_WEEK, county_user, cutoff)))

    assert rectified(DEADLINE) == {ok, reopened, corrected, eve}
    assert rectified(None) == {ok, late_entry, redated, eve, registered_later}


def test_closed_down_at_the_deadline_and_within_the_window_layer_by_layer(
    template, township, county_user
):
    """关停取缔 by 停止经营活动: carried out in the campaign and by the deadline. Not another
    measure; not one entered after the deadline, completed after it though dated before it,
    or carried out before the campaign."""
    done, stop = ActionStatus.DONE, ActionType.STOP_OPERATIONS
    in_week = date(2026, 11, 20)
    names = ("停业", "整改令", "补录停业", "后停业", "战役前停业")
    stopped, other, late_entry, later, before = (
        InstitutionFactory(township=township, name=name) for name in names
    )
    measure(template, stopped, done, in_week, action_type=stop)
    measure(template, other, done, in_week)
    stopped_later = measure(template, later, action_type=stop)
    measure(template, before, done, date(2025, 12, 20), action_type=stop)
    entered_before(BEFORE_DEADLINE)
    measure(template, late_entry, done, in_week, action_type=stop)
    change(stopped_later, status=done, completed_on=in_week)
    mine = Institution.objects.filter(township=township).exclude(name="开云模板")

    def closed(cutoff):
        return set(mine.filter(closed_q(IN_WEEK, county_user, cutoff)))

    assert closed(DEADLINE) == {stopped}
    assert closed(None) == {stopped, late_entry, later}


def test_the_measures_of_a_list_at_the_deadline_are_those_entered_and_done_then(
    template, township, county_user
):
    """附件3's measures at the deadline: one entered after it is not there; one completed
    after it, dated before, was still open."""
    institution = InstitutionFactory(township=township, name="开云措施")
    done, in_week = ActionStatus.DONE, date(2026, 11, 20)
    measure(template, institution, done, in_week)
    completed_later = measure(template, institution)
    entered_before(BEFORE_DEADLINE)
    change(completed_later, status=done, completed_on=in_week)
    measure(template, institution, done, in_week)
    of_it = Institution.objects.filter(pk=institution.pk)

    then = action_summaries(county_user, of_it, cutoff=DEADLINE)[institution.pk]
    now = action_summaries(county_user, of_it)[institution.pk]

    assert (then.total, then.done) == (2, 1)
    assert (now.total, now.done) == (3, 3)


def test_each_rows_measures_are_in_the_plans_order_not_by_time_limit_or_name(rated, county_user):
    """附件3 prints a row's measures as the plan lists them for its level (区县方案 四级分类处置),
    not in the order of their time limits (风险提示 7 days, 提醒规范运营 15, 增加抽查检查频次 30)
    nor by name."""
    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    assert rows["白果福寿养老院"][13] == "风险提示；增加抽查检查频次；提醒规范运营"
    assert rows["开云夕阳红老年公寓"][13] == (
        "向属地人民政府和政法部门线索通报；警示约谈主要负责人；责令整改；督促清退资金"
    )


def test_measures_with_the_same_time_limit_name_their_people_in_the_order_they_were_required(
    rated, county_user
):
    """附件3's 责任人 of measures due the same day stand in the order the measures were
    required, whatever was edited last, so a pack rebuilt later prints the same cell (on
    PostgreSQL an edited row is read back after the others unless the order says otherwise)."""
    actions = list(
        DisposalAction.objects.filter(institution=rated["yellow"])
        .exclude(level="green")
        .order_by("pk")
    )
    same_day = clock.today() + timedelta(days=20)
    DisposalAction.objects.filter(pk__in=[a.pk for a in actions]).update(deadline=same_day)
    for action, name in zip(actions[1:], ("赵六", "钱七"), strict=False):
        DisposalAction.objects.filter(pk=action.pk).update(responsible_name=name)
    DisposalAction.objects.filter(pk=actions[0].pk).update(responsible_name="王五")  # edited last

    rows = {r[2]: r for r in body(attachment_sheet(DISTRICT_ATTACHMENTS, 3, county_user), 5)}

    assert rows["白果福寿养老院"][15] == "王五、赵六、钱七"
