"""The one writer that renders any declared ``Table`` to an openpyxl workbook.

Layout, as the paper forms are filed: the title merged across; the reporting-unit line
(填报单位（盖章）and 填报日期); the header rows with their merges; the data rows; a totals
row (合计); the footer (填报人 / 审核人 / 联系电话). A4 landscape, fit to the page width, the
header rows repeated on every printed page, panes frozen below the header.

Every string is written as text (data type "s"), so typed text such as ``=1+1`` or
``+CMD|' /C calc'!A0`` can never become a formula. Rows are consumed from an iterator
one at a time and the totals are accumulated on the way, so the loop does not need the
rows in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .spec import NUMBER_FORMATS, Column, ColumnType, Table

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
A4 = 9


def set_text(cell, value: str):
    """Store ``value`` as text, never as a formula, whatever it starts with."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"


def write_value(cell, column: Column, value):
    if value is None or value == "":
        return
    if column.type == ColumnType.TEXT or isinstance(value, str):
        set_text(cell, str(value))
        return
    if column.type in (ColumnType.MONEY, ColumnType.PERCENT) and isinstance(value, Decimal):
        value = float(value)
    if column.type == ColumnType.DATE and isinstance(value, datetime):
        value = value.date()
    cell.value = value
    cell.number_format = NUMBER_FORMATS[column.type]


def _merge(ws: Worksheet, row1, col1, row2, col2):
    if (row1, col1) != (row2, col2):
        ws.merge_cells(start_row=row1, start_column=col1, end_row=row2, end_column=col2)


def _box(ws: Worksheet, row1, col1, row2, col2):
    for row in ws.iter_rows(min_row=row1, max_row=row2, min_col=col1, max_col=col2):
        for cell in row:
            cell.border = BORDER


def _write_headers(ws: Worksheet, table: Table, first_row: int) -> int:
    """The header rows with their merges, from the columns' header paths; the last row."""
    columns = list(table.columns)
    depth = table.header_depth
    last_row = first_row + depth - 1
    for level in range(depth):
        row = first_row + level
        i = 0
        while i < len(columns):
            path = columns[i].header
            if len(path) <= level:
                i += 1
                continue
            if len(path) == level + 1:
                # A leaf: it fills the rows below it down to the last header row.
                cell = ws.cell(row=row, column=i + 1)
                set_text(cell, str(path[level]))
                _merge(ws, row, i + 1, last_row, i + 1)
                i += 1
                continue
            # A group: the consecutive columns sharing this part of the path.
            prefix = tuple(str(p) for p in path[: level + 1])
            j = i
            while (
                j + 1 < len(columns)
                and len(columns[j + 1].header) > level + 1
                and tuple(str(p) for p in columns[j + 1].header[: level + 1]) == prefix
            ):
                j += 1
            set_text(ws.cell(row=row, column=i + 1), prefix[-1])
            _merge(ws, row, i + 1, row, j + 1)
            i = j + 1
    for header_row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=len(columns)):
        for cell in header_row:
            cell.font = HEADER_FONT
            cell.alignment = CENTRE
            cell.border = BORDER
    return last_row


def _write_line(ws: Worksheet, row: int, parts: list[str], width: int, align_last=RIGHT):
    """Texts spread over one row, each part in its own merged block of columns."""
    n = len(parts)
    bounds = [round(k * width / n) for k in range(n + 1)]
    for k, text in enumerate(parts):
        start, end = bounds[k] + 1, max(bounds[k + 1], bounds[k] + 1)
        cell = ws.cell(row=row, column=start)
        set_text(cell, text)
        cell.font = BODY_FONT
        cell.alignment = align_last if (k == n - 1 and n > 1) else LEFT
        _merge(ws, row, start, row, end)


def render_table(
    table: Table,
    rows: Iterable,
    *,
    unit_name: str = "",
    report_date: date | None = None,
    footer_values: dict[str, str] | None = None,
    workbook: Workbook | None = None,
) -> Workbook:
    """Add a sheet with ``table`` filled from ``rows`` to ``workbook`` (a new one if None)."""
    if workbook is None:
        workbook = Workbook()
        ws = workbook.active
    else:
        ws = workbook.create_sheet()
    ws.title = (table.sheet_title or table.code)[:31]
    columns = list(table.columns)
    width = len(columns)

    # Title.
    title = ws.cell(row=1, column=1)
    set_text(title, str(table.title))
    title.font = TITLE_FONT
    title.alignment = CENTRE
    _merge(ws, 1, 1, 1, width)
    ws.row_dimensions[1].height = 32
    row_number = 2

    if table.unit_line:
        day = report_date.strftime("%Y-%m-%d") if report_date else ""
        _write_line(
            ws,
            row_number,
            [
                _("Reporting unit (seal): %(unit)s") % {"unit": unit_name},
                _("Date: %(date)s") % {"date": day},
            ],
            width,
        )
        row_number += 1

    header_first = row_number
    header_last = _write_headers(ws, table, header_first)
    row_number = header_last + 1
    data_first = row_number

    summed = [c for c in columns if c.total is True]
    sums: dict[str, object] = {c.key: 0 for c in summed}
    for index, row in enumerate(rows, start=1):
        for col, column in enumerate(columns, start=1):
            value = column.value_of(row, index)
            cell = ws.cell(row=row_number, column=col)
            write_value(cell, column, value)
            cell.font = BODY_FONT
            cell.border = BORDER
            cell.alignment = LEFT if column.type == ColumnType.TEXT else CENTRE
            if column.total is True and isinstance(value, int | float | Decimal):
                sums[column.key] += value
        row_number += 1

    if table.has_totals():
        leading = 0
        while leading < width and not columns[leading].total:
            leading += 1
        label = ws.cell(row=row_number, column=1)
        set_text(label, _("Total"))
        label.font = HEADER_FONT
        label.alignment = CENTRE
        _merge(ws, row_number, 1, row_number, max(leading, 1))
        for col, column in enumerate(columns, start=1):
            if col <= leading or not column.total:
                continue
            value = sums[column.key] if column.total is True else column.total(sums)
            cell = ws.cell(row=row_number, column=col)
            write_value(cell, column, value)
            cell.font = HEADER_FONT
            cell.alignment = CENTRE
        _box(ws, row_number, 1, row_number, width)
        row_number += 1

    if table.footer:
        values = footer_values or {}
        row_number += 1
        _write_line(
            ws,
            row_number,
            [
                _("Filled in by: %(name)s") % {"name": values.get("filled_by", "")},
                _("Checked by: %(name)s") % {"name": values.get("checked_by", "")},
                _("Phone: %(phone)s") % {"phone": values.get("phone", "")},
            ],
            width,
            align_last=LEFT,
        )
        row_number += 1
    for note in table.notes:
        _write_line(ws, row_number, [str(note)], width)
        row_number += 1

    for col, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = column.display_width

    ws.freeze_panes = ws.cell(row=data_first, column=table.frozen_columns + 1)
    ws.print_title_rows = f"{header_first}:{header_last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
