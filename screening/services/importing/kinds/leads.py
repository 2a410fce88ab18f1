"""Leads (线索) from the 12337 platform and the 12345 hotline, each for its township."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from ....models import (
    ImportKind,
    Lead,
    LeadChannel,
    LeadStatus,
)
from ...matching import Registry
from ..columns import (
    Choice,
    Column,
    Date,
    Phone,
    Text,
    Township,
    squeeze,
)
from ..spec import ImportSpec
from .common import CREDIT_CODE, TOWNSHIP_HEADERS, fields


class LeadImport(ImportSpec):
    """Leads from the 12337 platform and the 12345 hotline, each for its township."""

    kind = ImportKind.LEADS
    document = "举报线索"
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
