"""The empty workbook a county downloads to see what a kind of import expects."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .kinds import SPECS

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Rows formatted in advance, so that ID numbers and credit codes typed in stay text.
FORMATTED_ROWS = 200


def text_cell(ws, row, column, value):
    """Write ``value`` as text: a string starting with "=" must never become a formula."""
    cell = ws.cell(row=row, column=column, value=str(value))
    cell.data_type = "s"
    return cell


def template_workbook(kind: str) -> bytes:
    spec = SPECS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Data")
    for index, column in enumerate(spec.columns, start=1):
        cell = text_cell(sheet, 1, index, column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        for row in range(2, FORMATTED_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = column.type.number_format
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30

    notes = workbook.create_sheet(_("How to fill in"))
    headings = [_("Column"), _("Required"), _("What to write"), _("Also accepted as header")]
    for index, heading in enumerate(headings, start=1):
        cell = text_cell(notes, 1, index, heading)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
    for row, column in enumerate(spec.columns, start=2):
        text_cell(notes, row, 1, column.header).font = Font(bold=column.required)
        text_cell(notes, row, 2, _("Yes") if column.required else _("No"))
        text_cell(notes, row, 3, column.type.describe())
        text_cell(notes, row, 4, "、".join(column.aliases))
    last = len(spec.columns) + 3
    for offset, line in enumerate(
        [
            _("Fill in the first sheet. A title row above the header row is allowed."),
            _("Every row is checked; if any row has an error, nothing is imported."),
            _("Rows already in the system are skipped; duplicate rows within the file are errors."),
        ]
    ):
        text_cell(notes, last + offset, 1, line)
    for letter, width in zip("ABCD", (22, 10, 50, 50), strict=True):
        notes.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
