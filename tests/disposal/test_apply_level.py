"""四级分类处置: the actions each approved level creates, idempotence, raising and lowering."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from disposal.levels import DEFAULT_DEADLINE_DAYS, ActionType
from disposal.models import ActionStatus, DeadlineSetting, DisposalAction, DisposalCase
from disposal.services.actions import apply_level, update_action
from risklists import services as rating
from risklists.models import RatingState
from screening.models import ScreeningVisit, VisitStatus
from tests.factories import InstitutionFactory
from tests.screening.factories import DeterminationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)

GREEN = {ActionType.ROUTINE_SUPERVISION}
YELLOW = {ActionType.RISK_WARNING, ActionType.MORE_SPOT_CHECKS, ActionType.REMIND_LAWFUL}
ORANGE = {
    ActionType.LEAD_NOTIFICATION,
    ActionType.WARNING_TALK,
    ActionType.RECTIFICATION_ORDER,
    ActionType.URGE_REFUND,
}
RED = ORANGE | {ActionType.STOP_OPERATIONS, ActionType.COMPREHENSIVE_MEASURES}


def types(institution, **filters):
    return set(
        DisposalAction.objects.filter(institution=institution, **filters).values_list(
            "action_type", flat=True
        )
    )


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township)


@pytest.mark.parametrize(
    ("level", "fundraising", "crime", "expected"),
    [
        ("green", False, False, GREEN),
        ("yellow", False, False, YELLOW),
        ("orange", False, False, ORANGE),
        ("orange", True, False, ORANGE | {ActionType.FUNDRAISING_MECHANISM}),
        ("red", False, False, RED),
        (
            "red",
            True,
            True,
            RED | {ActionType.FUNDRAISING_MECHANISM, ActionType.JUDICIAL_TRANSFER},
        ),
    ],
)
def test_each_level_creates_exactly_the_actions_it_requires(
    institution, county_user, level, fundraising, crime, expected
):
    result = apply_level(
        institution,
        level,
        user=county_user,
        today=TODAY,
        illegal_fundraising=fundraising,
        crime_suspected=crime,
    )
    assert types(institution) == expected
    assert {a.action_type for a in result.created} == expected
    assert set(DisposalAction.objects.values_list("status", flat=True)) == {ActionStatus.OPEN}
    assert DisposalCase.objects.get(institution=institution).level == level


def rated(institution):
    """The engine's stored proposal for ``institution`` as its records stand now."""
    rating.rate([institution])
    return RatingState.objects.get(institution=institution).proposal


def test_approving_the_same_level_again_creates_nothing_twice(institution, county_user):
    assessment = rated(institution)
    apply_level(institution, "orange", user=county_user, today=TODAY, assessment=assessment)
    before = DisposalAction.objects.count()
    history_before = DisposalAction.history.count()

    result = apply_level(
        institution, "orange", user=county_user, today=TODAY, assessment=assessment
    )

    assert result.created == [] and result.lowered == [] and result.reopened == []
    assert DisposalAction.objects.count() == before
    assert DisposalAction.history.count() == history_before
    assert DisposalCase.objects.count() == 1


def test_raising_the_level_adds_only_what_the_higher_level_requires(institution, county_user):
    apply_level(institution, "yellow", user=county_user, today=TODAY)
    apply_level(institution, "orange", user=county_user, today=TODAY + timedelta(days=5))

    result = apply_level(
        institution, "red", user=county_user, today=TODAY + timedelta(days=9), crime_suspected=True
    )

    assert {a.action_type for a in result.created} == {
        ActionType.STOP_OPERATIONS,
        ActionType.COMPREHENSIVE_MEASURES,
        ActionType.JUDICIAL_TRANSFER,
    }
    assert types(institution) == YELLOW | RED | {ActionType.JUDICIAL_TRANSFER}
    # the earlier actions keep their own dates; nothing was closed
    warning = DisposalAction.objects.get(action_type=ActionType.WARNING_TALK)
    assert warning.required_on == TODAY + timedelta(days=5)
    assert types(institution, status=ActionStatus.OPEN) == types(institution)
    assert types(institution, level_lowered_on__isnull=False) == set()


def test_lowering_the_level_closes_nothing_and_flags_what_a_person_must_decide(
    institution, county_user
):
    apply_level(institution, "orange", user=county_user, today=TODAY)

    result = apply_level(institution, "yellow", user=county_user, today=TODAY + timedelta(days=3))

    assert types(institution, status=ActionStatus.OPEN) == ORANGE | YELLOW
    assert {a.action_type for a in result.lowered} == ORANGE
    assert types(institution, level_lowered_on=TODAY + timedelta(days=3)) == ORANGE
    assert types(institution, level_lowered_on__isnull=True) == YELLOW
    assert DisposalCase.objects.get().level == "yellow"


def test_raising_again_reopens_actions_set_aside_after_a_lowering(institution, county_user):
    apply_level(institution, "orange", user=county_user, today=TODAY)
    apply_level(institution, "yellow", user=county_user, today=TODAY)
    talk = DisposalAction.objects.get(action_type=ActionType.WARNING_TALK)
    talk.status = ActionStatus.NOT_APPLICABLE
    talk.status_reason = "降为黄色，无需约谈"
    update_action(user=county_user, action=talk, today=TODAY)
    notification = DisposalAction.objects.get(action_type=ActionType.LEAD_NOTIFICATION)
    notification.status, notification.status_reason = ActionStatus.DONE, "已通报"
    update_action(user=county_user, action=notification, today=TODAY)

    later = TODAY + timedelta(days=20)
    result = apply_level(institution, "orange", user=county_user, today=later)

    talk.refresh_from_db()
    notification.refresh_from_db()
    assert [a.action_type for a in result.reopened] == [ActionType.WARNING_TALK]
    assert talk.status == ActionStatus.OPEN
    assert talk.deadline == later + timedelta(days=DEFAULT_DEADLINE_DAYS[ActionType.WARNING_TALK])
    assert talk.level_lowered_on is None
    assert notification.status == ActionStatus.DONE  # what was done stays done
    assert result.created == []


def test_deadlines_come_from_the_county_defaults_and_its_own_settings(
    institution, county, county_user
):
    DeadlineSetting.objects.create(unit=county, action_type=ActionType.LEAD_NOTIFICATION, days=2)

    apply_level(institution, "orange", user=county_user, today=TODAY)

    deadlines = dict(
        DisposalAction.objects.filter(institution=institution).values_list(
            "action_type", "deadline"
        )
    )
    assert deadlines[ActionType.LEAD_NOTIFICATION] == TODAY + timedelta(days=2)
    assert deadlines[ActionType.WARNING_TALK] == TODAY + timedelta(days=7)
    assert deadlines[ActionType.RECTIFICATION_ORDER] == TODAY + timedelta(days=30)


def promise_returns(institution, staff):
    ScreeningVisit.objects.create(
        institution=institution,
        visited_on=date(2026, 2, 1),
        staff=staff,
        status=VisitStatus.SUBMITTED,
        promised_returns=True,
    )


def test_a_rating_that_found_a_suspected_crime_adds_the_transfer_not_the_mechanism(
    institution, county_user, township_user
):
    """对涉嫌犯罪的，移送司法机关 on the suspicion; 属于非法集资的 (纳入处非机制) waits for the
    authority's determination (tests/screening/test_determinations.py)."""
    promise_returns(institution, township_user)
    assessment = rated(institution)
    assert "R2" in assessment.codes

    apply_level(institution, "red", user=county_user, today=TODAY, assessment=assessment)

    case = DisposalCase.objects.get(institution=institution)
    assert case.crime_suspected and not case.illegal_fundraising
    assert ActionType.JUDICIAL_TRANSFER in types(institution)
    assert ActionType.FUNDRAISING_MECHANISM not in types(institution)


def test_a_rating_that_found_a_determination_adds_the_mechanism_and_the_transfer(
    institution, county_user
):
    DeterminationFactory(institution=institution)
    assessment = rated(institution)
    assert "R2" in assessment.codes

    apply_level(institution, "red", user=county_user, today=TODAY, assessment=assessment)

    case = DisposalCase.objects.get(institution=institution)
    assert case.illegal_fundraising and case.crime_suspected
    assert ActionType.FUNDRAISING_MECHANISM in types(institution)
    assert ActionType.JUDICIAL_TRANSFER in types(institution)


def test_the_conditions_are_what_the_approved_rating_found_not_a_new_reading_of_records(
    institution, county_user, township_user
):
    """Disposal trusts the rating: a visit recorded after the approved assessment (and not
    rated yet) changes nothing until a rating that found it is approved."""
    assessment = rated(institution)
    promise_returns(institution, township_user)

    apply_level(institution, "red", user=county_user, today=TODAY, assessment=assessment)

    case = DisposalCase.objects.get(institution=institution)
    assert not case.illegal_fundraising and not case.crime_suspected
    assert ActionType.JUDICIAL_TRANSFER not in types(institution)

    found = rated(institution)
    apply_level(institution, "red", user=county_user, today=TODAY, assessment=found)

    assert ActionType.JUDICIAL_TRANSFER in types(institution)


def test_actions_record_who_approved_and_the_assessment(institution, county_user):
    assessment = rated(institution)
    apply_level(institution, "yellow", user=county_user, today=TODAY, assessment=assessment)

    action = DisposalAction.objects.filter(institution=institution).first()
    assert action.history.get().history_user == county_user
    assert action.assessment == assessment
    assert DisposalCase.objects.get(institution=institution).assessment == assessment
    assert action.responsible_unit == institution.township
    assert action.scope_path == institution.scope_path


def test_only_the_county_section_applies_a_level(institution, township_user, leader):
    for user in (township_user, leader):
        with pytest.raises(PermissionDenied):
            apply_level(institution, "orange", user=user, today=TODAY)
    assert not DisposalAction.objects.exists()


def test_an_unknown_level_is_refused(institution, county_user):
    with pytest.raises(ValueError):
        apply_level(institution, "purple", user=county_user, today=TODAY)
