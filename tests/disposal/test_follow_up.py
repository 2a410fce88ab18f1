"""After registration, follow-up checks: 衡山县 §一.三 督促其尽快依法办理登记，并加强后续
跟踪检查. A venue crossed off the 清零 ledger as registered gets a follow-up check on its
disposal board, with the county's deadline and the ledger's person in charge."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disposal.levels import ActionType
from disposal.models import (
    ActionStatus,
    DeadlineSetting,
    DisposalAction,
    DisposalCase,
    Outcome,
    ZeroingEntry,
)
from disposal.selectors.actions import board
from disposal.services.actions import apply_level
from disposal.services.zeroing import Registration, cross_off
from institutions.models import RegistrationStatus
from tests.disposal.factories import TransferFactory
from tests.factories import VenueFactory, make_credit_code
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
FOLLOW_UP = ActionType.FOLLOW_UP_CHECK


def register(venue, user, n=1, today=TODAY):
    return cross_off(
        user=user,
        institution=venue,
        outcome=Outcome.REGISTERED,
        registration=Registration(credit_code=make_credit_code(8000 + n)),
        today=today,
    )


def follow_up(venue):
    return DisposalAction.objects.get(institution=venue, action_type=FOLLOW_UP)


def test_registering_a_venue_schedules_a_follow_up_check_with_the_person_in_charge(
    township, township_user
):
    venue = VenueFactory(township=township)
    ZeroingEntry.objects.create(institution=venue, responsible_user=township_user)

    register(venue, township_user)

    action = follow_up(venue)
    assert action.status == ActionStatus.OPEN
    assert action.deadline == TODAY + timedelta(days=30)  # the default
    assert action.responsible_user == township_user
    assert action.responsible_unit == township
    assert action.history.get().history_user == township_user
    # A venue never approved gets a case at green: routine supervision, not the 红橙黄 list.
    case = DisposalCase.objects.get(institution=venue)
    assert (case.level, action.level) == ("green", "green")


def test_the_follow_up_uses_the_countys_deadline(township, county, township_user):
    DeadlineSetting.objects.create(unit=county, action_type=FOLLOW_UP, days=14)
    venue = VenueFactory(township=township)

    register(venue, township_user)

    assert follow_up(venue).deadline == TODAY + timedelta(days=14)


def test_an_orange_venue_keeps_its_case_and_level(township, county_user, township_user):
    venue = VenueFactory(township=township)
    apply_level(venue, "orange", user=county_user, today=TODAY)

    register(venue, township_user)

    case = DisposalCase.objects.get(institution=venue)
    assert case.level == "orange"
    assert follow_up(venue).case == case


@pytest.mark.parametrize("outcome", [Outcome.CLOSED, Outcome.BANNED, Outcome.TRANSFERRED])
def test_closing_banning_or_transferring_schedules_nothing(township, township_user, outcome):
    venue = VenueFactory(township=township)
    TransferFactory(institution=venue)

    cross_off(user=township_user, institution=venue, outcome=outcome, outcome_on=TODAY, today=TODAY)

    assert not DisposalAction.objects.filter(institution=venue).exists()


def test_a_later_approval_neither_duplicates_nor_flags_the_follow_up(
    township, county_user, township_user
):
    venue = VenueFactory(township=township)
    register(venue, township_user)

    result = apply_level(venue, "yellow", user=county_user, today=TODAY + timedelta(days=3))
    apply_level(venue, "green", user=county_user, today=TODAY + timedelta(days=9))

    action = follow_up(venue)
    assert action not in result.lowered
    assert action.level_lowered_on is None
    assert action.is_open
    assert DisposalAction.objects.filter(institution=venue, action_type=FOLLOW_UP).count() == 1


def test_the_follow_up_is_on_the_board_of_its_township_only(
    client_for, township, township_user, other_township_user
):
    venue = VenueFactory(township=township, name="松鹤颐养之家")
    register(venue, township_user, today=timezone.localdate())

    total, _rows = board(township_user)
    assert total.follow_up == 1
    assert board(other_township_user)[0].follow_up == 0

    page = client_for(township_user).get(reverse("disposal:board")).content.decode()
    assert 'id="follow-up"' in page
    listed = client_for(township_user).get(
        reverse("disposal:action_list") + "?state=open&action_type=follow_up_check"
    )
    assert venue.name in listed.content.decode()
    other = client_for(other_township_user).get(
        reverse("disposal:action_list") + "?action_type=follow_up_check"
    )
    assert venue.name not in other.content.decode()


def test_registering_through_the_page_shows_the_follow_up_on_the_ledger_and_the_institution(
    client_for, township, township_user
):
    venue = VenueFactory(township=township)
    client = client_for(township_user)
    version = version_of_page(
        client, reverse("disposal:zeroing_detail", args=[venue.pk]), "cross_off_form"
    )

    response = client.post(
        reverse("disposal:zeroing_cross_off", args=[venue.pk]),
        {
            **version,
            "outcome": "registered",
            "credit_code": make_credit_code(7001),
            "registration_status": RegistrationStatus.REGISTERED_NOT_FILED,
        },
    )

    assert response.status_code == 302
    action = follow_up(venue)
    detail = client.get(reverse("disposal:zeroing_detail", args=[venue.pk])).content.decode()
    assert action.get_absolute_url() in detail
    institution_page = client.get(venue.get_absolute_url()).content.decode()
    assert action.get_absolute_url() in institution_page
