"""Refunds per elder: totals that add up, never more than is due, pre-filled from the
prepayment records; the "一院一策" plan keeps its versions."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disposal.models import InstitutionPlan, RefundPlan, RefundRecord
from disposal.selectors.records import refund_totals
from disposal.services.records import prefill_refunds, record_refund, save_plan, save_record
from tests.disposal.factories import (
    AssistanceFactory,
    PrepaymentFactory,
    RefundPlanFactory,
    RefundRecordFactory,
    ResettlementFactory,
)
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township)


def test_refund_totals_add_up_per_institution(institution, township):
    a = RefundPlanFactory(institution=institution, amount_due=Decimal("30000"))
    b = RefundPlanFactory(institution=institution, amount_due=Decimal("12000.50"))
    RefundRecordFactory(plan=a, amount=Decimal("10000"))
    RefundRecordFactory(plan=a, amount=Decimal("20000"))
    RefundRecordFactory(plan=b, amount=Decimal("2000.25"))
    other = InstitutionFactory(township=township)
    RefundRecordFactory(plan=RefundPlanFactory(institution=other, amount_due=Decimal("999")))

    totals = refund_totals([institution.pk, other.pk])[institution.pk]

    assert totals.due == Decimal("42000.50")
    assert totals.refunded == Decimal("32000.25")
    assert totals.outstanding == Decimal("10000.25")
    assert totals.due == totals.refunded + totals.outstanding
    assert (totals.payers, totals.payers_settled) == (2, 1)


def test_a_refund_never_exceeds_what_is_due(institution, township_user):
    plan = RefundPlanFactory(institution=institution, amount_due=Decimal("5000"))
    RefundRecordFactory(plan=plan, amount=Decimal("4000"))

    with pytest.raises(ValidationError) as error:
        record_refund(
            user=township_user,
            record=RefundRecord(plan=plan, amount=Decimal("1000.01"), refunded_on=date(2026, 3, 1)),
            today=date(2026, 3, 2),
        )

    assert "amount" in error.value.message_dict
    record_refund(
        user=township_user,
        record=RefundRecord(plan=plan, amount=Decimal("1000"), refunded_on=date(2026, 3, 1)),
        today=date(2026, 3, 2),
    )
    assert refund_totals([institution.pk])[institution.pk].outstanding == 0


def test_refunds_are_prefilled_once_per_payer_from_outstanding_prepayments(
    institution, township_user
):
    PrepaymentFactory(institution=institution, payer_name="王秀英", amount=Decimal("20000"))
    PrepaymentFactory(
        institution=institution,
        payer_name="王秀英",
        amount=Decimal("10000"),
        refunded_amount=Decimal("4000"),
    )
    PrepaymentFactory(
        institution=institution,
        payer_name="李建国",
        amount=Decimal("8000"),
        refunded_amount=Decimal("8000"),
    )

    created = prefill_refunds(user=township_user, institution=institution)
    again = prefill_refunds(user=township_user, institution=institution)

    assert [(p.payer_name, p.amount_due) for p in created] == [("王秀英", Decimal("26000"))]
    assert again == []
    assert RefundPlan.objects.get().from_prepayment_records


def test_one_refund_owed_per_elder_and_institution(institution, township_user):
    RefundPlanFactory(institution=institution, payer_name="王秀英")

    with pytest.raises(ValidationError):
        save_record(
            user=township_user,
            record=RefundPlan(
                institution=institution, payer_name="王 秀英", amount_due=Decimal("1")
            ),
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
    RefundPlanFactory(
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


def test_refund_page_totals_add_up(client_for, institution, township_user):
    plan = RefundPlanFactory(institution=institution, amount_due=Decimal("30000"))
    RefundRecordFactory(plan=plan, amount=Decimal("12000"))

    response = client_for(township_user).get(reverse("disposal:refund_list", args=[institution.pk]))

    totals = response.context["totals"]
    assert totals == {
        "due": Decimal("30000"),
        "refunded": Decimal("12000"),
        "outstanding": Decimal("18000"),
    }


def test_resettlement_and_assistance_mask_elders_id_numbers_for_leaders(
    client_for, institution, leader, township_user
):
    ResettlementFactory(institution=institution, elder_id_number="43042319500101123X")
    AssistanceFactory(institution=institution, elder_id_number="43042319500101123X")
    for name in ("disposal:resettlement_list", "disposal:assistance_list"):
        url = reverse(name, args=[institution.pk])
        assert "43042319500101123X" not in client_for(leader).get(url).content.decode()
        assert "43042319500101123X" in client_for(township_user).get(url).content.decode()
