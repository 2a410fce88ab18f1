"""附件5's 告知书 counted against the elders (区县方案·二(一)一: 要向每一位住养老人或家属发放防范
养老服务诈骗告知书; issue 20): per township, the elders housed, the notices handed out and the
signed receipts of each institution's latest visit as of the pack's cut-off, the share of
elders given the notice, and the identity the pack keeps (receipts ≤ notices ≤ elders)."""

from datetime import date

import pytest

from reporting.figures import PUBLICITY_FIGURES, Source
from reporting.reconcile import Identity, PackFigures, reconcile
from reporting.selectors import publicity_table
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from tests.factories import InstitutionFactory
from tests.screening.factories import SubmittedVisitFactory

from .conftest import shanghai
from .helpers import WEEK, entered_before, sheet_of, totals

pytestmark = pytest.mark.django_db

DEADLINE = shanghai(2026, 11, 24, 17)


def counted(institution, on, residents, notices, receipts):
    return SubmittedVisitFactory(
        institution=institution,
        visited_on=on,
        residents_housed=residents,
        notices_handed_out=notices,
        receipts_collected=receipts,
    )


@pytest.fixture
def notices(township, other_township):
    """开云镇: one institution visited twice (the later visit counts), one with 10 elders all
    given the notice, one whose visit recorded no counts; one visited after the cut-off.
    白果镇: 8 elders, 8 notices, 8 receipts."""
    twice = InstitutionFactory(township=township)
    counted(twice, date(2026, 6, 1), 40, 10, 5)
    counted(twice, date(2026, 11, 19), 30, 25, 20)
    counted(InstitutionFactory(township=township), date(2026, 11, 2), 10, 10, 9)
    SubmittedVisitFactory(institution=InstitutionFactory(township=township))
    counted(InstitutionFactory(township=other_township), date(2026, 11, 3), 8, 8, 8)
    entered_before(shanghai(2026, 11, 20, 9))
    # Entered now, after the week's cut-off: not in the week's figures.
    counted(twice, date(2026, 11, 23), 30, 30, 30)


def figures(row):
    return (row.residents_housed, row.notices_handed_out, row.receipts_collected)


def test_notices_and_receipts_against_the_elders_as_of_the_cut_off(
    notices, county_user, township, other_township
):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day, cutoff=DEADLINE)
    rows = {r.township: r for r in table.rows}

    assert figures(rows[township]) == (40, 35, 29)
    assert figures(rows[other_township]) == (8, 8, 8)
    assert figures(table.total) == (48, 43, 37)


def test_now_the_later_visit_counts(notices, county_user, township):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day)
    kaiyun = next(r for r in table.rows if r.township == township)

    assert figures(kaiyun) == (40, 40, 39)


def test_a_township_user_sees_only_their_townships_counts(notices, township_user, township):
    table = publicity_table(township_user, WEEK.first_day, WEEK.last_day, cutoff=DEADLINE)

    assert [r.township for r in table.rows] == [township]
    assert figures(table.total) == (40, 35, 29)


def test_the_sheet_has_the_notice_columns_after_the_items(notices, county_user, township):
    sheet = sheet_of(DISTRICT_ATTACHMENTS, 5, county_user)

    assert sheet["S3"].value.replace("\n", "") == "防范养老服务诈骗告知书发放情况"
    assert [sheet.cell(4, c).value.replace("\n", "") for c in range(19, 23)] == [
        "住养老人（人）",
        "发放告知书（份）",
        "签收回执（份）",
        "告知书发放率",
    ]
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == township.name)
    assert row[18:21] == (40, 40, 39)
    assert row[21] == pytest.approx(1.0)
    total = totals(sheet, 5)
    assert total[18:21] == (48, 48, 47)
    assert total[21] == pytest.approx(1.0)


def test_more_notices_than_elders_in_a_row_breaks_an_identity(notices, county_user, township):
    table = publicity_table(county_user, WEEK.first_day, WEEK.last_day, cutoff=DEADLINE)
    pack = PackFigures(publicity=table)
    assert reconcile(pack) == []

    row = next(r for r in table.rows if r.township == township)
    row.notices_handed_out = row.residents_housed + 1
    table.total.notices_handed_out = sum(r.notices_handed_out for r in table.rows)

    found = {(f.identity, f.township) for f in reconcile(pack)}
    assert (Identity.NOTICES_BOUNDED, township.name) in found
    assert (Identity.ROWS_SUM_TO_TOTAL, "") not in found


def test_the_weekly_report_shows_the_counts_from_the_screening_visits():
    sources = {figure.key: figure.source for figure in PUBLICITY_FIGURES}
    for key in ("residents_housed", "notices_handed_out", "receipts_collected"):
        assert sources[key] == Source.SCREENING_VISITS
