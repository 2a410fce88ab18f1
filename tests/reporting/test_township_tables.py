"""The per-township tables (附件2 progress, 附件5 publicity, 附件6 results and the 四看 review
they share) for every township a user sees and for townships a caller chose: the same row
for a township either way, whoever reads it, for a number of queries that does not grow
with the townships."""

from datetime import date

import pytest

from disposal.models import Outcome, ZeroingEntry, ZeroingStatus
from reporting.selectors import progress_table, publicity_table, results_table
from screening.models import Lead, LeadChannel, OfficialCount
from screening.selectors.four_looks import township_review
from tests.disposal.factories import TransferFactory
from tests.factories import InstitutionFactory, TownshipFactory, VenueFactory, VillageFactory
from tests.risklists.factories import visit
from tests.screening.factories import SubmittedVisitFactory

from .factories import PublicityActivityFactory
from .helpers import (
    SINCE,
    WEEK,
    approve,
    complete_actions,
    orange_institution,
    query_count,
    red_venue,
)

pytestmark = pytest.mark.django_db

TABLES = {
    "review": lambda user, townships=None: township_review(user, SINCE, townships),
    "progress": lambda user, townships=None: progress_table(user, SINCE, townships),
    "publicity": lambda user, townships=None: publicity_table(
        user, WEEK.first_day, WEEK.last_day, townships
    ),
    "results": lambda user, townships=None: results_table(user, SINCE, WEEK, townships),
}
# What each table costs, whatever the number of townships and institutions.
# results: 9 since 附件6 counts the 清零行动进展 (one grouped read of the ledger at the cut-off).
# progress: 7 since 附件2 has the 回头看 figures (the round windows, one grouped count);
# publicity: 4 since 附件5 counts the 告知书 against the elders (one grouped read of visits).
QUERIES = {"review": 4, "progress": 7, "publicity": 4, "results": 9}


def rows_of(table):
    return table[0] if isinstance(table, tuple) else table.rows


def campaign(township, staff, county_user):
    """A township's campaign so far: screened, not screened, new, large, incomplete; a
    rectified institution and a banned venue that was also transferred."""
    orange = orange_institution(township, staff)  # visited 2026-06-01
    venue = red_venue(township, staff)
    approve([orange, venue], staff, county_user)
    SubmittedVisitFactory(institution=venue, visited_on=date(2026, 3, 1))
    visit(InstitutionFactory(township=township, principal=""), staff)
    InstitutionFactory(township=township, established_on=date(2026, 5, 1))
    InstitutionFactory(township=township, beds=150)
    complete_actions(orange, date(2026, 11, 20))
    ZeroingEntry.objects.create(
        institution=venue,
        status=ZeroingStatus.CROSSED_OFF,
        outcome=Outcome.BANNED,
        outcome_on=date(2026, 11, 10),
    )
    TransferFactory(institution=venue, transferred_on=date(2026, 11, 1))
    Lead.objects.create(
        unit=township,
        channel=LeadChannel.PLATFORM_12337,
        received_on=date(2026, 11, 2),
        subject="收取高额会员费",
        content="…",
    )
    PublicityActivityFactory(township=township, held_on=date(2026, 11, 19))
    OfficialCount.objects.create(unit=township, as_of=date(2026, 3, 1), institutions=6)


@pytest.fixture
def two_townships(township, other_township, township_user, other_township_user, county_user):
    campaign(township, township_user, county_user)
    campaign(other_township, other_township_user, county_user)


def test_a_chosen_township_has_its_campaign_figures(two_townships, township, county_user):
    (review,) = rows_of(TABLES["review"](county_user, [township]))
    (progress,) = rows_of(TABLES["progress"](county_user, [township]))
    (publicity,) = rows_of(TABLES["publicity"](county_user, [township]))
    (results,) = rows_of(TABLES["results"](county_user, [township]))

    assert (review.screened, review.screened_venues, review.screened_incomplete) == (3, 1, 1)
    assert (review.not_screened, review.not_screened_new, review.not_screened_large) == (2, 1, 1)
    assert (review.official_count, review.difference) == (6, -3)
    # Risks found: the approved red, orange and yellow (附件3's rows, 附件6's levels).
    assert progress.risks_found == results.red + results.orange + results.yellow
    assert (progress.screened, progress.newly_found, progress.risks_found) == (3, 1, 2)
    assert (publicity.activities, publicity.institutions) == (1, 5)
    assert (results.screened, results.screened_venues, results.red, results.orange) == (3, 1, 1, 1)
    assert (results.rectified, results.closed_or_banned, results.transferred) == (1, 1, 1)
    assert results.leads_received == 1


@pytest.mark.parametrize("name", TABLES)
def test_a_chosen_township_gets_the_row_it_has_among_all(
    two_townships, name, township, other_township, county_user
):
    every = rows_of(TABLES[name](county_user))
    chosen = rows_of(TABLES[name](county_user, [township]))

    assert {row.township for row in every} == {township, other_township}
    assert chosen == [row for row in every if row.township == township]


@pytest.mark.parametrize("name", TABLES)
def test_a_township_reads_its_row_as_the_county_reads_it(
    two_townships, name, township, township_user, county_user
):
    county_rows = rows_of(TABLES[name](county_user))

    assert rows_of(TABLES[name](township_user)) == [
        row for row in county_rows if row.township == township
    ]


def townships_with_an_institution(county, staff, start, n):
    townships = []
    for k in range(start, start + n):
        township = TownshipFactory(parent=county, name=f"查询镇{k}")
        visit(InstitutionFactory(township=township), staff)
        townships.append(township)
    return townships


@pytest.mark.parametrize("name", TABLES)
def test_per_township_tables_cost_the_same_queries_for_2_and_8_townships(
    name, county, county_user, django_assert_max_num_queries
):
    table = TABLES[name]
    chosen = townships_with_an_institution(county, county_user, 0, 2)
    few = query_count(lambda: table(county_user))
    chosen += townships_with_an_institution(county, county_user, 2, 6)

    with django_assert_max_num_queries(QUERIES[name]):
        assert len(rows_of(table(county_user))) == 8
    assert query_count(lambda: table(county_user)) == few
    with django_assert_max_num_queries(QUERIES[name]):
        assert len(rows_of(table(county_user, chosen[:5]))) == 5


def test_a_township_that_took_over_a_village_reads_its_row_as_the_county_reads_it(
    township, other_township, other_township_user, county_user
):
    """A village moved to another township takes its venues' scope along, while each venue
    still names the township it was entered under: the township that took the village over
    sees that venue, and still reads its own 清零 ledger as the county does."""
    village = VillageFactory(parent=township, name="开云村")
    VenueFactory(township=township, village=village, name="开云村颐养之家")
    VenueFactory(township=other_township, name="白果颐养之家")
    village.parent = other_township
    village.save()

    county_rows = results_table(county_user, SINCE, WEEK).rows
    (baiguo,) = results_table(other_township_user, SINCE, WEEK).rows

    assert baiguo == next(row for row in county_rows if row.township == other_township)
    # Its own venue; the moved one counts, in both reads, under the township it names.
    assert (baiguo.on_ledger, baiguo.ledger_open) == (1, 1)
