"""The registry's 收取大额预付费 is derived from the findings (the latest visit's answer, else
the typed flag), and the rating reads the same fact: a venue flagged as collecting is never
rated O6 "…但没有收取大额预付费"; where the typed flag disagrees, the institution page says
so rather than keeping it silently."""

from datetime import date

import pytest

from risklists import services as rating
from risklists.engine import Facts, Thresholds, evaluate, findings
from risklists.figures import derived_figures
from screening.models import FundUse, YesNoUnknown
from tests.factories import InstitutionFactory, VenueFactory
from tests.risklists.factories import invest, visit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def codes(institution):
    [assessment] = rating.rate([institution]).created
    return assessment.codes, assessment


def test_the_engine_counts_a_flagged_venue_as_collecting():
    flagged = evaluate(Facts(registered=False, large_prepayment_flagged=True), Thresholds())
    plain = evaluate(Facts(registered=False), Thresholds())

    # No fund use recorded: 待核实 (V1) beside R1 (issue 14 item 5).
    assert [h.code for h in flagged.hits] == ["V1", "R1"]
    assert flagged.hits[0].evidence["large_prepayment_flagged"] is True
    assert findings([h.to_dict() for h in flagged.hits]).large_prepayment
    assert [h.code for h in plain.hits] == ["O6"]
    assert "large_prepayment_flagged" not in plain.hits[0].evidence


def test_a_venue_flagged_on_the_registry_is_not_rated_o6(township):
    venue = VenueFactory(township=township, collects_large_prepayment=True)

    found, assessment = codes(venue)

    assert found == ["V1", "R1"]  # the fund use is not recorded: V1 too
    assert assessment.findings.large_prepayment


def test_a_visit_that_found_large_prepayments_counts_over_the_registry(township, township_user):
    venue = VenueFactory(township=township, collects_large_prepayment=False)
    visit(
        venue,
        township_user,
        large_prepayment_found=YesNoUnknown.YES,
        fund_use=FundUse.IRREGULAR,
    )

    found, _assessment = codes(venue)

    assert "O6" not in found
    assert {"R1", "O4"} <= set(found)


def test_the_latest_answer_counts_and_an_unknown_answer_does_not_erase_it(township, township_user):
    venue = VenueFactory(township=township, collects_large_prepayment=True)
    visit(venue, township_user, day=date(2026, 3, 1), large_prepayment_found=YesNoUnknown.NO)
    visit(venue, township_user, day=date(2026, 6, 1), large_prepayment_found=YesNoUnknown.UNKNOWN)
    figures = derived_figures([venue.pk], thresholds=Thresholds(), today=TODAY)[venue.pk]

    assert not figures.large_prepayment_flagged
    assert figures.large_prepayment_disagrees
    assert codes(venue)[0] == ["O6"]  # the records show nothing, the visit found none


def test_records_make_it_large_whatever_the_flag_says(township):
    venue = VenueFactory(township=township, collects_large_prepayment=False)
    invest(venue)

    assert codes(venue)[0] == ["V1", "R1"]  # the fund use is not recorded: V1 too


def test_the_institution_page_shows_the_flag_its_sources_and_the_disagreement(
    township, township_user, client_for
):
    venue = VenueFactory(township=township, collects_large_prepayment=False)
    visit(venue, township_user, large_prepayment_found=YesNoUnknown.YES, fund_use="unknown")
    agreeing = InstitutionFactory(township=township)

    page = client_for(township_user).get(venue.get_absolute_url()).content.decode()
    calm = client_for(township_user).get(agreeing.get_absolute_url()).content.decode()

    assert 'data-figure="collects_large_prepayment">是<' in page
    assert 'id="large-prepayment-disagreement"' in page
    assert 'data-figure="collects_large_prepayment">否<' in calm
    assert 'id="large-prepayment-disagreement"' not in calm


def test_the_page_says_when_the_records_contradict_the_registry(
    township, township_user, client_for
):
    institution = InstitutionFactory(township=township, collects_large_prepayment=False)
    invest(institution, amount="80000")

    page = client_for(township_user).get(institution.get_absolute_url()).content.decode()

    assert 'id="large-prepayment-disagreement"' in page
    assert 'data-figure="collects_large_prepayment">是<' in page
