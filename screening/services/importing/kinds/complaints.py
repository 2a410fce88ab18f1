"""Complaints and reports (12345 and other work orders) about a person or an organisation,
matched to the registry."""

from __future__ import annotations

from django.db.models import Q

from ....models import (
    Complaint,
    ImportKind,
)
from ....models.people import normalise_name
from ..columns import (
    Column,
    Date,
    Text,
    squeeze,
)
from .common import CREDIT_CODE, ID_NUMBER, SubjectImport


class ComplaintImport(SubjectImport):
    kind = ImportKind.COMPLAINTS
    document = "投诉举报记录"
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
