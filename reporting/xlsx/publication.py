"""The publication list's three tables (政务公开, 区县方案 二(三)三), each declared once, and
the three ways out of them: one workbook (a sheet per table, through the project's writer),
a CSV per table and one plain HTML page for the bureau's website.

The rows are the dicts the list keeps (``PublicationList.rows``); the columns say which keys
are published, so a key that is not declared here never leaves. 等级评定 (the national star
grading of 养老机构) is not a column: the product does not hold it (docs/policy-trace.md).
"""

from __future__ import annotations

import csv
import io
from datetime import date

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.xlsx import workbook_bytes
from core.xlsx.spec import Column, ColumnType, Table, serial_column
from core.xlsx.writer import render_table
from screening.models.visits import ScreeningRound

from ..choices import InspectionConclusion

INT, TEXT, DATE = ColumnType.INT, ColumnType.TEXT, ColumnType.DATE


def _label(choices, key: str):
    def label(row):
        try:
            return str(choices(row[key]).label)
        except (KeyError, ValueError):
            return row.get(key) or ""

    return label


def _day(key: str):
    return lambda row: date.fromisoformat(row[key]) if row.get(key) else None


FILED_INSTITUTIONS = Table(
    code="publication_institutions",
    sheet_title="登记备案名单",
    title=gettext_lazy("Elder-care institutions registered and filed according to law"),
    totals=False,
    footer=False,
    columns=(
        serial_column(gettext_lazy("Serial no.")),
        Column("name", (gettext_lazy("Institution"),), width=30),
        Column("credit_code", (gettext_lazy("Unified social credit code"),), width=22),
        Column("address", (gettext_lazy("Address"),), width=36),
        Column("township", (gettext_lazy("Township / street"),), width=14),
        Column("beds", (gettext_lazy("Beds"),), INT, width=8),
        Column("filed_on", (gettext_lazy("Date filed"),), DATE, width=12, value=_day("filed_on")),
    ),
)

INSPECTIONS = Table(
    code="publication_inspections",
    sheet_title="行政检查",
    title=gettext_lazy("Administrative inspections of elder-care institutions"),
    totals=False,
    footer=False,
    columns=(
        serial_column(gettext_lazy("Serial no.")),
        Column("institution", (gettext_lazy("Institution"),), width=30),
        Column("credit_code", (gettext_lazy("Unified social credit code"),), width=22),
        Column("date", (gettext_lazy("Inspection date"),), DATE, width=12, value=_day("date")),
        Column(
            "kind",
            (gettext_lazy("Kind of inspection"),),
            width=16,
            value=_label(ScreeningRound, "kind"),
        ),
        Column(
            "conclusion",
            (gettext_lazy("Conclusion"),),
            width=28,
            value=_label(InspectionConclusion, "conclusion"),
        ),
    ),
)

PENALTIES = Table(
    code="publication_penalties",
    sheet_title="行政处罚",
    title=gettext_lazy("Administrative penalties of elder-care institutions"),
    totals=False,
    footer=False,
    columns=(
        serial_column(gettext_lazy("Serial no.")),
        Column("institution", (gettext_lazy("Institution"),), width=30),
        Column("credit_code", (gettext_lazy("Unified social credit code"),), width=22),
        Column("document_number", (gettext_lazy("Decision number"),), width=22),
        Column("authority", (gettext_lazy("Deciding authority"),), width=22),
        Column("date", (gettext_lazy("Decided on"),), DATE, width=12, value=_day("date")),
        Column("decision", (gettext_lazy("Penalty decided"),), width=40),
    ),
)

# The list's sections in the order they are published, each with its table.
PUBLICATION_TABLES = {
    "institutions": FILED_INSTITUTIONS,
    "inspections": INSPECTIONS,
    "penalties": PENALTIES,
}

NOTHING = "无"


def _values(table: Table, rows: list[dict]) -> list[list]:
    return [[c.value_of(row, i) for c in table.columns] for i, row in enumerate(rows, start=1)]


def publication_title(publication) -> str:
    return _("%(bureau)s government information disclosure on elder-care services (%(date)s)") % {
        "bureau": publication.unit.bureau_name,
        "date": publication.as_of.isoformat(),
    }


def publication_notes(publication) -> list[str]:
    return [
        _("Inspections and penalties from %(since)s to %(as_of)s.")
        % {"since": publication.since.isoformat(), "as_of": publication.as_of.isoformat()},
    ]


def publication_workbook(publication) -> bytes:
    """One sheet per table, on the paper form's layout (title, unit line, borders)."""
    workbook = Workbook(write_only=True)
    for name, table in PUBLICATION_TABLES.items():
        render_table(
            table,
            publication.section(name),
            unit_name=publication.unit.bureau_name,
            report_date=publication.as_of,
            workbook=workbook,
            notes=publication_notes(publication) if name != "institutions" else (),
            empty_text=NOTHING,
        )
    return workbook_bytes(workbook)


# A cell a spreadsheet would read as a formula is written with a leading apostrophe
# (OWASP "CSV injection"): typed text stays text here too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def publication_csv(publication, name: str) -> bytes:
    """One table as CSV (UTF-8 with a byte-order mark, which Excel needs to read Chinese)."""
    table = PUBLICATION_TABLES[name]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.header[-1]) for c in table.columns])
    for values in _values(table, publication.section(name)):
        writer.writerow([_csv_cell(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def publication_sections(publication) -> list[dict]:
    """What a page shows: each table's title, headers and rows of values."""
    return [
        {
            "name": name,
            "title": table.title,
            "headers": [c.header[-1] for c in table.columns],
            "rows": _values(table, publication.section(name)),
        }
        for name, table in PUBLICATION_TABLES.items()
    ]


def publication_html(publication) -> str:
    """A standalone page, no scripts or styles from the product, for the bureau's website."""
    return render_to_string(
        "reporting/publication_public.html",
        {
            "title": publication_title(publication),
            "publication": publication,
            "sections": publication_sections(publication),
            "notes": publication_notes(publication),
        },
    )
