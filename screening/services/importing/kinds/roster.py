"""The institution roster (金民工程 or market regulation): the registry's own import, written
through the registry's bulk service."""

from __future__ import annotations

from django.utils.translation import gettext as _

from institutions.models import Institution, LegalForm, Ownership, RegistrationStatus
from institutions.services import save_institutions_bulk

from ....models import (
    ImportKind,
)
from ..columns import (
    Choice,
    Column,
    Count,
    CreditCode,
    Date,
    Phone,
    Text,
    Township,
)
from ..spec import CREATE, SKIP, UPDATE, ImportSpec
from ..spec import change_reason as history_reason
from .common import CREDIT_CODE, TOWNSHIP_HEADERS, fields


class RosterImport(ImportSpec):
    """The institution roster from 金民工程 or market regulation: creates institutions that
    are not on the registry and updates those that are (by credit code), with history.

    A blank cell never erases what the registry holds: the roster only adds and corrects.
    """

    kind = ImportKind.ROSTER
    document = "养老机构名册"
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
        Column("filed_on", "备案日期", Date(), aliases=("备案时间",), width=14),
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
        "filed_on",
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
