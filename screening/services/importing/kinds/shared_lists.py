"""Lists shared by police, market regulation and 金民工程, matched to the registry; the
entries matched to no institution are the "四看" review's candidates to verify."""

from __future__ import annotations

from django.db.models import Q

from ....models import (
    ImportKind,
    SharedListEntry,
    SharedListSource,
)
from ....models.people import normalise_name
from ..columns import (
    Choice,
    Column,
    Date,
    Text,
    Township,
)
from .common import CREDIT_CODE, TOWNSHIP_HEADERS, SubjectImport


class SharedListImport(SubjectImport):
    """Lists shared by police, market regulation and 金民工程 ("四看" 三看): each entry is
    matched to an institution; those matched to none are candidates to verify."""

    kind = ImportKind.SHARED_LIST
    document = "部门共享名单"
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
