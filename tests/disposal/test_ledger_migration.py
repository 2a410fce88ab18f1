"""The data migration into the one refund ledger (screening 0014, disposal 0009): the
refunds typed on prepayment records and disposal's refunds owed and paid become dated
entries against the elders' prepayment records, nothing counted twice, nothing owed lost."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from disposal.selectors.records import refund_totals
from screening.models import PrepaymentKind, PrepaymentRecord, PrepaymentRefund
from screening.models.people import normalise_name
from tests.factories import InstitutionFactory
from tests.screening.factories import PrepaymentRecordFactory

BEFORE = [
    ("screening", "0012_standing_findings_and_verification"),
    ("disposal", "0008_phone_numbers_validated"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def key(name):
    return f"name:{normalise_name(name)}"


@pytest.mark.django_db(transaction=True)
def test_refunds_move_into_the_ledger_once(township, county_user):
    institution = InstitutionFactory(township=township)

    def pay(name, kind, amount, paid_on):
        return PrepaymentRecordFactory(
            institution=institution,
            payer_name=name,
            payer_id_number="",
            kind=kind,
            amount=Decimal(amount),
            paid_on=paid_on,
            created_by=county_user,
        )

    wang_fee = pay("王秀英", PrepaymentKind.MEMBERSHIP, "30000", date(2025, 6, 1))
    wang_deposit = pay("王秀英", PrepaymentKind.DEPOSIT, "10000", date(2025, 7, 1))
    li = pay("李建国", PrepaymentKind.MEMBERSHIP, "10000", date(2025, 5, 1))
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old = migrate(BEFORE)
    OldRecord = old.get_model("screening", "PrepaymentRecord")
    RefundPlan = old.get_model("disposal", "RefundPlan")
    RefundRecord = old.get_model("disposal", "RefundRecord")
    # Typed on the records (before the ledger): 5,000 to 王 and all of 李's 10,000.
    OldRecord.objects.filter(pk=wang_fee.pk).update(
        refunded_amount=Decimal("5000"), refunded_on=date(2025, 8, 1)
    )
    OldRecord.objects.filter(pk=li.pk).update(
        refunded_amount=Decimal("10000"), refunded_on=date(2026, 1, 10)
    )

    def plan(name, due, from_records, **extra):
        return RefundPlan.objects.create(
            institution_id=institution.pk,
            scope_path=institution.scope_path,
            payer_name=name,
            payer_key=key(name),
            amount_due=Decimal(due),
            from_prepayment_records=from_records,
            created_by_id=county_user.pk,
            **extra,
        )

    def paid(plan_, amount, on, notes=""):
        RefundRecord.objects.create(
            plan_id=plan_.pk,
            institution_id=institution.pk,
            scope_path=institution.scope_path,
            amount=Decimal(amount),
            refunded_on=on,
            notes=notes,
            created_by_id=county_user.pk,
        )

    # 王: prefilled from the records (35,000 outstanding), 30,000 paid in two refunds.
    wang = plan("王秀英", "35000", True)
    paid(wang, "20000", date(2026, 2, 1), "银行转账")
    paid(wang, "10000", date(2026, 3, 1))
    # 李: the same 10,000 recorded in disposal too: it is not counted a second time.
    paid(plan("李建国", "10000", True), "10000", date(2026, 1, 10))
    # 赵: owed 8,000 by hand, no prepayment record; 3,000 paid.
    zhao = plan("赵大娘", "8000", False, due_by=date(2026, 4, 1), notes="口头承诺")
    paid(zhao, "3000", date(2026, 2, 15))

    migrate(leaf)

    def refunded(record):
        record.refresh_from_db()
        entries = list(record.refunds.order_by("refunded_on", "pk"))
        assert record.refunded_amount == sum((e.amount for e in entries), Decimal("0"))
        return [(e.amount, e.refunded_on) for e in entries]

    assert refunded(wang_fee) == [
        (Decimal("5000"), date(2025, 8, 1)),
        (Decimal("20000"), date(2026, 2, 1)),
        (Decimal("5000"), date(2026, 3, 1)),
    ]
    assert refunded(wang_deposit) == [(Decimal("5000"), date(2026, 3, 1))]
    assert refunded(li) == [(Decimal("10000"), date(2026, 1, 10))]
    other = PrepaymentRecord.objects.get(institution=institution, payer_key=key("赵大娘"))
    assert (other.kind, other.amount) == (PrepaymentKind.OTHER, Decimal("8000"))
    assert other.paid_on <= date(2026, 2, 15)
    assert "2026-04-01" in other.notes and "口头承诺" in other.notes
    assert refunded(other) == [(Decimal("3000"), date(2026, 2, 15))]

    totals = refund_totals([institution.pk])[institution.pk]
    assert (totals.due, totals.refunded, totals.outstanding) == (
        Decimal("58000"),
        Decimal("48000"),
        Decimal("10000"),
    )
    assert totals.payers == 3
    # Every entry keeps who recorded it, in its history too; the notes come along.
    entries = PrepaymentRefund.objects.all()
    assert {e.created_by_id for e in entries} == {county_user.pk}
    assert all(e.history.exists() for e in entries)
    assert entries.filter(notes="银行转账").exists()
    # Disposal's own tables are gone: no second source remains.
    assert "disposal_refundplan" not in connection.introspection.table_names()
