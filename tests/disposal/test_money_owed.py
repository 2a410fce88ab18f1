"""Money still owed to elders (the refund ledger) keeps a venue on the 清零 ledger and keeps
督促清退资金 open: refused with a clear message, unless the county section records why, and
the reason is kept and shown."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from disposal.levels import ActionType
from disposal.models import ActionStatus, DisposalAction, Outcome, ZeroingEntry
from disposal.services.actions import apply_level, update_action
from disposal.services.zeroing import Registration, cross_off
from tests.disposal.factories import PrepaymentFactory, RefundFactory, TransferFactory
from tests.factories import InstitutionFactory, VenueFactory, make_credit_code

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
REASON = "已连同老年人退费诉求移交县公安局经侦大队"


@pytest.fixture
def owing_venue(township):
    """A venue its elders paid 50,000; 20,000 refunded, 30,000 still owed."""
    venue = VenueFactory(township=township)
    record = PrepaymentFactory(institution=venue, amount=Decimal("50000"), kind="deposit")
    RefundFactory(prepayment=record, amount=Decimal("20000"))
    return venue


def close(user, venue, **extra):
    return cross_off(
        user=user,
        institution=venue,
        outcome=Outcome.CLOSED,
        outcome_on=date(2026, 3, 1),
        today=TODAY,
        **extra,
    )


def test_township_cannot_cross_off_a_venue_that_still_owes_its_elders(owing_venue, township_user):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        close(township_user, owing_venue, owed_reason="关停了")

    assert error.value.code == "refunds_outstanding"
    message = error.value.messages[0]
    assert "30,000.00" in message
    assert "县民政局" in message  # who may, and how
    assert not ZeroingEntry.objects.filter(status="crossed_off").exists()


def test_county_crosses_it_off_only_with_its_reason_kept_and_shown(
    owing_venue, county_user, client_for
):
    with pytest.raises(ValidationError) as error:
        close(county_user, owing_venue)
    assert "owed_reason" in error.value.message_dict

    entry = close(county_user, owing_venue, owed_reason=REASON)

    assert entry.is_crossed_off
    assert (entry.owed_when_crossed_off, entry.owed_reason) == (Decimal("30000"), REASON)
    crossing = entry.history.first()
    assert crossing.history_user == county_user
    assert "30,000.00" in crossing.history_change_reason
    ledger_page = client_for(county_user).get(
        reverse("disposal:zeroing_detail", args=[owing_venue.pk])
    )
    assert REASON in ledger_page.content.decode()
    institution_page = client_for(county_user).get(owing_venue.get_absolute_url())
    assert 'id="owed-reason"' in institution_page.content.decode()
    assert REASON in institution_page.content.decode()


def test_the_cross_off_page_says_why_it_is_refused(owing_venue, township_user, client_for):
    response = client_for(township_user).post(
        reverse("disposal:zeroing_cross_off", args=[owing_venue.pk]),
        {"outcome": "closed", "outcome_on": "2026-03-01"},
    )

    assert response.status_code == 200
    assert "30,000.00" in response.content.decode()
    assert not ZeroingEntry.objects.filter(status="crossed_off").exists()


def test_a_transfer_with_money_owed_needs_the_countys_reason_too(
    owing_venue, township_user, county_user
):
    TransferFactory(institution=owing_venue, transferred_on=date(2026, 2, 25))

    with pytest.raises(ValidationError):
        cross_off(
            user=township_user,
            institution=owing_venue,
            outcome=Outcome.TRANSFERRED,
            today=TODAY,
        )
    entry = cross_off(
        user=county_user,
        institution=owing_venue,
        outcome=Outcome.TRANSFERRED,
        owed_reason=REASON,
        today=TODAY,
    )
    assert entry.owed_reason == REASON


def test_once_everything_is_refunded_the_township_crosses_it_off(owing_venue, township_user):
    RefundFactory(prepayment=owing_venue.prepayments.get(), amount=Decimal("30000"))

    entry = close(township_user, owing_venue)

    assert entry.is_crossed_off
    assert (entry.owed_when_crossed_off, entry.owed_reason) == (None, "")


def test_a_stable_venue_registers_with_its_elders_deposits(township, township_user):
    """督促登记: the deposits stay with the institution it becomes, nothing is owed back."""
    venue = VenueFactory(township=township)
    PrepaymentFactory(institution=venue, amount=Decimal("3000"), kind="deposit")

    entry = cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.REGISTERED,
        registration=Registration(credit_code=make_credit_code(9100)),
        today=TODAY,
    )

    assert entry.is_crossed_off and entry.owed_when_crossed_off is None


# --- 督促清退资金 is not closed while money is owed ---------------------------------------------


@pytest.fixture
def urging(township, county_user):
    institution = InstitutionFactory(township=township)
    record = PrepaymentFactory(institution=institution, amount=Decimal("12000"))
    RefundFactory(prepayment=record, amount=Decimal("2000"))
    apply_level(institution, "orange", user=county_user, today=TODAY)
    return DisposalAction.objects.get(institution=institution, action_type=ActionType.URGE_REFUND)


def test_urging_refunds_is_not_closed_by_the_township_while_money_is_owed(urging, township_user):
    urging.status = ActionStatus.DONE
    urging.completed_on = TODAY

    with pytest.raises(ValidationError) as error:
        update_action(user=township_user, action=urging, today=TODAY)

    assert "10,000.00" in error.value.messages[0]
    urging.refresh_from_db()
    assert urging.status == ActionStatus.OPEN


def test_the_county_closes_it_with_its_reason_in_the_history(urging, county_user):
    urging.status = ActionStatus.DONE
    urging.completed_on = TODAY
    with pytest.raises(ValidationError) as error:
        update_action(user=county_user, action=urging, today=TODAY)
    assert "status_reason" in error.value.message_dict

    urging.status_reason = "已移交公安机关追缴"
    action = update_action(user=county_user, action=urging, today=TODAY)

    assert action.status == ActionStatus.DONE
    assert action.status_reason == "已移交公安机关追缴"
    assert "已移交公安机关追缴" in action.history.first().history_change_reason


def test_urging_refunds_closes_once_the_elders_are_paid_back(urging, township_user):
    RefundFactory(prepayment=urging.institution.prepayments.get(), amount=Decimal("10000"))
    urging.status = ActionStatus.DONE
    urging.completed_on = TODAY

    action = update_action(user=township_user, action=urging, today=TODAY)

    assert action.status == ActionStatus.DONE
