"""The review of many proposals at once: the same rules as one at a time, all or none, a
constant number of queries, one announcement for the batch."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risklists import services
from risklists.models import Assessment, LevelChange, RatingState, ReviewState
from risklists.signals import ratings_approved
from tests.factories import VenueFactory

from .factories import invest

pytestmark = pytest.mark.django_db


def proposals(township, n, large=True):
    """``n`` venues (O6), every other one with a large prepayment (R1) when ``large``."""
    institutions = [VenueFactory(township=township) for _ in range(n)]
    for institution in institutions[::2] if large else ():
        invest(institution)
    return services.rate(institutions).created


def test_many_proposals_are_submitted_and_approved_with_their_history(
    township, township_user, county_user
):
    batch = proposals(township, 4)
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    services.submit_many(user=township_user, assessments=batch)
    ratings_approved.connect(listener)
    try:
        approvals = services.approve_many(user=county_user, assessments=batch)
    finally:
        ratings_approved.disconnect(listener)

    for assessment in batch:
        assessment.refresh_from_db()
        assert assessment.state == ReviewState.APPROVED
        assert assessment.submitted_by == township_user
        assert assessment.reviewed_by == county_user
        reasons = list(assessment.history.order_by("history_date", "history_id"))
        assert [h.history_user for h in reasons[-2:]] == [township_user, county_user]
        state = RatingState.objects.get(institution_id=assessment.institution_id)
        assert state.current == assessment
        assert state.approved_level == assessment.level
    assert {(a.institution_id, a.level) for a in approvals} == {
        (a.institution_id, a.level) for a in batch
    }
    assert LevelChange.objects.filter(kind="approved").count() == 4
    assert len(received) == 1 and received[0]["approvals"] == approvals


def test_the_whole_batch_is_refused_when_one_is_not_submitted(township, township_user, county_user):
    batch = proposals(township, 3)
    services.submit_many(user=township_user, assessments=batch[:2])

    with pytest.raises(ValidationError):
        services.approve_many(user=county_user, assessments=batch)

    assert not Assessment.objects.filter(state=ReviewState.APPROVED).exists()
    assert not LevelChange.objects.exists()


def test_another_townships_proposal_refuses_the_batch(
    township, other_township, township_user, other_township_user
):
    mine = proposals(township, 1)
    theirs = proposals(other_township, 1)

    with pytest.raises(PermissionDenied):
        services.submit_many(user=township_user, assessments=mine + theirs)

    assert not Assessment.objects.filter(state=ReviewState.SUBMITTED).exists()


def test_only_the_county_section_approves_many(township, township_user, leader):
    batch = proposals(township, 1)
    services.submit_many(user=township_user, assessments=batch)

    for user in (township_user, leader):
        with pytest.raises(PermissionDenied):
            services.approve_many(user=user, assessments=batch)


def test_a_superseded_proposal_refuses_the_batch(township, township_user, county_user):
    institution = VenueFactory(township=township)  # O6, then R1 with a large prepayment
    [old] = services.rate([institution]).created
    invest(institution)
    services.rate([institution])

    with pytest.raises(ValidationError):
        services.submit_many(user=township_user, assessments=[old])


def test_the_cost_in_queries_does_not_grow_with_the_batch(township, township_user, county_user):
    """(Within one insert of each table: SQLite splits longer inserts by its parameter limit,
    and the approval's disposal actions are written in the same batch.)"""

    def cost(batch):
        with CaptureQueriesContext(connection) as ctx:
            services.submit_many(user=township_user, assessments=batch)
            services.approve_many(user=county_user, assessments=batch)
        return len(ctx.captured_queries)

    few = cost(proposals(township, 2, large=False))
    many = cost(proposals(township, 8, large=False))

    assert many <= few
