"""Blacklists (信用中国, the elder-care field's 黑名单, enterprises' and social organisations'
lists), each entry matched to the registry."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ....models import (
    BlacklistEntry,
    BlacklistKind,
    ImportKind,
)
from ....models.people import normalise_name
from ..columns import (
    Choice,
    Column,
    Date,
    Text,
)
from .common import CREDIT_CODE, ID_NUMBER, SubjectImport


class BlacklistImport(SubjectImport):
    kind = ImportKind.BLACKLIST
    document = "黑名单"
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
