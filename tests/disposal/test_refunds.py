"""Refunds per elder, from the one refund ledger (entries against the prepayment records):
totals that add up, never more than was paid, dated, reversed rather than deleted; and the
"一院一策" plan keeps its versions."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disposal.models import InstitutionPlan
from disposal.selectors.records import refund_totals
from disposal.services.records import save_plan
from screening.models import PrepaymentRefund
from screening.services.refunds import record_refund, reverse_refund
from tests.disposal.factories import (
    AssistanceFactory,
    PrepaymentFactory,
    RefundFactory,
    ResettlementFactory,
)
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township)


def test_refund_totals_add_up_per_institution(institution, township):
    a = PrepaymentFactory(institution=institution, payer_name="王秀英", amount=Decimal("30000"))
    b = PrepaymentFactory(institution=institution, payer_name="李建国", amount=Decimal("12000.50"))
    RefundFactory(prepayment=a, amount=Decimal("10000"))
    RefundFactory(prepayment=a, amount=Decimal("20000"))
    RefundFactory(prepayment=b, amount=Decimal("2000.25"))
    other = InstitutionFactory(township=township)
    RefundFactory(prepayment=PrepaymentFactory(institution=other, amount=Decimal("999")))

    totals = refund_totals([institution.pk, other.pk])[institution.pk]

    assert totals.due == Decimal("42000.50")
    assert totals.refunded == Decimal("32000.25")
    assert totals.outstanding == Decimal("10000.25")
    assert totals.payers == 2


def test_one_elders_payments_count_once_however_many_records(institution):
    PrepaymentFactory(institution=institution, payer_name="王秀英", amount=Decimal("20000"))
    second = PrepaymentFactory(
        institution=institution, payer_name="王 秀英", amount=Decimal("10000")
    )
    RefundFactory(prepayment=second, amount=Decimal("10000"))

    totals = refund_totals([institution.pk])[institution.pk]

    assert totals.payers == 1
    assert totals.outstanding == Decimal("20000")


def test_a_refund_never_exceeds_what_is_still_owed_on_the_payment(institution, township_user):
    record = PrepaymentFactory(institution=institution, amount=Decimal("5000"))
    RefundFactory(prepayment=record, amount=Decimal("4000"))

    with pytest.raises(ValidationError) as error:
        record_refund(
            user=township_user,
            prepayment=record,
            amount=Decimal("1000.01"),
            refunded_on=date(2026, 3, 1),
            today=TODAY,
        )

    assert "1,000.00" in error.value.message_dict["amount"][0]
    record_refund(
        user=township_user,
        prepayment=record,
        amount=Decimal("1000"),
        refunded_on=date(2026, 3, 1),
        today=TODAY,
    )
    record.refresh_from_db()
    assert record.refunded_amount == record.amount
    assert refund_totals([institution.pk])[institution.pk].outstanding == 0


@pytest.mark.parametrize(
    ("refunded_on", "field"),
    [(date(2026, 3, 11), "refunded_on"), (date(2025, 5, 31), "refunded_on")],
    ids=["future", "before-the-payment"],
)
def test_a_refund_is_dated_between_the_payment_and_today(
    institution, township_user, refunded_on, field
):
    record = PrepaymentFactory(institution=institution, paid_on=date(2025, 6, 1))

    with pytest.raises(ValidationError) as error:
        record_refund(
            user=township_user,
            prepayment=record,
            amount=Decimal("100"),
            refunded_on=refunded_on,
            today=TODAY,
        )

    assert field in error.value.message_dict
    assert not PrepaymentRefund.objects.exists()


def test_a_wrong_refund_is_reversed_not_deleted_and_history_says_who_and_why(
    institution, township_user
):
    record = PrepaymentFactory(institution=institution, amount=Decimal("20000"))
    refund = record_refund(
        user=township_user,
        prepayment=record,
        amount=Decimal("8000"),
        refunded_on=date(2026, 3, 2),
        today=TODAY,
    )

    reversal = reverse_refund(
        user=township_user, refund=refund, reason="金额录错，应为800元", today=TODAY
    )

    record.refresh_from_db()
    assert record.refunded_amount == 0
    assert PrepaymentRefund.objects.count() == 2
    assert (reversal.amount, reversal.refunded_on, reversal.reverses) == (
        Decimal("-8000"),
        TODAY,
        refund,
    )
    entry = reversal.history.get()
    assert (entry.history_user, entry.history_change_reason) == (
        township_user,
        "金额录错，应为800元",
    )
    # Counted as of a day before the reversal, the refund still counts: packs do not move.
    assert refund_totals([institution.pk], as_of=date(2026, 3, 9))[institution.pk].refunded == (
        Decimal("8000")
    )
    assert refund_totals([institution.pk])[institution.pk].refunded == 0
    with pytest.raises(ValidationError):
        reverse_refund(user=township_user, refund=refund, reason="again", today=TODAY)
    with pytest.raises(ValidationError):
        reverse_refund(user=township_user, refund=reversal, reason="again", today=TODAY)


def test_a_reversal_needs_a_reason(institution, township_user):
    refund = RefundFactory(prepayment=PrepaymentFactory(institution=institution))

    with pytest.raises(ValidationError) as error:
        reverse_refund(user=township_user, refund=refund, reason="  ", today=TODAY)

    assert "reason" in error.value.message_dict


def test_refunds_are_counted_as_of_their_date(institution):
    record = PrepaymentFactory(
        institution=institution, amount=Decimal("30000"), paid_on=date(2026, 1, 5)
    )
    first = RefundFactory(prepayment=record, amount=Decimal("1000"), refunded_on=date(2026, 3, 3))
    second = RefundFactory(prepayment=record, amount=Decimal("2000"), refunded_on=date(2026, 3, 4))
    tz = timezone.get_default_timezone()
    cut_off = datetime(2026, 3, 3, 17, tzinfo=tz)
    # Entered on the days they tell of, as a county working along would have.
    type(record).objects.filter(pk=record.pk).update(created_at=datetime(2026, 1, 5, 9, tzinfo=tz))
    for refund, day in ((first, 3), (second, 4)):
        type(refund).objects.filter(pk=refund.pk).update(
            created_at=datetime(2026, 3, day, 9, tzinfo=tz)
        )

    record.refresh_from_db()

    assert refund_totals([institution.pk], as_of=cut_off)[institution.pk].refunded == 1000
    # A refund dated before the cut-off but entered after it was not known at that moment
    # (a pack rebuilt later keeps its figures); as of a day, it counts.
    RefundFactory(prepayment=record, amount=Decimal("500"), refunded_on=date(2026, 3, 2))
    assert refund_totals([institution.pk], as_of=cut_off)[institution.pk].refunded == 1000
    assert refund_totals([institution.pk], as_of=date(2026, 3, 3))[institution.pk].refunded == 1500
    assert refund_totals([institution.pk], as_of=date(2026, 3, 4))[institution.pk].refunded == (
        3500
    )
    # Before the payment, nothing was paid in or owed.
    before = refund_totals([institution.pk], as_of=date(2026, 1, 4))[institution.pk]
    assert (before.due, before.refunded, before.payers) == (0, 0, 0)


def test_a_leader_cannot_record_a_refund(institution, leader):
    record = PrepaymentFactory(institution=institution)

    with pytest.raises(PermissionDenied):
        record_refund(
            user=leader,
            prepayment=record,
            amount=Decimal("1"),
            refunded_on=date(2026, 3, 1),
            today=TODAY,
        )


def test_plan_keeps_every_version_and_skips_an_unchanged_text(institution, township_user):
    first = save_plan(user=township_user, institution=institution, text="约谈负责人，督促退费。")
    unchanged = save_plan(
        user=township_user, institution=institution, text="约谈负责人，督促退费。"
    )
    second = save_plan(user=township_user, institution=institution, text="联合市场监管关停。")

    assert (first.version, second.version) == (1, 2)
    assert unchanged is None
    assert InstitutionPlan.objects.filter(institution=institution).count() == 2
    assert second.created_by == township_user


def test_refund_page_masks_elders_id_numbers_and_phones_for_leaders(
    client_for, institution, leader, township_user
):
    PrepaymentFactory(
        institution=institution,
        payer_name="王秀英",
        payer_id_number="43042319500101123X",
        payer_phone="13912345678",
    )
    url = reverse("disposal:refund_list", args=[institution.pk])

    leader_page = client_for(leader).get(url).content.decode()
    assert "43042319500101123X" not in leader_page
    assert "13912345678" not in leader_page
    assert "430423*********23X" in leader_page
    assert "139****5678" in leader_page

    staff_page = client_for(township_user).get(url).content.decode()
    assert "43042319500101123X" in staff_page
    assert "13912345678" in staff_page


def test_refund_page_lists_each_elder_with_their_payments_and_refunds(
    client_for, institution, township_user, django_assert_max_num_queries
):
    record = PrepaymentFactory(
        institution=institution, payer_name="王秀英", amount=Decimal("30000")
    )
    RefundFactory(prepayment=record, amount=Decimal("12000"), refunded_on=date(2026, 3, 1))
    url = reverse("disposal:refund_list", args=[institution.pk])
    client = client_for(township_user)
    client.get(url)
    with CaptureQueriesContext(connection) as one_elder:
        client.get(url)
    for _k in range(4):
        RefundFactory(
            prepayment=PrepaymentFactory(institution=institution, amount=Decimal("1000")),
            amount=Decimal("1000"),
        )

    with django_assert_max_num_queries(len(one_elder.captured_queries)):
        response = client.get(url)

    totals = response.context["totals"]
    assert (totals.due, totals.refunded, totals.outstanding) == (
        Decimal("34000"),
        Decimal("16000"),
        Decimal("18000"),
    )
    [wang] = [p for p in response.context["payers"] if p.payer_name == "王秀英"]
    assert (wang.due, wang.refunded, wang.outstanding) == (30000, 12000, 18000)
    page = response.content.decode()
    assert "2026-03-01: 12,000.00" in page
    assert reverse("disposal:refund_record_create", args=[record.pk]) in page


def test_resettlement_and_assistance_mask_elders_id_numbers_for_leaders(
    client_for, institution, leader, township_user
):
    ResettlementFactory(institution=institution, elder_id_number="43042319500101123X")
    AssistanceFactory(institution=institution, elder_id_number="43042319500101123X")
    for name in ("disposal:resettlement_list", "disposal:assistance_list"):
        url = reverse(name, args=[institution.pk])
        assert "43042319500101123X" not in client_for(leader).get(url).content.decode()
        assert "43042319500101123X" in client_for(township_user).get(url).content.decode()
