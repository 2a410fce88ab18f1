"""附件1, 附件2 and 附件5 of the district plan: the values against hand-built data."""

import io
from datetime import date, timedelta

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reporting.models import GroupRole, PlaceType
from reporting.periods import ReportingWeek
from reporting.selectors import progress_table, publicity_table
from reporting.xlsx import workbook_bytes
from reporting.xlsx.district import ReportContext, build_attachment
from screening.models import FundUse, YesNoUnknown
from tests.factories import InstitutionFactory, TownshipFactory, VenueFactory
from tests.screening.factories import ScreeningVisitFactory, SubmittedVisitFactory

from .factories import PublicityActivityFactory, WorkingGroupMemberFactory

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
    assert kaiyun.risks_found == 2  # large prepayment; promised returns (not the draft's)
    assert kaiyun.difference == 3 - 8
    baiguo = by_name[other_township.name]
    assert (baiguo.screened, baiguo.risks_found, baiguo.to_screen) == (1, 1, None)
    assert total.screened == 4 and total.risks_found == 3


def test_progress_sheet_has_the_figures_the_progress_and_the_totals(
    screening_data, county_user, township, other_township
):
    sheet = sheet_of(2, county_user)

    assert sheet["A1"].value == "养老服务诈骗风险隐患排查工作进度表"
    assert sheet["C3"].value == "排查情况" and sheet["I3"].value == "“四看”复查"
    rows = rows_by_township(sheet, 5, 12)
    kaiyun = rows[township.name]
    assert kaiyun[2:8] == (8, 3, 1, 1, 2, pytest.approx(3 / 8))
    assert kaiyun[9] == -5
    assert rows[other_township.name][7] is None  # no official count: no progress
    totals = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert totals[2:7] == (8, 4, 1, 1, 3)
    assert totals[7] == pytest.approx(4 / 8)


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


def test_leader_downloads_an_attachment_for_a_week(client_for, leader, publicity_data, township):
    from django.urls import reverse

    response = client_for(leader).get(
        reverse("reporting:attachment", args=[5]), {"week": WEEK.label}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "打击整治养老诈骗专项行动宣传统计表"
    assert rows_by_township(sheet, 5, 13)[township.name][2] == 2


def test_an_attachment_the_plan_does_not_have_is_not_found(client_for, leader):
    from django.urls import reverse

    assert client_for(leader).get(reverse("reporting:attachment", args=[7])).status_code == 404
