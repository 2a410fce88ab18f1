"""A rating the county returned stays returned, with its reason, until the township answers:
a re-rating in between (a record added, the nightly rating) carries the return over."""

from datetime import date

import pytest
from django.urls import reverse

from risklists import services
from risklists.models import RatingState, ReviewState

from .factories import visit

pytestmark = pytest.mark.django_db
REASON = "资金用途需附银行流水"


@pytest.fixture
def returned(submitted, county_user):
    return services.return_for_revision(user=county_user, assessment=submitted, reason=REASON)


def test_a_re_rating_carries_the_open_return_over(returned, orange, township_user, county_user):
    visit(orange, township_user, day=date(2026, 7, 1), fund_use="irregular", false_advertising=True)

    [newer] = services.rate([orange]).created

    returned.refresh_from_db()
    assert returned.state == ReviewState.SUPERSEDED
    assert newer.state == ReviewState.RETURNED
    assert (newer.return_reason, newer.reviewed_by) == (REASON, county_user)
    assert RatingState.objects.get(institution=orange).proposal == newer


def test_the_township_still_finds_it_under_returned_and_on_its_home_page(
    returned, orange, township_user, client_for
):
    visit(orange, township_user, day=date(2026, 7, 1), fund_use="irregular", false_advertising=True)
    services.rate([orange])
    client = client_for(township_user)

    listed = client.get(reverse("risklists:review"), {"state": ReviewState.RETURNED})
    home = client.get(reverse("home")).content.decode()
    page = client.get(orange.get_absolute_url()).content.decode()

    assert [a.institution for a in listed.context["assessments"]] == [orange]
    assert REASON in home and 'id="returned-ratings"' in home
    assert REASON in page


def test_once_resubmitted_the_return_leaves_the_home_page(
    returned, orange, township_user, client_for
):
    visit(orange, township_user, day=date(2026, 7, 1), fund_use="irregular", false_advertising=True)
    [newer] = services.rate([orange]).created

    services.submit(user=township_user, assessment=newer)

    assert REASON not in client_for(township_user).get(reverse("home")).content.decode()


def test_a_return_is_not_carried_to_a_proposal_that_was_not_returned(
    orange, proposal, township_user
):
    visit(orange, township_user, day=date(2026, 7, 1), fund_use="irregular", false_advertising=True)

    [newer] = services.rate([orange]).created

    assert newer.state == ReviewState.PROPOSED and newer.return_reason == ""
