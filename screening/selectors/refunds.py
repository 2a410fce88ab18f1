"""Reads of the refund ledger: what the elders paid in, what was refunded to them and what
is still owed, per institution and per elder, for now or as of a cut-off.

The one source of every refund figure: the institution page (screening's and disposal's
panels), disposal's refund page and its export, the 清零 ledger, 附件4 and 附件6 read
here (disposal through ``disposal.selectors.records.refund_totals``). What the elders paid
is the sum of their prepayment records; what was refunded, the sum of the ledger's entries
(reversals included, negative); what is owed, the difference. A cut-off (``as_of``) counts
the payments and refunds dated on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core import clock
from core.asof import as_of_q, changed_since, recorded_by, value_as_of
from core.db import RawRows, id_array

from ..models import PrepaymentRecord, PrepaymentRefund

ZERO = Decimal("0")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass
class RefundTotals:
    """An institution's money owed to its elders: ``due`` is what they paid in (the
    prepayment records), ``refunded`` what went back (the ledger)."""

    payers: int = 0
    due: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.refunded


def cut_off_day(as_of: date | datetime | None) -> date | None:
    """The last day counted: the date of ``as_of`` (in Asia/Shanghai for a moment)."""
    if as_of is None:
        return None
    if isinstance(as_of, datetime):
        return clock.localdate(as_of)
    return as_of


def dated_by(as_of, field_name: str) -> Q:
    """Dated on or before ``as_of``; for a moment (a pack's cut-off), also entered by then: a
    payment or refund typed in later was not known at that moment, whatever its date."""
    day = cut_off_day(as_of)
    if day is None:
        return Q()
    q = Q(**{f"{field_name}__lte": day})
    if isinstance(as_of, datetime):
        q &= Q(created_at__lte=as_of)
    return q


def _scope(institution_ids) -> Q:
    """Institutions given as ids, or as a queryset read as a subquery (a province's ids are
    not sent back and forth)."""
    if isinstance(institution_ids, QuerySet):
        return Q(institution_id__in=institution_ids.values("pk"))
    return Q(institution_id__in=id_array(list(institution_ids)))


def ledger_reads(institution_ids, as_of=None, since: date | None = None) -> list:
    """The read ``ledger_totals_of`` adds up (one statement, for ``core.db.fetch_together``
    too): per institution, what its elders paid in, what was refunded to them and how many
    elders paid. Grouped in the database: a province's packs ask for tens of thousands of
    institutions and half a million payments.

    A refund is never dated before its payment, so what was refunded by a cut-off is on
    payments made by then.
    """
    scope = _scope(institution_ids)
    after = Q(refunded_on__gte=since) if since is not None else Q()
    paid = (
        PrepaymentRecord.objects.filter(dated_by(as_of, "paid_on"), scope)
        .values("institution_id")
        .annotate(total=Sum("amount"), payers=Count("payer_key", distinct=True))
        .order_by()
        .values_list("institution_id", "total", "payers")
    )
    refunded = (
        PrepaymentRefund.objects.filter(dated_by(as_of, "refunded_on"), after, scope)
        .values("institution_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("institution_id", "total")
    )
    paid_sql, paid_params = paid.query.sql_with_params()
    refunded_sql, refunded_params = refunded.query.sql_with_params()
    sql = f"""
        SELECT paid.institution_id, paid.total, refunded.total, paid.payers
        FROM ({paid_sql}) AS paid
        LEFT JOIN ({refunded_sql}) AS refunded ON refunded.institution_id = paid.institution_id
    """  # noqa: S608 (the inner queries are the ORM's; the values are parameters)
    return [RawRows(sql, [*paid_params, *refunded_params], columns=4)]


def ledger_totals_of(institution_ids, rows) -> dict[int, RefundTotals]:
    """``{institution id: RefundTotals}`` from the rows of ``ledger_reads``; with
    ``institution_ids`` None, the institutions the rows name (those with payments)."""
    result = {pk: RefundTotals() for pk in institution_ids or ()}
    for pk, due, refunded, payers in rows:
        if institution_ids is None or pk in result:
            result[pk] = RefundTotals(
                payers=int(payers), due=_money(due), refunded=_money(refunded)
            )
    return result


def ledger_totals(
    institution_ids, as_of=None, since: date | None = None
) -> dict[int, RefundTotals]:
    """Per institution: paid in, refunded (on or after ``since`` if given), still owed, and
    the elders who paid. One query. A queryset of institutions gives only those with
    payments."""
    ids = None if isinstance(institution_ids, QuerySet) else list(institution_ids)
    [read] = ledger_reads(institution_ids if ids is None else ids, as_of, since)
    with connection.cursor() as cursor:
        cursor.execute(read.sql, read.params)
        return ledger_totals_of(ids, cursor.fetchall())


def _money(value) -> Decimal:
    """A sum from the database as a Decimal of yuan and fen (SQLite gives floats)."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(CENT)
    return Decimal(value).quantize(CENT)


def ledger_annotations(as_of=None) -> dict:
    """The same ``refund_due`` and ``refunded`` as correlated subqueries on institutions, for
    a table that streams its rows (附件4): one query whatever its length."""
    paid = (
        PrepaymentRecord.objects.filter(dated_by(as_of, "paid_on"), institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    refunded = (
        PrepaymentRefund.objects.filter(dated_by(as_of, "refunded_on"), institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return {
        "refund_due": Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO)),
        "refunded": Coalesce(Subquery(refunded, output_field=MONEY), Value(ZERO)),
    }


# --- one institution, elder by elder ----------------------------------------------------------


@dataclass
class PayerLedger:
    """One elder's payments to the institution, each with its refunds, and their sums."""

    payer_key: str
    payer_name: str
    payer_id_number: str = ""
    payer_phone: str = ""
    records: list = field(default_factory=list)
    due: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.refunded

    @property
    def payments(self) -> list:
        """Every ledger entry of the elder, by date (refunds and reversals)."""
        return sorted(
            (entry for record in self.records for entry in record.ledger),
            key=lambda entry: (entry.refunded_on, entry.pk),
        )


def payer_ledgers(user, institution) -> tuple[list[PayerLedger], RefundTotals]:
    """The elders who paid ``institution`` (the records the user sees), each with their
    payments and refunds, and the institution's totals. Two queries, whatever the number
    of elders."""
    records = list(
        PrepaymentRecord.objects.visible_to(user)
        .filter(institution=institution)
        .order_by("payer_name", "payer_key", "paid_on", "pk")
    )
    entries = (
        PrepaymentRefund.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("created_by", "reverses")
        .order_by("refunded_on", "pk")
    )
    by_record: dict[int, list] = {}
    reversed_ids = set()
    for entry in entries:
        by_record.setdefault(entry.prepayment_id, []).append(entry)
        if entry.reverses_id:
            reversed_ids.add(entry.reverses_id)
    payers: dict[str, PayerLedger] = {}
    totals = RefundTotals()
    for record in records:
        record.ledger = by_record.get(record.pk, [])
        for entry in record.ledger:
            entry.is_reversed = entry.pk in reversed_ids
        record.refunded = sum((entry.amount for entry in record.ledger), ZERO)
        record.owed = record.amount - record.refunded
        payer = payers.get(record.payer_key)
        if payer is None:
            payer = payers[record.payer_key] = PayerLedger(record.payer_key, record.payer_name)
        payer.payer_id_number = payer.payer_id_number or record.payer_id_number
        payer.payer_phone = payer.payer_phone or record.payer_phone
        payer.records.append(record)
        payer.due += record.amount
        payer.refunded += record.refunded
    for payer in payers.values():
        totals.payers += 1
        totals.due += payer.due
        totals.refunded += payer.refunded
    return list(payers.values()), totals


def prepayments_then(records: QuerySet, cutoff: datetime) -> QuerySet:
    """``records`` (prepayment records) as they stood at ``cutoff``, a pack's: entered by
    then and paid by then as the record said then, with ``amount_then`` and ``refunded_then``
    (the history at the cut-off), so that a correction or a refund entered later is not that
    week's. The reading of the pack's prepayment columns (附件3) and of its large amounts
    (附件2, ``risklists.figures.derived_figures(prepayments_at=...)``)."""
    paid_by = Q(paid_on__lte=clock.localdate(cutoff))
    if not changed_since(PrepaymentRecord, cutoff):
        # Nothing changed since (a pack at its own deadline): the live columns, one look-up.
        return records.filter(recorded_by(cutoff), paid_by).alias(
            amount_then=F("amount"), refunded_then=F("refunded_amount")
        )
    return records.filter(recorded_by(cutoff), as_of_q(PrepaymentRecord, paid_by, cutoff)).alias(
        amount_then=value_as_of(PrepaymentRecord, "amount", cutoff),
        refunded_then=value_as_of(PrepaymentRecord, "refunded_amount", cutoff),
    )
