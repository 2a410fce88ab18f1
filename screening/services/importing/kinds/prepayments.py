"""Prepayment lists: the payments elders made to an institution of the user's area, and
what was already refunded on each (an entry of the refund ledger, dated)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ....models import (
    ImportKind,
    PrepaymentKind,
    PrepaymentRecord,
    PrepaymentRefund,
)
from ....models.people import normalise_name
from ...matching import Registry
from ..columns import (
    Amount,
    Choice,
    Column,
    Count,
    Date,
    IdNumber,
    Phone,
    Text,
    YesNo,
)
from ..spec import BULK_BATCH_SIZE, CREATE, ImportSpec, change_reason
from .common import CREDIT_CODE, fields


class PrepaymentImport(ImportSpec):
    """A prepayment list: one row per payment by one elder, at an institution of the user's
    area found by its credit code or its exact name. The payer is identified by the ID
    number (else the name), so that payers are counted once however many rows they have."""

    kind = ImportKind.PREPAYMENTS
    document = "预付费名单"
    model = PrepaymentRecord
    columns = (
        Column(
            "institution_name",
            "机构名称",
            Text(200),
            aliases=("养老机构名称", "机构", "收费单位", "单位名称"),
            width=24,
        ),
        CREDIT_CODE,
        Column(
            "payer_name",
            "缴费人",
            Text(50),
            required=True,
            aliases=("缴费人姓名", "老人姓名", "姓名", "付款人"),
            width=12,
        ),
        Column(
            "payer_id_number",
            "身份证号",
            IdNumber(),
            aliases=("缴费人身份证号", "身份证号码", "公民身份号码"),
            width=22,
        ),
        Column(
            "payer_phone",
            "联系电话",
            Phone(),
            aliases=("电话", "手机号", "缴费人电话"),
            width=16,
        ),
        Column(
            "kind",
            "预付费类型",
            Choice(
                PrepaymentKind.choices,
                aliases={
                    "押金": PrepaymentKind.DEPOSIT,
                    "保证金": PrepaymentKind.DEPOSIT,
                    "会员费": PrepaymentKind.MEMBERSHIP,
                    "会员卡": PrepaymentKind.MEMBERSHIP,
                    "办卡": PrepaymentKind.MEMBERSHIP,
                    "充值": PrepaymentKind.TOP_UP,
                    "预存": PrepaymentKind.TOP_UP,
                    "床位费预交": PrepaymentKind.PREPAID_BED_FEE,
                    "预交床位费": PrepaymentKind.PREPAID_BED_FEE,
                    "预交费": PrepaymentKind.PREPAID_BED_FEE,
                    "投资": PrepaymentKind.INVESTMENT,
                    "认购床位": PrepaymentKind.INVESTMENT,
                    "购买床位": PrepaymentKind.INVESTMENT,
                    "其他": PrepaymentKind.OTHER,
                },
            ),
            required=True,
            aliases=("类型", "收费类型", "缴费类型", "费用类型"),
            width=14,
        ),
        Column(
            "amount",
            "金额（元）",
            Amount(),
            required=True,
            aliases=("金额", "缴费金额", "缴费金额（元）", "预付金额", "预付金额（元）"),
            width=14,
        ),
        Column(
            "paid_on",
            "缴费日期",
            Date(),
            required=True,
            aliases=("日期", "缴费时间", "付款日期"),
            width=14,
        ),
        Column(
            "monthly_fee",
            "月收费标准（元）",
            Amount(),
            aliases=("月收费标准", "月费", "月床位费", "月收费"),
            width=16,
        ),
        Column("months_covered", "预付月数", Count(), aliases=("预交月数", "预付月份数"), width=10),
        Column(
            "refunded_amount",
            "已退还金额（元）",
            Amount(),
            aliases=("已退还金额", "已退金额", "退还金额", "退费金额"),
            width=16,
        ),
        Column("refunded_on", "退还日期", Date(), aliases=("退款日期", "退费日期"), width=14),
        Column(
            "promised_return",
            "是否承诺回报",
            YesNo(),
            aliases=("承诺回报", "承诺投资回报"),
            width=14,
        ),
        Column(
            "promised_return_note",
            "承诺回报内容",
            Text(100),
            aliases=("回报说明", "承诺回报说明", "承诺收益"),
            width=20,
        ),
        Column("notes", "备注", Text(255), width=20),
    )
    key_fields = ("institution_name", "payer_name", "kind", "paid_on", "amount")

    def natural_key(self, values):
        return (
            values.get("institution_id"),
            values.get("payer_key"),
            values["kind"],
            values["paid_on"],
            values["amount"],
        )

    def check(self, row, ctx):
        values = row.values
        if not values.get("institution_name") and not values.get("credit_code"):
            row.error(
                self.header("institution_name"),
                _("Give the institution's credit code or its name."),
            )
        number = values.get("payer_id_number")
        values["payer_key"] = (
            f"id:{number}" if number else f"name:{normalise_name(values['payer_name'])}"
        )
        # What was refunded becomes a dated entry of the refund ledger: its date is needed.
        refunded, refunded_on = values.get("refunded_amount"), values.get("refunded_on")
        amount, paid_on = values.get("amount"), values.get("paid_on")
        if refunded and amount is not None and refunded > amount:
            row.error(self.header("refunded_amount"), _("The refund exceeds the amount paid."))
        if refunded and not refunded_on:
            row.error(self.header("refunded_on"), _("Give the date of the refund."))
        if refunded_on and not refunded:
            row.error(self.header("refunded_amount"), _("Give the amount refunded on that date."))
        if refunded_on and paid_on and refunded_on < paid_on:
            row.error(self.header("refunded_on"), _("The refund date is before the payment date."))

    def resolve(self, rows, ctx):
        ctx.registry = ctx.registry or Registry.load(ctx.user, persons=False)
        for row in rows:
            code, name = row.values.get("credit_code"), row.values.get("institution_name")
            if code:
                institution = ctx.registry.institutions_by_code.get(code)
                if institution is None:
                    row.error(
                        self.header("credit_code"),
                        _("No institution with this credit code in your area."),
                    )
                    continue
                if name and normalise_name(name) != normalise_name(institution.name):
                    # Which one is wrong cannot be known: the row is refused, not guessed.
                    row.error(
                        self.header("institution_name"),
                        _(
                            "The credit code is that of “%(found)s”, not of “%(name)s”: "
                            "correct the name or the code."
                        )
                        % {"found": institution.name, "name": name},
                    )
                    continue
            else:
                found = ctx.registry.institutions_by_name.get(normalise_name(name), [])
                if not found:
                    row.error(
                        self.header("institution_name"),
                        _("No institution named “%(name)s” in your area.") % {"name": name},
                    )
                    continue
                if len(found) > 1:
                    row.error(
                        self.header("institution_name"),
                        _("Several institutions are named “%(name)s”: give the credit code.")
                        % {"name": name},
                    )
                    continue
                institution = found[0]
            row.resolved["institution"] = institution
            row.values["institution_id"] = institution.pk

    def build(self, row, ctx):
        values = row.values
        record = PrepaymentRecord(
            institution=row.resolved["institution"],
            created_by=ctx.user,
            payer_key=values["payer_key"],
            refunded_amount=values.get("refunded_amount") or Decimal("0"),
            **fields(
                values,
                "payer_name",
                "payer_id_number",
                "payer_phone",
                "kind",
                "amount",
                "paid_on",
                "monthly_fee",
                "months_covered",
                "promised_return",
                "promised_return_note",
                "notes",
            ),
        )
        record.refund_on = values.get("refunded_on")
        return record

    def before_write(self, instances, ctx):
        for record in instances:
            record.scope_path = record.institution.scope_path

    def write(self, rows, ctx) -> int:
        """The records, then one ledger entry per record that was already partly refunded
        (its ``refunded_amount`` is that entry's amount: the ledger's sum)."""
        written = super().write(rows, ctx)
        refunds = [
            PrepaymentRefund(
                prepayment=record,
                institution_id=record.institution_id,
                scope_path=record.scope_path,
                amount=record.refunded_amount,
                refunded_on=record.refund_on,
                created_by=ctx.user,
            )
            for record in (row.instance for row in rows if row.action == CREATE)
            if record.refunded_amount
        ]
        if refunds:
            bulk_create_with_history(
                refunds,
                PrepaymentRefund,
                batch_size=BULK_BATCH_SIZE,
                default_user=ctx.user,
                default_change_reason=change_reason(ctx),
            )
        return written

    def existing_keys(self, rows, ctx):
        institutions = {r.values["institution_id"] for r in rows}
        return {
            (institution_id, payer_key, kind, paid_on, amount)
            for institution_id, payer_key, kind, paid_on, amount in (
                PrepaymentRecord.objects.visible_to(ctx.user)
                .filter(institution_id__in=institutions)
                .values_list("institution_id", "payer_key", "kind", "paid_on", "amount")
            )
        }
