"""Disposal trusts the rating: what a level's measures and a venue's 清零 target depend on is
what the approved rating found, counted with the county's thresholds in force, never a
second reading of the screening records with other thresholds."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disposal.models import DisposalCase, Outcome, TargetOutcome, ZeroingStatus
from disposal.receivers import apply_approved_level
from disposal.selectors.zeroing import target_of, target_outcome
from disposal.services.zeroing import Registration, cross_off
from risklists import services as rating
from risklists.engine import Thresholds
from risklists.models import Assessment, RatingState
from risklists.selectors import rating_findings
from risklists.signals import rating_approved, ratings_approved
from screening.models import PrepaymentKind
from tests.disposal.factories import PrepaymentFactory, RefundFactory
from tests.factories import CountyFactory, TownshipFactory, VenueFactory, make_credit_code

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def bed_fee_venue(township, amount="20000"):
    """An unregistered venue that took a prepaid bed fee, the monthly fee not known."""
    venue = VenueFactory(township=township, name=f"{township.name}颐养之家")
    PrepaymentFactory(
        institution=venue, kind=PrepaymentKind.PREPAID_BED_FEE, amount=Decimal(amount)
    )
    return venue


def approve(venue, township_user, county_user):
    proposal = rating.rate([venue]).created[0]
    rating.submit(user=township_user, assessment=proposal)
    return rating.approve(user=county_user, assessment=proposal)


@pytest.fixture
def strict_county(county_user):
    """The county lowers "large prepayment" to 10,000 yuan where the monthly fee is unknown."""
    return rating.save_thresholds(
        user=county_user, thresholds=Thresholds(large_amount_fee_unknown=Decimal("10000"))
    )


def test_a_county_threshold_makes_the_rating_and_the_zeroing_target_agree(
    township, township_user, county_user, strict_county, client_for
):
    venue = bed_fee_venue(township)

    assessment = approve(venue, township_user, county_user)

    # (V1 beside R1: no visit has recorded the use of the funds)
    assert assessment.level == "red" and assessment.codes == ["V1", "R1"]
    case = DisposalCase.objects.get(institution=venue)
    assert case.assessment == assessment
    assert target_outcome(rating_findings([venue])[venue.pk]) == TargetOutcome.REFUND_AND_CLOSE

    registration = Registration(credit_code=make_credit_code(9101))
    with pytest.raises(ValidationError) as refused:
        cross_off(
            user=township_user,
            institution=venue,
            outcome=Outcome.REGISTERED,
            registration=registration,
            today=TODAY,
        )
    assert refused.value.code == "refunds_outstanding"

    RefundFactory(prepayment=venue.prepayments.get(), amount=Decimal("20000"))
    entry = cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.REGISTERED,
        registration=registration,
        today=TODAY,
    )
    assert entry.status == ZeroingStatus.CROSSED_OFF
    assert entry.target_outcome == TargetOutcome.REFUND_AND_CLOSE


def test_the_institution_page_shows_the_same_large_verdict_as_the_rating(
    township, township_user, county_user, strict_county, client_for
):
    venue = bed_fee_venue(township)
    approve(venue, township_user, county_user)

    page = client_for(township_user).get(venue.get_absolute_url()).content.decode()
    ledger = client_for(township_user).get(reverse("disposal:zeroing_detail", args=[venue.pk]))

    assert 'data-figure="large_prepayment_total">20,000.00' in page
    assert 'data-figure="large_prepayment_payers">1' in page
    assert f"{strict_county.unit.name}" in page  # whose thresholds the figures were counted with
    assert str(TargetOutcome.REFUND_AND_CLOSE.label) in ledger.content.decode()


def test_with_the_default_thresholds_the_same_fee_is_not_large_anywhere(
    township, township_user, county_user, client_for
):
    venue = bed_fee_venue(township)

    assessment = approve(venue, township_user, county_user)
    page = client_for(township_user).get(venue.get_absolute_url()).content.decode()

    assert assessment.codes == ["O6"]
    assert target_of(venue, rating_findings([venue])[venue.pk]) == TargetOutcome.REGISTER
    assert 'data-figure="large_prepayment_total">0.00' in page


def test_each_county_counts_with_its_own_thresholds(
    township, township_user, county_user, strict_county
):
    elsewhere = TownshipFactory(name="城关镇", parent=CountyFactory(name="南岳区"))
    strict, default = bed_fee_venue(township), bed_fee_venue(elsewhere)

    found = rating_findings([strict, default])

    assert found[strict.pk].large_prepayment
    assert not found[default.pk].large_prepayment


def test_the_target_follows_the_approved_rating_until_a_new_one_is_approved(
    township, township_user, county_user, strict_county
):
    """What the county approved stands: the records changing afterwards (here: the fee paid
    back) move the target only once a rating that says so is approved."""
    venue = bed_fee_venue(township)
    approve(venue, township_user, county_user)
    RefundFactory(prepayment=venue.prepayments.get(), amount=Decimal("20000"))

    assert rating_findings([venue])[venue.pk].large_prepayment

    approve(venue, township_user, county_user)

    assert not rating_findings([venue])[venue.pk].large_prepayment
    assert RatingState.objects.get(institution=venue).current.codes == ["O6"]


def test_the_receiver_of_an_approved_level_lives_in_disposal():
    receivers, _async_receivers = rating_approved._live_receivers(Assessment)
    assert apply_approved_level in receivers
    assert {receiver.__module__ for receiver in receivers} == {"disposal.receivers"}


def test_the_receiver_of_many_approved_levels_lives_in_disposal():
    receivers, _async_receivers = ratings_approved._live_receivers(Assessment)
    assert {receiver.__module__ for receiver in receivers} == {"disposal.receivers"}
