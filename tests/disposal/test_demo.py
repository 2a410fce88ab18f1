"""The demo county's disposal: every state on the boards, and loading twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from disposal.demo import build_disposal_demo
from disposal.models import (
    ActionStatus,
    Assistance,
    DisposalAction,
    DisposalCase,
    Penalty,
    Resettlement,
    Transfer,
    ZeroingEntry,
    ZeroingStatus,
)
from institutions.models import Institution
from risklists.models import RatingState
from screening.models import PrepaymentRecord, PrepaymentRefund

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(DisposalCase.objects.values_list("institution_id", "level")),
        sorted(
            DisposalAction.objects.values_list(
                "institution_id",
                "action_type",
                "status",
                "deadline",
                "overdue_since",
                "level_lowered_on",
                "responsible_user_id",
            )
        ),
        DisposalAction.history.count(),
        sorted(PrepaymentRefund.objects.values_list("prepayment_id", "amount", "refunded_on")),
        Resettlement.objects.count(),
        Assistance.objects.count(),
        Transfer.objects.count(),
        sorted(ZeroingEntry.objects.values_list("institution_id", "status", "outcome")),
        sorted(Institution.objects.values_list("pk", "registration_status")),
        sorted(Penalty.objects.values_list("institution_id", "document_number", "proposed_on")),
        Penalty.history.count(),
    )


def test_demo_disposal_has_every_state_and_loading_twice_changes_nothing():
    call_command("load_demo", stdout=StringIO())
    first = snapshot()
    call_command("load_demo", stdout=StringIO())
    assert snapshot() == first

    actions = DisposalAction.objects.all()
    assert set(DisposalCase.objects.values_list("level", flat=True)) == {
        "green",
        "yellow",
        "orange",
        "red",
    }
    for status in ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE:
        assert actions.filter(status=status).exists(), status
    assert actions.filter(overdue_since__isnull=False, status__in=["open", "in_progress"]).exists()
    assert actions.filter(level_lowered_on__isnull=False).exists()
    assert PrepaymentRefund.objects.exists() and Resettlement.objects.exists()
    # The one ledger: each record's refunded amount is the sum of its refunds.
    for record in PrepaymentRecord.objects.filter(refunds__isnull=False).distinct():
        assert record.refunded_amount == sum(r.amount for r in record.refunds.all())
    assert Assistance.objects.exists() and Transfer.objects.exists()
    crossed = ZeroingEntry.objects.filter(status=ZeroingStatus.CROSSED_OFF)
    assert crossed.count() >= 3
    # 区县方案 二(三)四: a fine on the institution, and its operator sentenced and proposed.
    assert Penalty.objects.filter(person_name="").exists()
    assert Penalty.objects.filter(person_name__gt="", proposed_on__isnull=False).exists()
    assert ZeroingEntry.objects.exclude(status=ZeroingStatus.CROSSED_OFF).exists()


def test_demo_has_key_cases_a_major_lead_and_a_follow_up_after_registration():
    from screening.models import Lead

    call_command("load_demo", stdout=StringIO())
    assert DisposalCase.objects.filter(is_key=True, level="red").exists()
    assert Lead.objects.filter(is_key=True).exists()
    assert Lead.objects.filter(is_major=True, major_since__isnull=False).exists()
    registered = ZeroingEntry.objects.filter(outcome="registered")
    assert registered.exists()
    assert DisposalAction.objects.filter(
        action_type="follow_up_check", institution__in=registered.values("institution")
    ).exists()


def test_demo_disposal_follows_the_levels_the_county_approved():
    call_command("load_demo", stdout=StringIO())
    approved = dict(
        RatingState.objects.filter(current__isnull=False).values_list(
            "institution_id", "approved_level"
        )
    )
    cases = dict(DisposalCase.objects.values_list("institution_id", "level"))
    assert cases == approved
    # Every case's actions are those its level requires, created by the approval itself.
    assert not DisposalCase.objects.filter(actions__isnull=True).exists()


def test_disposal_demo_alone_chooses_levels_when_there_are_no_ratings():
    call_command("load_demo", stdout=StringIO())
    DisposalAction.history.all().delete()
    DisposalAction.objects.all().delete()
    DisposalCase.history.all().delete()
    DisposalCase.objects.all().delete()
    summary = build_disposal_demo()
    assert summary.cases > 0
    assert set(DisposalCase.objects.values_list("level", flat=True)) == {
        "green",
        "yellow",
        "orange",
        "red",
    }
