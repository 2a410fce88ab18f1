"""附件5's "三必须" item by item and 全覆盖 (区县方案·二(一)一: 在所有养老服务机构开展"三必须"
活动 … 实现养老服务机构防范诈骗宣传教育全覆盖; issue 20): how many institutions have each of
the three, how many of those counted have all three, as of the pack's cut-off, and the
identity the pack keeps (each item between the complete count and the total)."""

from datetime import date

import pytest

from reporting.reconcile import Identity, PackFigures, reconcile
from reporting.selectors import publicity_table
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from tests.factories import InstitutionFactory
from tests.screening.factories import SubmittedVisitFactory

from .conftest import shanghai
from .helpers import entered_before, sheet_of, totals
from .test_attachments import WEEK, publicity_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

DEADLINE = shanghai(2026, 11, 24, 17)


@pytest.fixture
def items(publicity_data, township):  # noqa: F811
    """On top of 附件5's data (one complete, three not, one venue): one with the poster and
    the notice only, one with the poster only; and one whose visit came after the cut-off."""
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=township),
        visited_on=date(2026, 11, 19),
        poster_displayed=True,
        notice_to_every_resident=True,
        commitment_letter_signed=False,
    )
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=township),
        visited_on=date(2026, 11, 20),
        poster_displayed=True,
        notice_to_every_resident=False,
        commitment_letter_signed=False,
    )
    entered_before(shanghai(2026, 11, 20, 9))
    # Entered now, a month after the week's deadline: not in the week's figures.
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=township),
        visited_on=date(2026, 11, 21),
        poster_displayed=True,
        notice_to_every_resident=True,
        commitment_letter_signed=True,
    )


def test_each_of_the_three_is_counted_apart_as_of_the_cut_off(items, county_user, township):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day, cutoff=DEADLINE)
    kaiyun = next(r for r in table.rows if r.township == township)

    assert kaiyun.institutions == 6  # the late one was not on the registry yet either
    assert kaiyun.three_musts_complete == 1
    assert (
        kaiyun.poster_displayed,
        kaiyun.notice_to_every_resident,
        kaiyun.commitment_letter_signed,
    ) == (3, 2, 1)
    assert table.total.poster_displayed == 3


def test_now_the_late_visit_counts_for_every_item(items, county_user, township):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day)
    kaiyun = next(r for r in table.rows if r.township == township)

    assert (kaiyun.institutions, kaiyun.three_musts_complete) == (7, 2)
    assert (
        kaiyun.poster_displayed,
        kaiyun.notice_to_every_resident,
        kaiyun.commitment_letter_signed,
    ) == (4, 3, 2)


def test_the_sheet_shows_the_items_and_full_coverage_after_the_template_columns(
    items, county_user, township
):
    sheet = sheet_of(DISTRICT_ATTACHMENTS, 5, county_user)

    assert sheet["O3"].value.replace("\n", "") == "“三必须”分项落实情况（家）"
    assert [sheet.cell(4, c).value.replace("\n", "") for c in range(15, 19)] == [
        "张贴宣传海报",
        "发放告知书",
        "签署承诺书",
        "全覆盖率",
    ]
    assert "O3:R3" in {str(r) for r in sheet.merged_cells.ranges}
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == township.name)
    assert row[11:13] == (7, 2)  # the template's columns keep their places
    assert row[14:17] == (4, 3, 2)
    assert row[17] == pytest.approx(2 / 7)
    total = totals(sheet, 5)
    assert total[14:17] == (4, 3, 2)
    assert total[17] == pytest.approx(2 / 7)


def test_an_item_below_the_complete_count_breaks_an_identity(items, county_user, township):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day, cutoff=DEADLINE)
    pack = PackFigures(publicity=table)
    assert reconcile(pack) == []

    row = next(r for r in table.rows if r.township == township)
    row.commitment_letter_signed = 0  # fewer than the one complete
    table.total.commitment_letter_signed = 0
    row.poster_displayed = table.total.poster_displayed = row.institutions + 1

    found = {(f.identity, f.township) for f in reconcile(pack)}
    assert (Identity.THREE_MUSTS_ITEMS_BOUNDED, township.name) in found
    assert (Identity.THREE_MUSTS_ITEMS_BOUNDED, "") in found
    assert (Identity.ROWS_SUM_TO_TOTAL, "") not in found


def test_the_weekly_report_names_the_screening_visits_as_the_items_source():
    """The weekly report shows 附件5's figures with their sources: the three items come from
    the screening visits, as the complete count does, not from the publicity records."""
    from reporting.figures import PUBLICITY_FIGURES, Source

    sources = {figure.key: figure.source for figure in PUBLICITY_FIGURES}
    assert sources["three_musts_complete"] == Source.SCREENING_VISITS
    for item in ("poster_displayed", "notice_to_every_resident", "commitment_letter_signed"):
        assert sources[item] == Source.SCREENING_VISITS


def test_the_latest_visit_is_the_latest_dated_then_the_last_entered_that_day(
    county_user, township, other_township
):
    """附件5 reads each institution's latest visit as of the cut-off: the one dated last (a
    visit entered later but dated earlier does not replace it), the last entered of one day,
    and not one entered after the deadline; of those on the registry then; the 告知书 counts
    only from a visit that counted both the elders and the notices."""
    complete = dict(
        poster_displayed=True, notice_to_every_resident=True, commitment_letter_signed=True
    )
    missing = dict(
        poster_displayed=False, notice_to_every_resident=False, commitment_letter_signed=False
    )
    counted = dict(residents_housed=10, notices_handed_out=10, receipts_collected=8)
    back_dated = InstitutionFactory(township=township)
    SubmittedVisitFactory(
        institution=back_dated, visited_on=date(2026, 11, 10), **complete, **counted
    )
    SubmittedVisitFactory(institution=back_dated, visited_on=date(2026, 11, 1), **missing)
    same_day = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=same_day, visited_on=date(2026, 11, 12), **complete)
    SubmittedVisitFactory(institution=same_day, visited_on=date(2026, 11, 12), **missing, **counted)
    revisited = InstitutionFactory(township=township)
    SubmittedVisitFactory(institution=revisited, visited_on=date(2026, 11, 13), **complete)
    # Off the registry: its visit counts nowhere.
    archived = InstitutionFactory(township=township, archived_at="2026-11-14T00:00:00+08:00")
    SubmittedVisitFactory(institution=archived, visited_on=date(2026, 11, 5), **complete, **counted)
    # The 告知书 counts need both the elders and the notices of a visit.
    no_notices = InstitutionFactory(township=township)
    SubmittedVisitFactory(
        institution=no_notices, visited_on=date(2026, 11, 6), **missing, residents_housed=7
    )
    no_residents = InstitutionFactory(township=township)
    SubmittedVisitFactory(
        institution=no_residents,
        visited_on=date(2026, 11, 6),
        **missing,
        notices_handed_out=3,
        receipts_collected=2,
    )
    # No receipt counted yet: none (not one).
    SubmittedVisitFactory(
        institution=InstitutionFactory(township=other_township),
        visited_on=date(2026, 11, 6),
        residents_housed=4,
        notices_handed_out=4,
        receipts_collected=None,
    )
    entered_before(shanghai(2026, 11, 20, 9))
    # Entered after the week's deadline, dated in the week: not the week's latest visit.
    SubmittedVisitFactory(
        institution=revisited, visited_on=date(2026, 11, 21), **missing, **counted
    )

    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day, cutoff=DEADLINE)
    kaiyun = next(r for r in table.rows if r.township == township)

    assert (kaiyun.institutions, kaiyun.three_musts_complete, kaiyun.poster_displayed) == (5, 2, 2)
    assert (kaiyun.residents_housed, kaiyun.notices_handed_out, kaiyun.receipts_collected) == (
        20,
        20,
        16,
    )
    baiguo = next(r for r in table.rows if r.township == other_township)
    assert (baiguo.residents_housed, baiguo.notices_handed_out, baiguo.receipts_collected) == (
        4,
        4,
        0,
    )
