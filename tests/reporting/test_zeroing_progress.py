"""附件6's 清零行动 progress per township (衡山县方案 清零行动, issue 20): the venues on the
清零 ledger, crossed off (对账销号) and still open, as of the pack's cut-off, the rows adding
up to the total row, and the identity the pack keeps (crossed off + open = on the ledger)."""

from datetime import date

import pytest
from django.utils import timezone

from disposal.models import Outcome, ZeroingEntry, ZeroingStatus
from institutions.models import Institution, RegistrationStatus
from reporting.reconcile import Identity, PackFigures, reconcile
from reporting.selectors import results_table
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from tests.factories import InstitutionFactory, VenueFactory

from .conftest import shanghai
from .helpers import entered_before, sheet_of, totals

pytestmark = pytest.mark.django_db

from .test_attachments import SINCE, WEEK  # noqa: E402

DEADLINE = shanghai(2026, 11, 24, 17)


def cross_off(institution, on):
    return ZeroingEntry.objects.create(
        institution=institution,
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.BANNED,
        outcome_on=on,
        crossed_off_on=on,
    )


@pytest.fixture
def ledger(township, other_township):
    VenueFactory(township=township, name="开云未处置")  # on the ledger, open
    cross_off(VenueFactory(township=township, name="开云已取缔"), date(2026, 11, 10))
    # A venue registered since: it stays on the ledger until crossed off, here after the week.
    registered = VenueFactory(township=township, name="开云已登记")
    registered.registration_status = RegistrationStatus.REGISTERED_FILED
    registered.save()
    cross_off(registered, date(2026, 11, 30))
    InstitutionFactory(township=township)  # a registered institution: not on the ledger
    VenueFactory(township=other_township)
    # Being handled at the deadline, crossed off only after it (recorded later).
    pending = ZeroingEntry.objects.create(
        institution=VenueFactory(township=township, name="开云处置中"),
        status=ZeroingStatus.IN_PROGRESS,
    )
    entered_before(shanghai(2026, 11, 20, 9))
    pending = ZeroingEntry.objects.get(pk=pending.pk)  # as entered (saving keeps created_at)
    pending.status = ZeroingStatus.CROSSED_OFF
    pending.crossed_off_on = date(2026, 11, 22)
    pending.save()
    VenueFactory(township=township, name="开云后发现")  # found after the deadline


def test_zeroing_progress_per_township_as_of_the_cut_off(ledger, county_user, township):
    table = results_table(county_user, SINCE, WEEK, cutoff=DEADLINE)
    rows = {r.township: r for r in table.rows}

    kaiyun = rows[township]
    assert (kaiyun.on_ledger, kaiyun.crossed_off, kaiyun.ledger_open) == (4, 1, 3)
    assert (table.total.on_ledger, table.total.crossed_off, table.total.ledger_open) == (5, 1, 4)


def test_now_the_later_crossing_off_and_the_later_venue_count(ledger, county_user, township):
    table = results_table(county_user, SINCE, WEEK)
    kaiyun = next(r for r in table.rows if r.township == township)

    # The registered one was crossed off after the week: still open for this week.
    assert (kaiyun.on_ledger, kaiyun.crossed_off, kaiyun.ledger_open) == (5, 2, 3)


def progress(user, township, cutoff=DEADLINE) -> tuple[int, int, int]:
    """The township's 清零 figures at ``cutoff``: on the ledger, crossed off, still open."""
    table = results_table(user, SINCE, WEEK, cutoff=cutoff)
    row = next(r for r in table.rows if r.township == township)
    return row.on_ledger, row.crossed_off, row.ledger_open


def test_a_venue_registered_before_the_deadline_stays_on_the_ledger_until_crossed_off(
    county_user, township
):
    """督促登记: a venue that registers stays on the 清零 ledger until crossed off (对账销号);
    registered before the deadline, with no ledger entry yet, it is on last week's ledger,
    open, as it is now."""
    venue = VenueFactory(township=township)
    venue.registration_status = RegistrationStatus.REGISTERED_FILED
    venue.save()
    entered_before(shanghai(2026, 11, 20, 9))

    assert progress(county_user, township) == (1, 0, 1)
    assert progress(county_user, township, cutoff=None) == (1, 0, 1)


def test_an_institution_found_unregistered_after_the_deadline_is_not_on_last_weeks_ledger(
    county_user, township
):
    """A registered institution whose registration is corrected to 未经登记 after the
    deadline, and put on the ledger then (an entry, 包干到人): last week's ledger did not
    have it; now it does."""
    institution = InstitutionFactory(township=township)
    entered_before(shanghai(2026, 11, 20, 9))
    institution = Institution.objects.get(pk=institution.pk)
    institution.registration_status = RegistrationStatus.UNREGISTERED
    institution.save()
    ZeroingEntry.objects.create(institution=institution, status=ZeroingStatus.IN_PROGRESS)

    assert progress(county_user, township) == (0, 0, 0)
    assert progress(county_user, township, cutoff=None) == (1, 0, 1)


def test_a_venue_closed_down_after_the_deadline_is_open_on_last_weeks_ledger(county_user, township):
    """A venue on the ledger at the deadline, banned after it and then crossed off with the
    day it closed, in the week, and archived: last week's ledger has it, still open; the
    ledger now has it crossed off."""
    venue = VenueFactory(township=township)
    entered_before(shanghai(2026, 11, 20, 9))
    cross_off(venue, date(2026, 11, 23))
    venue = Institution.objects.get(pk=venue.pk)
    venue.archived_at = timezone.now()
    venue.save()

    assert progress(county_user, township) == (1, 0, 1)
    assert progress(county_user, township, cutoff=None) == (1, 1, 0)


def test_the_sheet_has_the_zeroing_columns_after_the_template_and_a_total(
    ledger, county_user, township
):
    sheet = sheet_of(DISTRICT_ATTACHMENTS, 6, county_user)

    assert sheet["Q3"].value.replace("\n", "") == "清零行动进展（家）"
    assert [sheet.cell(4, c).value.replace("\n", "") for c in range(17, 20)] == [
        "纳入台账",
        "已销号",
        "未销号",
    ]
    assert "Q3:S3" in {str(r) for r in sheet.merged_cells.ranges}
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == township.name)
    assert row[16:19] == (5, 2, 3)
    assert totals(sheet, 5)[16:19] == (6, 2, 4)


def test_zeroing_figures_that_do_not_add_up_break_an_identity(ledger, county_user, township):
    table = results_table(county_user, SINCE, WEEK, cutoff=DEADLINE)
    pack = PackFigures(results=table)
    assert reconcile(pack) == []

    row = next(r for r in table.rows if r.township == township)
    row.crossed_off += 1
    table.total.crossed_off += 1

    found = {(f.identity, f.township) for f in reconcile(pack)}
    assert (Identity.ZEROING_SUMS, township.name) in found
    assert (Identity.ZEROING_SUMS, "") in found
    assert (Identity.ROWS_SUM_TO_TOTAL, "") not in found


# --- the weekly report page and the county's compiled week (issue 20) -------------------------


def figure(page: str, key: str) -> str:
    marker = f'data-figure="{key}">'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)]


ZEROING_FIGURES = ("on_ledger", "crossed_off", "ledger_open")


def test_the_weekly_report_page_shows_the_packs_zeroing_figures(
    ledger, township, township_user, client_for
):
    from reporting.models import WeeklyReport

    report = WeeklyReport.objects.create(township=township, year=WEEK.year, week=WEEK.week)
    pack = results_table(township_user, SINCE, WEEK, cutoff=DEADLINE).rows[0]

    page = client_for(township_user).get(report.get_absolute_url()).content.decode()

    assert [figure(page, key) for key in ZEROING_FIGURES] == ["4", "1", "3"]
    assert [figure(page, key) for key in ZEROING_FIGURES] == [
        str(getattr(pack, key)) for key in ZEROING_FIGURES
    ]
    assert "清零行动进展" in page


def test_the_countys_compiled_week_shows_the_packs_zeroing_totals(
    ledger, county, county_user, client_for
):
    from django.urls import reverse

    pack = results_table(county_user, SINCE, WEEK, cutoff=DEADLINE).total
    url = reverse("reporting:county_weekly", args=[county.pk, WEEK.year, WEEK.week])

    page = client_for(county_user).get(url).content.decode()

    assert [figure(page, key) for key in ZEROING_FIGURES] == ["5", "1", "4"]
    assert [figure(page, key) for key in ZEROING_FIGURES] == [
        str(getattr(pack, key)) for key in ZEROING_FIGURES
    ]


def test_a_report_submitted_before_the_zeroing_figures_shows_none_not_zero(
    township, township_user, client_for
):
    from reporting.choices import WeeklyStatus
    from reporting.models import WeeklyReport

    report = WeeklyReport.objects.create(
        township=township,
        year=WEEK.year,
        week=WEEK.week,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=shanghai(2026, 11, 24, 9),
        result_figures={"screened": 3},
    )

    page = client_for(township_user).get(report.get_absolute_url()).content.decode()

    assert figure(page, "screened") == "3"
    assert figure(page, "on_ledger") == "—"
