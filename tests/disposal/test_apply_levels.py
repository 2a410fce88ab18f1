"""Many approved levels at once (the county approving a batch): the same actions, conditions,
deadlines and history as one approval at a time, in a constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disposal.levels import ActionType
from disposal.models import DeadlineSetting, DisposalAction, DisposalCase
from risklists import services as rating
from risklists.models import RatingState
from screening.models import ScreeningVisit, VisitStatus
from tests.disposal.factories import PrepaymentFactory
from tests.factories import InstitutionFactory, VenueFactory
from tests.screening.factories import DeterminationFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def mixed(township, staff):
    """A green institution, an orange venue (O6), a red venue (R1), a red institution
    whose visit found promised returns (R2: the judicial transfer) and one the authority
    determined to be illegal fundraising (R2: the mechanism as well)."""
    green = InstitutionFactory(township=township)
    orange = VenueFactory(township=township)
    red = VenueFactory(township=township)
    PrepaymentFactory(institution=red, amount=Decimal("80000"), kind="investment")
    crime = InstitutionFactory(township=township)
    ScreeningVisit.objects.create(
        institution=crime,
        visited_on=date(2026, 2, 1),
        staff=staff,
        status=VisitStatus.SUBMITTED,
        promised_returns=True,
    )
    determined = InstitutionFactory(township=township)
    DeterminationFactory(institution=determined)
    return [green, orange, red, crime, determined]


def actions_of(institutions):
    return {
        (a.institution_id, a.action_type, a.level, a.deadline - a.required_on, a.assessment_id)
        for a in DisposalAction.objects.filter(institution__in=institutions)
    }


def describe(institutions):
    """What each institution got, with the institution replaced by its place in the list."""
    index = {institution.pk: n for n, institution in enumerate(institutions)}
    return {
        (index[pk], action_type, level, delay)
        for pk, action_type, level, delay, _assessment in actions_of(institutions)
    }


def test_a_batch_gets_what_one_approval_at_a_time_gives(
    township, other_township, township_user, other_township_user, county_user, county
):
    DeadlineSetting.objects.create(unit=county, action_type=ActionType.WARNING_TALK, days=5)
    one_by_one = mixed(township, township_user)
    for proposal in rating.rate(one_by_one).created:
        rating.submit(user=township_user, assessment=proposal)
        rating.approve(user=county_user, assessment=proposal)

    batch = mixed(other_township, other_township_user)
    proposals = rating.rate(batch).created
    rating.submit_many(user=other_township_user, assessments=proposals)
    rating.approve_many(user=county_user, assessments=proposals)

    assert describe(batch) == describe(one_by_one)
    got = {(action_type, index) for index, action_type, _level, _delay in describe(batch)}
    assert (ActionType.JUDICIAL_TRANSFER, 3) in got
    # 属于非法集资的: only the determined one enters the mechanism (district plan).
    mechanism = ActionType.FUNDRAISING_MECHANISM
    assert {index for action_type, index in got if action_type == mechanism} == {4}
    for institution in batch:
        case = DisposalCase.objects.get(institution=institution)
        assert case.assessment == RatingState.objects.get(institution=institution).current
        assert case.history.get().history_user == county_user
    assert all(
        a.history.get().history_user == county_user
        for a in DisposalAction.objects.filter(institution__in=batch)
    )
    warning = DisposalAction.objects.get(institution=batch[1], action_type="warning_talk")
    assert warning.deadline - warning.required_on == timedelta(days=5)


def test_an_institution_with_a_case_is_raised_as_one_approval_would(
    township, township_user, county_user
):
    venue = VenueFactory(township=township)
    [first] = rating.rate([venue]).created
    rating.submit(user=township_user, assessment=first)
    rating.approve(user=county_user, assessment=first)  # orange (O6)
    PrepaymentFactory(institution=venue, amount=Decimal("80000"), kind="investment")
    [second] = rating.rate([venue]).created  # red (R1)

    rating.submit_many(user=township_user, assessments=[second])
    rating.approve_many(user=county_user, assessments=[second])

    case = DisposalCase.objects.get(institution=venue)
    assert (case.level, case.assessment) == ("red", second)
    types = set(
        DisposalAction.objects.filter(institution=venue).values_list("action_type", flat=True)
    )
    assert {ActionType.STOP_OPERATIONS, ActionType.WARNING_TALK} <= types


def test_a_batch_costs_the_same_queries_for_2_and_8(township, township_user, county_user):
    """(Within one insert of each table: SQLite splits longer inserts by its parameter limit.)"""

    def cost(n):
        venues = [VenueFactory(township=township) for _ in range(n)]
        proposals = rating.rate(venues).created
        rating.submit_many(user=township_user, assessments=proposals)
        with CaptureQueriesContext(connection) as ctx:
            rating.approve_many(user=county_user, assessments=proposals)
        assert DisposalCase.objects.filter(institution__in=venues).count() == n
        return len(ctx.captured_queries)

    assert cost(8) <= cost(2)
