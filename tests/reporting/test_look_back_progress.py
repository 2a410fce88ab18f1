"""附件2's 回头看 figures (区县方案·二(二)一: 根据“回头看”情况，填报…（附件2）; 确保5月底前完成复查
工作; issue 20): per township, the institutions re-checked in the look-back round as of the
pack's cut-off, the re-check progress (never above 100 %), the round's deadline in force (the
county's window, a city's as default) with the days left or overdue, and the identity the
pack keeps."""

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Role, UnitLevel
from core.xlsx import workbook_bytes
from reporting.reconcile import Identity, PackFigures, reconcile
from reporting.selectors import progress_table
from reporting.xlsx.attachments import ReportContext, render_attachment
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from screening.models import CampaignRound, ScreeningRound
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    OrgUnitFactory,
    TownshipFactory,
    UserFactory,
)
from tests.screening.factories import SubmittedVisitFactory

from .conftest import shanghai
from .helpers import SINCE, WEEK, entered_before, totals

pytestmark = pytest.mark.django_db

LOOK_BACK, FIRST = ScreeningRound.LOOK_BACK, ScreeningRound.FIRST
DEADLINE = shanghai(2026, 11, 24, 17)  # the week's cut-off


@pytest.fixture
def look_back(county, township, other_township):
    """开云镇: four on the registry, one re-checked by the cut-off, one re-checked after it,
    one only screened in the first round, one re-checked before the round's window opened.
    白果镇: its only one re-checked. The county's window: 11-01 to 11-30."""
    CampaignRound.objects.create(
        unit=county, kind=LOOK_BACK, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30)
    )
    done = InstitutionFactory(township=township, name="开云已复查")
    SubmittedVisitFactory(institution=done, round=LOOK_BACK, visited_on=date(2026, 11, 10))
    late = InstitutionFactory(township=township, name="开云后复查")
    first = InstitutionFactory(township=township, name="开云仅初查")
    SubmittedVisitFactory(institution=first, round=FIRST, visited_on=date(2026, 11, 12))
    early = InstitutionFactory(township=township, name="开云窗口前")
    SubmittedVisitFactory(institution=early, round=LOOK_BACK, visited_on=date(2026, 10, 20))
    other = InstitutionFactory(township=other_township)
    SubmittedVisitFactory(institution=other, round=LOOK_BACK, visited_on=date(2026, 11, 5))
    entered_before(shanghai(2026, 11, 20, 9))
    # Re-checked after the cut-off (entered now): not in the week's pack.
    SubmittedVisitFactory(institution=late, round=LOOK_BACK, visited_on=date(2026, 11, 26))


def rows_of(user, cutoff=DEADLINE):
    rows, total = progress_table(user, SINCE, cutoff=cutoff)
    return {row.township.name: row for row in rows}, total


def test_re_checked_as_of_the_cut_off_with_the_deadline_and_days_left(
    look_back, county_user, township, other_township
):
    rows, total = rows_of(county_user)

    kaiyun = rows[township.name]
    assert (kaiyun.on_registry, kaiyun.look_back_done, kaiyun.look_back_to_do) == (4, 1, 3)
    assert kaiyun.look_back_deadline == date(2026, 11, 30)
    assert (kaiyun.days_left, kaiyun.days_overdue) == (6, None)
    baiguo = rows[other_township.name]
    assert (baiguo.look_back_done, baiguo.look_back_to_do) == (1, 0)
    assert (total.look_back_done, total.on_registry) == (2, 5)
    assert total.look_back_deadline == date(2026, 11, 30)


def test_now_the_later_re_check_counts_and_the_round_is_overdue(
    look_back, county_user, township, other_township, monkeypatch
):
    monkeypatch.setattr("core.clock.today", lambda: date(2026, 12, 7))

    rows, _total = rows_of(county_user, cutoff=None)

    kaiyun = rows[township.name]
    assert kaiyun.look_back_done == 2
    assert (kaiyun.days_left, kaiyun.days_overdue) == (None, 7)
    # Nothing left to re-check: not overdue.
    assert rows[other_township.name].days_overdue is None


def test_a_city_window_is_the_default_and_the_countys_overrides_it():
    city = OrgUnitFactory(name="衡阳市", level=UnitLevel.CITY)
    county = CountyFactory(name="衡东县", parent=city)
    township = TownshipFactory(parent=county)
    user = UserFactory(unit=county, role=Role.COUNTY_REVIEWER)
    CampaignRound.objects.create(
        unit=city, kind=LOOK_BACK, starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 31)
    )
    InstitutionFactory(township=township)

    rows, _ = progress_table(user, SINCE)
    assert rows[0].look_back_deadline == date(2026, 5, 31)

    CampaignRound.objects.create(
        unit=county, kind=LOOK_BACK, starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 15)
    )
    rows, _ = progress_table(user, SINCE)
    assert rows[0].look_back_deadline == date(2026, 6, 15)


def test_a_deadline_moved_after_the_cut_off_is_not_the_packs(look_back, county, county_user):
    window = CampaignRound.objects.get(unit=county, kind=LOOK_BACK)
    window.ends_on = date(2026, 12, 31)
    window.save()  # now, after the week's cut-off

    _rows, total = rows_of(county_user)
    assert total.look_back_deadline == date(2026, 11, 30)
    _rows, total = rows_of(county_user, cutoff=None)
    assert total.look_back_deadline == date(2026, 12, 31)


def test_the_sheet_has_the_look_back_columns_after_the_template_and_a_total(
    look_back, county_user, township
):
    context = ReportContext(county_user, county_user.unit, WEEK, SINCE, cutoff=DEADLINE)
    with translation.override("zh-hans"):
        workbook = render_attachment(DISTRICT_ATTACHMENTS, 2, context)
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active

    assert sheet["N3"].value.replace("\n", "") == "“回头看”复查情况"
    assert [sheet.cell(4, c).value.replace("\n", "") for c in range(14, 20)] == [
        "已复查",
        "待复查",
        "复查进度",
        "复查完成时限",
        "剩余天数",
        "逾期天数",
    ]
    assert "N3:S3" in {str(r) for r in sheet.merged_cells.ranges}
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == township.name)
    assert row[13:15] == (1, 3)
    assert row[15] == pytest.approx(1 / 4)
    assert row[16].date() == date(2026, 11, 30)
    assert row[17:19] == (6, None)
    total = totals(sheet, 5)
    assert total[13:15] == (2, 3)
    assert total[15] == pytest.approx(2 / 5)


def test_re_checked_above_the_registry_breaks_an_identity(look_back, county_user, township):
    rows, total = progress_table(county_user, SINCE, cutoff=DEADLINE)
    pack = PackFigures(progress=(rows, total))
    assert reconcile(pack) == []

    kaiyun = next(r for r in rows if r.township == township)
    kaiyun.look_back_done = kaiyun.on_registry + 1
    total.look_back_done = sum(r.look_back_done for r in rows)

    found = {(f.identity, f.township) for f in reconcile(pack)}
    assert (Identity.LOOK_BACK_AT_MOST_FULL, township.name) in found
    assert (Identity.ROWS_SUM_TO_TOTAL, "") not in found


def test_the_roll_up_shows_each_countys_deadline_and_days_left_at_the_cut_off():
    """The city's roll-up pack: a row per county with its window's deadline and the days
    left from the pack's cut-off (not from the day the pack is built)."""
    from reporting.xlsx.rollup import ROLLUP_ATTACHMENTS

    city = OrgUnitFactory(name="衡阳市", level=UnitLevel.CITY)
    county = CountyFactory(name="衡东县", parent=city)
    InstitutionFactory(township=TownshipFactory(parent=county))
    CampaignRound.objects.create(
        unit=county, kind=LOOK_BACK, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30)
    )
    entered_before(shanghai(2026, 11, 20, 9))
    user = UserFactory(unit=city, role=Role.COUNTY_REVIEWER)

    context = ReportContext(user, city, WEEK, SINCE, cutoff=DEADLINE)
    with translation.override("zh-hans"):
        workbook = render_attachment(ROLLUP_ATTACHMENTS, 2, context)
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active

    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == county.name)
    assert row[16].date() == date(2026, 11, 30)
    assert row[17:19] == (6, None)


def test_one_archived_after_the_cut_off_still_counts_as_re_checked_in_its_week(
    look_back, county_user, township
):
    from django.utils import timezone

    from institutions.models import Institution

    Institution.objects.filter(name="开云已复查").update(archived_at=timezone.now())

    rows, total = rows_of(county_user)

    kaiyun = rows[township.name]
    assert (kaiyun.on_registry, kaiyun.look_back_done) == (4, 1)
    assert total.look_back_done == 2
