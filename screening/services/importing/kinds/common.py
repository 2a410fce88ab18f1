"""What several kinds of import share: the columns that identify a subject, the headers a
township column goes by, and the base of the kinds of outside records matched to the
registry (lawsuits, blacklists, complaints, shared lists)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ....models.people import normalise_name
from ...matching import match_records
from ..columns import (
    Column,
    CreditCode,
    IdNumber,
)
from ..spec import ImportContext, ImportSpec, Row

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
