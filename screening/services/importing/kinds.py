"""The seven kinds of import, each declared once: its columns as people write them and how
a validated row becomes a record.

Headers are the Chinese column names found in the spreadsheets the county receives (金民
工程 and market-regulation rosters, 中国裁判文书网 and 信用中国 extracts, 12337/12345
work orders); aliases are other names seen for the same column. They are data, not
interface text: a file has the same headers whatever language the user reads.

Rows already in the database (same natural key) are reported in the preview and skipped
when applied, never imported twice: the lists are pushed again and again (信息定期推送)
and a county should not have to delete last month's rows by hand. Duplicates inside one
file are errors, since one of them is a mistake.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from institutions.models import Institution, LegalForm, Ownership, RegistrationStatus
from institutions.services import save_institutions_bulk

from ...models import (
    BlacklistEntry,
    BlacklistKind,
    Complaint,
    ImportKind,
    Lawsuit,
    Lead,
    LeadChannel,
    LeadStatus,
    PrepaymentKind,
    PrepaymentRecord,
    SharedListEntry,
    SharedListSource,
)
from ...models.people import normalise_name
from ..matching import Registry, match_records
from .columns import (
    Amount,
    Choice,
    Column,
    Count,
    CreditCode,
    Date,
    IdNumber,
    Phone,
    Text,
    Township,
    YesNo,
    squeeze,
)
from .spec import CREATE, SKIP, UPDATE, ImportContext, ImportSpec, Row
from .spec import change_reason as history_reason

ID_NUMBER = Column(
    "id_number",
    "身份证号",
    IdNumber(),
    aliases=("身份证号码", "公民身份号码", "证件号码", "身份证"),
    width=22,
)
CREDIT_CODE = Column(
    "credit_code",
    "统一社会信用代码",
    CreditCode(),
    aliases=("社会信用代码", "统一信用代码", "信用代码", "组织机构代码"),
    width=22,
)
TOWNSHIP_HEADERS = (
    "乡镇",
    "街道",
    "乡镇/街道",
    "乡镇街道",
    "所属乡镇",
    "所在乡镇",
    "所属乡镇（街道）",
)


def fields(values: dict, *names) -> dict:
    """The given values that were filled in (blank cells keep the model's default)."""
    return {
        name: values[name]
        for name in names
        if name in values and values[name] is not None and values[name] != ""
    }


# --- outside records matched to the registry ------------------------------------------------


class SubjectImport(ImportSpec):
    """Records about a subject (a person or an organisation) matched to the registry."""

    record_fields: tuple[str, ...] = ()

    def check(self, row: Row, ctx: ImportContext) -> None:
        if row.values.get("id_number") and row.values.get("credit_code"):
            row.error(
                self.header("id_number"),
                _("Give the ID number (a person) or the credit code (an organisation), not both."),
            )

    def build(self, row: Row, ctx: ImportContext):
        values = row.values
        return self.model(
            unit=ctx.unit,
            batch=ctx.batch,
            created_by=ctx.user,
            subject_name=values["subject_name"],
            id_number=values.get("id_number", ""),
            credit_code=values.get("credit_code", ""),
            **fields(values, *self.record_fields),
        )

    def before_write(self, instances, ctx: ImportContext) -> None:
        # Matching sets the match, the candidate, normalised_name and scope_path.
        ctx.registry = match_records(instances, user=ctx.user, registry=ctx.registry)

    def _names(self, rows):
        return {normalise_name(r.values["subject_name"]) for r in rows}


class LawsuitImport(SubjectImport):
    kind = ImportKind.LAWSUITS
    model = Lawsuit
    columns = (
        Column(
            "case_number",
            "案号",
            Text(100, compact=True),
            required=True,
            aliases=("案件编号", "案件号", "案件字号"),
            width=28,
        ),
        Column(
            "subject_name",
            "当事人",
            Text(200),
            required=True,
            aliases=("当事人姓名", "当事人名称", "被告", "被告人", "被执行人", "姓名", "名称"),
            width=24,
        ),
        ID_NUMBER,
        CREDIT_CODE,
        Column("cause", "案由", Text(200), required=True, aliases=("罪名",), width=24),
        Column("court", "审理法院", Text(100), aliases=("法院", "审理机关", "受理法院"), width=24),
        Column(
            "filed_on",
            "立案日期",
            Date(),
            aliases=("立案时间", "判决日期", "裁判日期", "裁判时间", "日期"),
            width=14,
        ),
        Column(
            "economic_crime",
            "是否经济犯罪",
            YesNo(),
            aliases=("经济犯罪", "是否涉经济犯罪"),
            width=14,
        ),
        Column("source", "来源", Text(100), aliases=("数据来源", "信息来源"), width=16),
    )
    key_fields = ("case_number", "subject_name")
    record_fields = ("case_number", "cause", "court", "filed_on", "economic_crime", "source")

    def natural_key(self, values):
        return (values["case_number"], normalise_name(values["subject_name"]))

    def existing_keys(self, rows, ctx):
        # The database holds one suit per case number and party (unique_lawsuit_party), in
        # every county: the check is not limited to what the user sees.
        return set(
            Lawsuit.objects.filter(
                case_number__in={r.values["case_number"] for r in rows}
            ).values_list("case_number", "normalised_name")
        )


class BlacklistImport(SubjectImport):
    kind = ImportKind.BLACKLIST
    model = BlacklistEntry
    columns = (
        Column(
            "subject_name",
            "名称",
            Text(200),
            required=True,
            aliases=(
                "姓名",
                "名称/姓名",
                "姓名/名称",
                "主体名称",
                "单位名称",
                "企业名称",
                "当事人",
            ),
            width=24,
        ),
        ID_NUMBER,
        CREDIT_CODE,
        Column(
            "list_kind",
            "名单类别",
            Choice(
                BlacklistKind.choices,
                aliases={
                    "信用中国": BlacklistKind.CREDIT_CHINA,
                    "失信名单": BlacklistKind.CREDIT_CHINA,
                    "失信被执行人": BlacklistKind.CREDIT_CHINA,
                    "严重失信主体名单": BlacklistKind.CREDIT_CHINA,
                    "养老服务": BlacklistKind.ELDER_CARE,
                    "养老服务领域黑名单": BlacklistKind.ELDER_CARE,
                    "企业": BlacklistKind.ENTERPRISE,
                    "经营异常名录": BlacklistKind.ENTERPRISE,
                    "严重违法失信企业名单": BlacklistKind.ENTERPRISE,
                    "社会组织": BlacklistKind.SOCIAL_ORGANISATION,
                    "社会组织严重违法失信名单": BlacklistKind.SOCIAL_ORGANISATION,
                },
            ),
            required=True,
            aliases=("黑名单类别", "名单类型", "黑名单类型", "名单"),
            width=20,
        ),
        Column("reason", "列入原因", Text(255), aliases=("原因", "事由", "列入事由"), width=30),
        Column(
            "listed_on", "列入日期", Date(), aliases=("列入时间", "认定日期", "认定时间"), width=14
        ),
        Column(
            "removed_on",
            "移出日期",
            Date(past=False),
            aliases=("移出时间", "有效期至", "移除日期"),
            width=14,
        ),
    )
    key_fields = ("list_kind", "subject_name", "id_number", "credit_code")
    record_fields = ("list_kind", "reason", "listed_on", "removed_on")

    def natural_key(self, values):
        return (
            values["list_kind"],
            normalise_name(values["subject_name"]),
            values.get("id_number", ""),
            values.get("credit_code", ""),
        )

    def check(self, row, ctx):
        super().check(row, ctx)
        listed, removed = row.values.get("listed_on"), row.values.get("removed_on")
        if listed and removed and removed < listed:
            row.error(self.header("removed_on"), _("The removal date is before the listing date."))

    def existing_keys(self, rows, ctx):
        return set(
            BlacklistEntry.objects.visible_to(ctx.user)
            .filter(normalised_name__in=self._names(rows))
            .values_list("list_kind", "normalised_name", "id_number", "credit_code")
        )


class ComplaintImport(SubjectImport):
    kind = ImportKind.COMPLAINTS
    model = Complaint
    columns = (
        Column(
            "subject_name",
            "被投诉对象",
            Text(200),
            required=True,
            aliases=("投诉对象", "被举报对象", "被投诉人", "被投诉单位", "被反映对象", "对象"),
            width=24,
        ),
        ID_NUMBER,
        CREDIT_CODE,
        Column(
            "received_on",
            "受理日期",
            Date(),
            required=True,
            aliases=("投诉日期", "举报日期", "登记日期", "受理时间", "日期"),
            width=14,
        ),
        Column("channel", "渠道", Text(50), aliases=("投诉渠道", "受理渠道", "来源"), width=14),
        Column(
            "content",
            "投诉内容",
            Text(5000),
            required=True,
            aliases=("内容", "举报内容", "投诉举报内容", "诉求内容", "问题描述"),
            width=40,
        ),
        Column(
            "reference",
            "编号",
            Text(100, compact=True),
            aliases=("工单编号", "工单号", "投诉编号", "受理编号"),
            width=20,
        ),
    )
    key_fields = ("reference", "subject_name", "received_on", "content")
    record_fields = ("received_on", "channel", "content", "reference")

    def natural_key(self, values):
        # A work-order number identifies a complaint; without one, who, when and what.
        if values.get("reference"):
            return ("ref", values["reference"])
        return (
            "text",
            normalise_name(values["subject_name"]),
            values["received_on"],
            squeeze(values["content"]),
        )

    def existing_keys(self, rows, ctx):
        references = {r.values["reference"] for r in rows if r.values.get("reference")}
        names = self._names(r for r in rows if not r.values.get("reference"))
        found = (
            Complaint.objects.visible_to(ctx.user)
            .filter(Q(reference__in=references) | Q(normalised_name__in=names))
            .only("reference", "subject_name", "received_on", "content")
        )
        keys = set()
        for complaint in found:
            values = {
                "subject_name": complaint.subject_name,
                "received_on": complaint.received_on,
                "content": complaint.content,
            }
            keys.add(self.natural_key(values))
            if complaint.reference:
                keys.add(self.natural_key({**values, "reference": complaint.reference}))
        return keys


class SharedListImport(SubjectImport):
    """Lists shared by police, market regulation and 金民工程 ("四看" 三看): each entry is
    matched to an institution; those matched to none are candidates to verify."""

    kind = ImportKind.SHARED_LIST
    model = SharedListEntry
    columns = (
        Column(
            "subject_name",
            "名称",
            Text(200),
            required=True,
            aliases=(
                "企业名称",
                "机构名称",
                "场所名称",
                "单位名称",
                "主体名称",
                "市场主体名称",
            ),
            width=28,
        ),
        CREDIT_CODE,
        Column(
            "source",
            "来源",
            Choice(
                SharedListSource.choices,
                aliases={
                    "公安": SharedListSource.POLICE,
                    "公安局": SharedListSource.POLICE,
                    "公安机关": SharedListSource.POLICE,
                    "市场监管": SharedListSource.MARKET_REGULATION,
                    "市场监管局": SharedListSource.MARKET_REGULATION,
                    "市场监督管理局": SharedListSource.MARKET_REGULATION,
                    "金民工程": SharedListSource.JINMIN,
                    "金民工程预警": SharedListSource.JINMIN,
                    "其他": SharedListSource.OTHER,
                },
            ),
            aliases=("来源部门", "推送部门", "信息来源"),
            width=16,
        ),
        Column(
            "address",
            "地址",
            Text(255),
            aliases=("住所", "经营场所", "注册地址", "实际地址", "地址/住所"),
            width=30,
        ),
        Column("business_scope", "经营范围", Text(10000), aliases=("业务范围",), width=40),
        Column(
            "registered_on",
            "成立日期",
            Date(),
            aliases=("登记日期", "注册日期", "成立时间"),
            width=14,
        ),
        Column("township", "乡镇（街道）", Township(), aliases=TOWNSHIP_HEADERS, width=14),
    )
    key_fields = ("credit_code", "subject_name")
    record_fields = ("address", "business_scope", "registered_on", "township")

    def natural_key(self, values):
        if values.get("credit_code"):
            return ("code", values["credit_code"])
        return ("name", normalise_name(values["subject_name"]))

    def build(self, row, ctx):
        entry = super().build(row, ctx)
        entry.source = row.values.get("source") or SharedListSource.OTHER
        return entry

    def existing_keys(self, rows, ctx):
        codes = {r.values["credit_code"] for r in rows if r.values.get("credit_code")}
        keys = set()
        for code, name in (
            SharedListEntry.objects.visible_to(ctx.user)
            .filter(Q(credit_code__in=codes) | Q(normalised_name__in=self._names(rows)))
            .values_list("credit_code", "normalised_name")
        ):
            if code:
                keys.add(("code", code))
            keys.add(("name", name))
        return keys


# --- records created in the registry's scope -------------------------------------------------


class LeadImport(ImportSpec):
    """Leads from the 12337 platform and the 12345 hotline, each for its township."""

    kind = ImportKind.LEADS
    model = Lead
    columns = (
        Column(
            "township",
            "乡镇（街道）",
            Township(),
            required=True,
            aliases=TOWNSHIP_HEADERS,
            width=14,
        ),
        Column(
            "channel",
            "线索来源",
            Choice(
                LeadChannel.choices,
                aliases={
                    "12337平台": LeadChannel.PLATFORM_12337,
                    "12337智能化举报平台": LeadChannel.PLATFORM_12337,
                    "12345热线": LeadChannel.HOTLINE_12345,
                    "12345非法金融活动举报平台": LeadChannel.HOTLINE_12345,
                    "来信来访": LeadChannel.WALK_IN,
                    "来访": LeadChannel.WALK_IN,
                    "来信": LeadChannel.WALK_IN,
                    "上级交办": LeadChannel.REFERRED,
                    "转办": LeadChannel.REFERRED,
                    "排查发现": LeadChannel.FOUND,
                    "其他": LeadChannel.OTHER,
                },
            ),
            required=True,
            aliases=("来源渠道", "渠道", "来源", "举报渠道"),
            width=16,
        ),
        Column(
            "reference",
            "编号",
            Text(100, compact=True),
            aliases=("线索编号", "工单编号", "工单号"),
            width=20,
        ),
        Column(
            "received_on",
            "受理日期",
            Date(),
            required=True,
            aliases=("接收日期", "收到日期", "举报日期", "受理时间", "日期"),
            width=14,
        ),
        Column("reporter_name", "举报人", Text(50), aliases=("举报人姓名", "反映人"), width=12),
        Column(
            "reporter_phone",
            "联系电话",
            Phone(),
            aliases=("举报人电话", "电话", "手机号", "联系方式"),
            width=16,
        ),
        Column(
            "subject",
            "被举报对象",
            Text(200),
            required=True,
            aliases=("举报对象", "涉及机构", "反映对象", "对象"),
            width=24,
        ),
        Column(
            "content",
            "线索内容",
            Text(10000),
            required=True,
            aliases=("举报内容", "内容", "主要内容", "反映问题"),
            width=40,
        ),
        CREDIT_CODE,
    )
    key_fields = ("channel", "reference", "township", "received_on", "subject")

    def natural_key(self, values):
        if values.get("reference"):
            return ("ref", values["channel"], values["reference"])
        return ("text", values["township"].pk, values["received_on"], squeeze(values["subject"]))

    def resolve(self, rows, ctx):
        with_code = [r for r in rows if r.values.get("credit_code")]
        if not with_code:
            return
        ctx.registry = ctx.registry or Registry.load(ctx.user, persons=False)
        for row in with_code:
            institution = ctx.registry.institutions_by_code.get(row.values["credit_code"])
            if institution is None:
                row.error(
                    self.header("credit_code"),
                    _("No institution with this credit code in your area."),
                )
            elif institution.township_id != row.values["township"].pk:
                row.error(
                    self.header("credit_code"),
                    _("This institution is not in %(township)s.")
                    % {"township": row.values["township"].name},
                )
            else:
                row.resolved["institution"] = institution

    def build(self, row, ctx):
        values = row.values
        return Lead(
            unit=values["township"],
            institution=row.resolved.get("institution"),
            status=LeadStatus.RECEIVED,
            created_by=ctx.user,
            **fields(
                values,
                "channel",
                "reference",
                "received_on",
                "reporter_name",
                "reporter_phone",
                "subject",
                "content",
            ),
        )

    def existing_keys(self, rows, ctx):
        references = {r.values["reference"] for r in rows if r.values.get("reference")}
        units = {r.values["township"].pk for r in rows}
        keys = set()
        for channel, reference, unit_id, received_on, subject in (
            Lead.objects.visible_to(ctx.user)
            .filter(Q(reference__in=references) | Q(unit_id__in=units, reference=""))
            .values_list("channel", "reference", "unit_id", "received_on", "subject")
        ):
            if reference:
                keys.add(("ref", channel, reference))
            keys.add(("text", unit_id, received_on, squeeze(subject)))
        return keys


class PrepaymentImport(ImportSpec):
    """A prepayment list: one row per payment by one elder, at an institution of the user's
    area found by its credit code or its exact name. The payer is identified by the ID
    number (else the name), so that payers are counted once however many rows they have."""

    kind = ImportKind.PREPAYMENTS
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
        return PrepaymentRecord(
            institution=row.resolved["institution"],
            created_by=ctx.user,
            payer_key=values["payer_key"],
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
                "refunded_amount",
                "refunded_on",
                "promised_return",
                "promised_return_note",
                "notes",
            ),
        )

    def before_write(self, instances, ctx):
        for record in instances:
            record.scope_path = record.institution.scope_path

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


class RosterImport(ImportSpec):
    """The institution roster from 金民工程 or market regulation: creates institutions that
    are not on the registry and updates those that are (by credit code), with history.

    A blank cell never erases what the registry holds: the roster only adds and corrects.
    """

    kind = ImportKind.ROSTER
    model = Institution
    columns = (
        Column(
            "name",
            "机构名称",
            Text(200),
            required=True,
            aliases=("名称", "养老机构名称", "单位名称", "机构全称"),
            width=28,
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            CreditCode(),
            required=True,
            aliases=CREDIT_CODE.aliases,
            width=22,
        ),
        Column(
            "township",
            "乡镇（街道）",
            Township(),
            required=True,
            aliases=TOWNSHIP_HEADERS,
            width=14,
        ),
        Column(
            "registration_status",
            "备案状态",
            Choice(
                [
                    (value, label)
                    for value, label in RegistrationStatus.choices
                    if value != RegistrationStatus.UNREGISTERED
                ],
                aliases={
                    "已备案": RegistrationStatus.REGISTERED_FILED,
                    "备案": RegistrationStatus.REGISTERED_FILED,
                    "已登记已备案": RegistrationStatus.REGISTERED_FILED,
                    "是": RegistrationStatus.REGISTERED_FILED,
                    "未备案": RegistrationStatus.REGISTERED_NOT_FILED,
                    "已登记未备案": RegistrationStatus.REGISTERED_NOT_FILED,
                    "否": RegistrationStatus.REGISTERED_NOT_FILED,
                },
            ),
            aliases=("登记备案状态", "是否备案", "登记状态"),
            width=14,
        ),
        Column(
            "legal_form",
            "法人类型",
            Choice(
                LegalForm.choices,
                aliases={
                    "民办非企业单位": LegalForm.SOCIAL_SERVICE,
                    "民非": LegalForm.SOCIAL_SERVICE,
                    "社会服务机构": LegalForm.SOCIAL_SERVICE,
                    "企业": LegalForm.ENTERPRISE,
                    "公司": LegalForm.ENTERPRISE,
                    "事业单位": LegalForm.PUBLIC_INSTITUTION,
                    "其他": LegalForm.OTHER,
                },
            ),
            aliases=("登记类型", "单位类型", "法人性质"),
            width=16,
        ),
        Column(
            "ownership",
            "运营方式",
            Choice(
                Ownership.choices,
                aliases={
                    "公办": Ownership.PUBLIC,
                    "公办公营": Ownership.PUBLIC,
                    "公建民营": Ownership.PUBLIC_BUILT_PRIVATE_RUN,
                    "民办": Ownership.PRIVATE,
                    "民建民营": Ownership.PRIVATE,
                },
            ),
            aliases=("经营性质", "举办性质", "性质", "公办/民办"),
            width=12,
        ),
        Column(
            "registration_authority",
            "登记管理机关",
            Text(100),
            aliases=("登记机关", "登记管理机关名称"),
            width=20,
        ),
        Column(
            "registered_address",
            "注册地址",
            Text(255),
            aliases=("住所", "登记地址", "注册地"),
            width=30,
        ),
        Column(
            "actual_address",
            "实际地址",
            Text(255),
            aliases=("地址", "经营地址", "实际经营地址", "机构地址"),
            width=30,
        ),
        Column("beds", "床位数", Count(), aliases=("床位", "床位数（张）", "核定床位数"), width=10),
        Column(
            "residents",
            "入住人数",
            Count(),
            aliases=("在住老人数", "入住老人数", "在院人数"),
            width=10,
        ),
        Column(
            "legal_representative",
            "法定代表人",
            Text(50),
            aliases=("法人代表", "法人", "法定代表人姓名"),
            width=12,
        ),
        Column("principal", "主要负责人", Text(50), aliases=("负责人", "院长"), width=12),
        Column(
            "established_on",
            "成立日期",
            Date(),
            aliases=("登记日期", "成立时间", "注册日期"),
            width=14,
        ),
        Column("business_scope", "业务范围", Text(10000), aliases=("经营范围",), width=40),
        Column("contact_person", "联系人", Text(50), width=12),
        Column("contact_phone", "联系电话", Phone(), aliases=("电话", "联系方式"), width=16),
    )
    key_fields = ("credit_code",)
    updatable = (
        "name",
        "registration_status",
        "legal_form",
        "ownership",
        "registration_authority",
        "registered_address",
        "actual_address",
        "beds",
        "residents",
        "legal_representative",
        "principal",
        "established_on",
        "business_scope",
        "contact_person",
        "contact_phone",
    )

    def natural_key(self, values):
        return (values["credit_code"],)

    def mark_existing(self, rows, ctx):
        """Rows whose credit code is on the registry update it (or change nothing)."""
        codes = {r.values["credit_code"] for r in rows}
        existing = {
            i.credit_code: i
            for i in Institution.objects.filter(credit_code__in=codes).select_related(
                "township", "village"
            )
        }
        prefix = None if ctx.user.is_superuser else ctx.user.unit.path
        for row in rows:
            institution = existing.get(row.values["credit_code"])
            if institution is None:
                continue
            if prefix is not None and not institution.scope_path.startswith(prefix):
                row.error(
                    self.header("credit_code"),
                    _("This credit code belongs to an institution outside your area."),
                )
                continue
            changed = self._apply_values(institution, row.values)
            if changed:
                row.action = UPDATE
                row.note = _("Updates: %(fields)s") % {
                    "fields": "、".join(self.header(f) or f for f in changed)
                }
                row.resolved["changed"] = changed
            else:
                row.action = SKIP
                row.note = _("Already on the registry with the same details: nothing to change.")
            row.resolved["institution"] = institution

    def _apply_values(self, institution, values) -> list[str]:
        changed = []
        for name, value in fields(values, *self.updatable).items():
            if getattr(institution, name) != value:
                setattr(institution, name, value)
                changed.append(name)
        township = values["township"]
        if institution.township_id != township.pk:
            institution.township = township
            institution.village = None  # the village belonged to the old township
            changed.append("township")
        return changed

    def build(self, row, ctx):
        if row.action == UPDATE:
            return row.resolved["institution"]
        values = row.values
        return Institution(
            township=values["township"],
            created_by=ctx.user,
            registration_status=values.get("registration_status")
            or RegistrationStatus.REGISTERED_FILED,
            credit_code=values["credit_code"],
            **fields(values, *(f for f in self.updatable if f != "registration_status")),
        )

    def write(self, rows, ctx):
        # The registry's own bulk service: it sets scope_path by the model's rule, records
        # the history and moves the records of an institution whose township changed.
        updates = [r for r in rows if r.action == UPDATE]
        return save_institutions_bulk(
            user=ctx.user,
            created=[r.instance for r in rows if r.action == CREATE],
            updated=[r.instance for r in updates],
            fields={name for r in updates for name in r.resolved["changed"]},
            reason=history_reason(ctx),
        )


SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        RosterImport(),
        SharedListImport(),
        LawsuitImport(),
        BlacklistImport(),
        ComplaintImport(),
        LeadImport(),
        PrepaymentImport(),
    )
}

__all__ = ["SKIP", "SPECS"]
