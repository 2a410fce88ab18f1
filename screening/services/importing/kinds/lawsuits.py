"""Lawsuits (涉诉, from 中国裁判文书网 extracts): one record per case number and party."""

from __future__ import annotations

from ....models import (
    ImportKind,
    Lawsuit,
)
from ....models.people import normalise_name
from ..columns import (
    Column,
    Date,
    Text,
    YesNo,
)
from .common import CREDIT_CODE, ID_NUMBER, SubjectImport


class LawsuitImport(SubjectImport):
    kind = ImportKind.LAWSUITS
    document = "涉诉记录"
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
        # One suit per case number and party per importing unit (unique_lawsuit_party_per_
        # unit): only the records of the user's own unit count, so another county's record
        # of the same case neither blocks this one nor is revealed by a "skipped" note.
        return set(
            Lawsuit.objects.visible_to(ctx.user)
            .filter(
                unit=ctx.unit,
                case_number__in={r.values["case_number"] for r in rows},
            )
            .values_list("case_number", "normalised_name")
        )
