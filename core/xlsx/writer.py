"""The one writer that renders any declared ``Table`` to a streamed (write-only) workbook.

Layout, as the paper forms are filed: the title merged across (the first printed page);
the unit line (填报单位（盖章）and 填报日期); the header rows with their merges; the data
rows; a totals row (合计); the footer (填报人 / 审核人 / 联系电话, and 分管领导（签字） where
the plan asks for it). Panes frozen below the header.

Printed, as a clerk files it: A4 landscape, the label (附件N) at the top left of every page
and 第 X 页 共 Y 页 at the foot, the header rows repeated on every page, and the text never
below 9 points. A table that fits the page width at 83 % or more (9 of 11 points and a
little slack) is fitted to it; a wider one prints at 83 % over several pages across, each
repeating the frozen columns (序号, 乡镇 …) as print titles and the title in its page
header, instead of being shrunk to one unreadable page. Header texts wrap on whole words:
a bracketed part (（万元）) kept on one line, never a line starting with 「）」.

A province has 50,000 institutions, so the sheet is written with openpyxl's write-only
mode: each row goes to a temporary file as soon as it is made, and neither the rows nor
the cells stay in memory. What write-only mode asks for is respected: column widths, the
frozen panes and the sheet properties (fit to page) are set before the first row; merged
ranges, print titles, page setup and margins are written when the sheet is closed. Every
cell of a merged header block is written with its borders, so the block prints boxed.

Cells are lean: a style (font, alignment, border, number format) is registered with the
workbook once per kind of cell, and each column of the data rows reuses one cell object
whose value changes from row to row (``_StreamCell``), so the cost per cell is setting a
value, not building and hashing style objects.

Every string is written as text (data type "s"), so typed text such as ``=1+1`` or
``+CMD|' /C calc'!A0`` can never become a formula. Rows are consumed from an iterator one
at a time and the totals are accumulated on the way.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import LXML, Workbook
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

from .spec import NUMBER_FORMATS, Column, ColumnType, Table

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BORDER = Border()
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
A4 = 9
# Printed text is never smaller than 9 points: 11-point text at 83 % at least (82 % and one
# for the programs' rounding: LibreOffice prints 11 points at 82 % as 8.99).
MIN_PRINTED_POINTS = 9
MIN_SCALE = math.ceil(100 * MIN_PRINTED_POINTS / BODY_FONT.size) + 1
MARGIN = 0.4  # inches, left and right
# Printable width of A4 landscape (297 mm) between the margins, in points.
PRINTABLE_WIDTH = 297 / 25.4 * 72 - 2 * MARGIN * 72
# Points per unit of column width, as wide as any spreadsheet program prints it (LibreOffice
# without Calibri measures its unit on DejaVu Sans: a little over 7 points; Excel 5.25): a
# table estimated to fit is fitted by every program at a scale no smaller than the estimate.
POINTS_PER_WIDTH_UNIT = 7.2
TITLE_HEIGHT = 32
# Wrapped text: rows are given the height their longest text needs, so that the sheet prints
# like the paper form in any spreadsheet program (not all of them size rows on opening).
LINE_HEIGHT = 14.5  # points per line of 11-point 宋体
ROW_PADDING = 3
MAX_TEXT = 32767  # Excel's limit for one cell

Target = str | os.PathLike | IO[bytes]


def clean_text(value) -> str:
    """``value`` as a string Excel accepts: control characters removed, at most 32,767."""
    text = str(value)
    # Every character the expression removes is a control character, which a printable
    # text has none of: most texts skip the expression.
    if not text.isprintable():
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT]


def text_width(text: str) -> int:
    """Width in Latin characters: a Chinese character (3 bytes in UTF-8) counts two."""
    n = len(text)
    return n + (len(text.encode()) - n) // 2


def lines_needed(text: str, per_line: float) -> int:
    """Lines ``text`` takes wrapped in a column of ``per_line`` Latin characters."""
    if "\n" not in text:
        return max(1, math.ceil(text_width(text) / per_line))
    return sum(max(1, math.ceil(text_width(part) / per_line)) for part in text.split("\n"))


# Characters that never start a line (a closing bracket, quote or punctuation) and those that
# never end one (an opening bracket or quote), as Chinese typesetting keeps them.
NO_LINE_START = frozenset("）)】」』”’》〉、，。；：！？%")
NO_LINE_END = frozenset("（(【「『“‘《〈")


def _words(text: str, brackets: bool = True) -> list[str]:
    """``text`` cut where a line may break: between Chinese characters, around a Latin word,
    never before closing punctuation nor after opening, nor (``brackets``) inside a
    bracketed part (（万元）)."""
    words: list[str] = []
    depth = 0
    for char in text:
        glued = words and (
            (brackets and depth > 0)
            or char in NO_LINE_START
            or words[-1][-1] in NO_LINE_END
            or (
                char.isascii()
                and not char.isspace()
                and words[-1][-1].isascii()
                and not words[-1][-1].isspace()
            )
        )
        if glued:
            words[-1] += char
        else:
            words.append(char)
        if char in NO_LINE_END:
            depth += 1
        elif char in NO_LINE_START and depth:
            depth -= 1
    return words


def wrap_header(text: str, per_line: float) -> str:
    """``text`` with line breaks where it wraps in ``per_line`` Latin characters, on whole
    words: no line starts with a closing bracket (「）」) or ends with an opening one. Text
    that fits, or already has its own line breaks, is left as it is."""
    if "\n" in text or text_width(text) <= per_line:
        return text
    # Best, the text and its bracketed parts each on lines of their own: 排查养老服务机构和场所
    # over （家）.
    parts = [part for part in re.split(r"(?=[（(【「『“‘《〈])", text) if part]
    lines = _fill(parts, per_line)
    if all(text_width(line) <= per_line for line in lines):
        return "\n".join(lines)
    words = []
    for word in _words(text):
        # A bracketed part longer than a line is cut too, still never before its 「）」.
        words += _words(word, brackets=False) if text_width(word) > per_line else [word]
    return "\n".join(_fill(words, per_line))


def _fill(words: list[str], per_line: float) -> list[str]:
    """The words on as few lines as they fill, one after the other."""
    lines: list[str] = []
    line = ""
    for word in words:
        if line and text_width(line + word) > per_line:
            lines.append(line.rstrip())
            line = word.lstrip()
        else:
            line += word
    lines.append(line)
    return lines


def row_height(lines: int) -> float:
    return LINE_HEIGHT * lines + ROW_PADDING


def set_text(cell, value: str):
    """Store ``value`` as text, never as a formula, whatever it starts with."""
    cell._value = clean_text(value)
    cell.data_type = "s"


def write_value(cell, column: Column, value):
    """Put ``value`` in ``cell`` as ``column`` types it (any cell, streamed or not)."""
    if value is None or value == "":
        cell._value = None
        cell.data_type = "n"
    elif value is True or value is False:
        set_text(cell, _("Yes") if value else _("No"))
    elif column.type == ColumnType.TEXT or isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, datetime | date):
        cell._value = value.date() if isinstance(value, datetime) else value
        cell.data_type = "d"
    elif isinstance(value, Decimal):
        cell._value = float(value)
        cell.data_type = "n"
    else:
        cell._value = value
        cell.data_type = "n"


def _text_writer(cell, value):
    if value is None or value == "":
        cell._value = None
        cell.data_type = "n"
    elif value is True or value is False:
        set_text(cell, _("Yes") if value else _("No"))
    else:
        cell._value = clean_text(value)
        cell.data_type = "s"


def _number_writer(column: Column):
    def write(cell, value):
        if type(value) is int:
            cell._value = value
            cell.data_type = "n"
        else:
            write_value(cell, column, value)

    return write


def value_writer(column: Column) -> Callable[[Any, Any], None]:
    """``write(cell, value)`` for the cells of ``column``: the common case first."""
    if column.type == ColumnType.TEXT:
        return _text_writer
    return _number_writer(column)


# --- cells and their styles --------------------------------------------------------------------


@dataclass(frozen=True)
class CellStyle:
    font: Font = BODY_FONT
    alignment: Alignment = LEFT
    border: Border = NO_BORDER
    number_format: str = "General"


class _StreamCell(Cell):
    """A cell whose style was registered with the workbook once, for all its kind.

    openpyxl looks the style up (``style_id``, ``has_style``) for every cell it writes; here
    both are plain slots filled when the cell is made, and the cell is reused row after row.
    """

    __slots__ = ("style_id", "has_style", "style_id_text")

    def __init__(self, worksheet, style_array, style_id: int):
        super().__init__(worksheet)
        self._style = style_array
        self.style_id = style_id
        self.style_id_text = str(style_id)
        self.has_style = True


class _Styles:
    """The styles of one sheet: registered with the workbook once each."""

    def __init__(self, worksheet):
        self.worksheet = worksheet
        self._registered: dict[CellStyle, tuple] = {}

    def cell(self, style: CellStyle) -> _StreamCell:
        registered = self._registered.get(style)
        if registered is None:
            prototype = Cell(self.worksheet)
            prototype.font = style.font
            prototype.alignment = style.alignment
            prototype.border = style.border
            prototype.number_format = style.number_format
            registered = (prototype._style, prototype.style_id)
            self._registered[style] = registered
        return _StreamCell(self.worksheet, *registered)


def _positioned_cells(values, row_idx):
    """Our cells as they are, placed at their row and column.

    Replaces the write-only sheet's own conversion, which re-binds each value and makes a
    new cell after every styled one; the cells here are already typed and styled.
    """
    for col_idx, cell in enumerate(values, 1):
        if cell is None:
            continue
        cell.column = col_idx
        cell.row = row_idx
        yield cell


# Our rows written straight into the sheet's XML file as text: the elements and attributes
# openpyxl's own ``lxml_write_cell`` writes (``tests/core/test_xlsx_rows.py`` compares the
# two canonically), without building an element, or calling lxml, per cell. At province size
# the cells are most of a pack's time: openpyxl makes each cell's coordinate, style id and
# type again and lxml writes it element by element; here a row is one string, written to the
# sheet's file after lxml has flushed what it holds (the sheet's start, the title and header
# rows, any cell of another kind, which lxml still writes). The file is the one openpyxl
# zips, as UTF-8 like lxml's own (its ASCII with character references is the same text).
FAST_ROWS = LXML
_EXACT = 10**15
_ESCAPED = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


@functools.cache
def _letters(count: int) -> tuple[str, ...]:
    """The column letters of a row of ``count`` cells (A, B, … AA …)."""
    return tuple(get_column_letter(col) for col in range(1, count + 1))


def _as_they_are(values, row_idx):
    return values


class _RowsFileWriter(WorksheetWriter):
    """openpyxl's sheet writer, its XML stream on a file we may also write rows into."""

    def __init__(self, worksheet):
        out = create_temporary_file()
        # A large buffer: a row is a write of a few hundred bytes, a system call is per buffer.
        self.file = open(out, "wb", buffering=1 << 20)  # noqa: SIM115 - closed with the writer
        super().__init__(worksheet, out=out)

    def get_stream(self):
        with xmlfile(self.file) as xf, xf.element("worksheet", xmlns=SHEET_MAIN_NS):
            try:
                while True:
                    element = yield
                    if element is True:
                        yield xf
                    elif element is not None:
                        xf.write(element)
            except GeneratorExit:
                pass

    def close(self):
        super().close()
        self.file.close()


def _row_text(worksheet, cells, row_idx) -> str | None:
    """The row's XML, or None when a cell is of a kind only openpyxl writes."""
    dimensions = worksheet.row_dimensions.get(row_idx)
    if dimensions is None:
        parts = [f'<row r="{row_idx}">']
    elif type(dimensions) is dict:
        attributes = "".join(f' {key}="{value}"' for key, value in dimensions.items())
        parts = [f'<row r="{row_idx}"{attributes}>']
    else:
        return None
    append = parts.append
    suffix = str(row_idx)
    letters = _letters(len(cells))
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        if type(cell) is not _StreamCell or cell._hyperlink is not None:
            return None
        value, kind = cell._value, cell.data_type
        start = f'<c r="{letters[index]}{suffix}" s="{cell.style_id_text}"'
        if value is None or value == "":
            append(f'{start} t="{"inlineStr" if kind == "s" else kind}"/>')
        elif kind == "s":
            text = value.translate(_ESCAPED)
            space = ' xml:space="preserve"' if value != value.strip() else ""
            append(f'{start} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif kind == "n":
            # safe_string's "%.16g" of a small int is its str()
            if type(value) is int and -_EXACT < value < _EXACT:
                append(f'{start} t="n"><v>{value}</v></c>')
            else:
                append(f'{start} t="n"><v>{safe_string(value)}</v></c>')
        elif kind == "d" and not worksheet.parent.iso_dates:
            number = safe_string(to_excel(value, worksheet.parent.epoch))
            append(f'{start} t="n"><v>{number}</v></c>')
        else:
            return None
    append("</row>")
    return "".join(parts)


def _write_row(worksheet, xf, cells, row_idx):
    text = _row_text(worksheet, cells, row_idx)
    if text is None:
        _write_row_by_lxml(worksheet, xf, cells, row_idx)
        return
    xf.flush()  # what lxml holds goes first
    worksheet._writer.file.write(text.encode())


def _write_row_by_lxml(worksheet, xf, cells, row_idx):
    attributes = {"r": str(row_idx)}
    attributes.update(worksheet.row_dimensions.get(row_idx, {}))
    with xf.element("row", attributes):
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            cell.column, cell.row = index + 1, row_idx
            if cell._value is not None or cell.has_style or cell._comment:
                write_cell(xf, worksheet, cell, cell.has_style)


class _Sheet:
    """A write-only worksheet and the number of the next row."""

    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.styles = _Styles(worksheet)
        self.next_row = 1
        self.kept_heights = 0  # rows up to this one keep their height (title, header)
        self._heights: dict[int, dict] = {}
        # Without this (another openpyxl), ``append`` still takes the cells, just slower.
        self.streamed = hasattr(worksheet, "_values_to_row")
        if self.streamed:
            worksheet._values_to_row = _positioned_cells
            if FAST_ROWS:
                # Everything before the rows (columns, panes, sheet properties) is set by
                # now (``_set_up_page``): the sheet's writer starts, and writes our rows.
                worksheet._writer = _RowsFileWriter(worksheet)
                worksheet._writer.write_top()
                worksheet._values_to_row = _as_they_are
                worksheet._writer.write_row = functools.partial(_write_row, worksheet)

    def append(self, cells: list, lines: int = 1):
        """Write the next row; a row of several lines of text is made that tall."""
        row = self.next_row
        dimensions = self.worksheet.row_dimensions
        if lines > 1:
            if self.streamed and row > self.kept_heights:
                # The row's attributes as openpyxl writes them (``<row ht=… customHeight>``),
                # one shared dict per height instead of a RowDimension object per row.
                dict.__setitem__(dimensions, row, self._height_attributes(lines))
            else:
                dimensions[row].height = row_height(lines)
        self.worksheet.append(cells)
        if lines > 1 and row > self.kept_heights:
            # Written: nothing is kept per row.
            del dimensions[row]
        self.next_row += 1

    def _height_attributes(self, lines: int) -> dict:
        attributes = self._heights.get(lines)
        if attributes is None:
            attributes = {"ht": str(row_height(lines)), "customHeight": "1"}
            self._heights[lines] = attributes
        return attributes

    def merge(self, row1, col1, row2, col2):
        if (row1, col1) != (row2, col2):
            self.worksheet.merged_cells.add(
                CellRange(min_col=col1, min_row=row1, max_col=col2, max_row=row2)
            )

    def text_cell(self, text: str, style: CellStyle) -> _StreamCell:
        cell = self.styles.cell(style)
        set_text(cell, text)
        return cell

    def line(self, parts: list[str], width: int, last_alignment=RIGHT):
        """Texts spread over one row, each part in its own merged block of columns."""
        n = len(parts)
        bounds = [round(k * width / n) for k in range(n + 1)]
        row = self.next_row
        cells: list = []
        for k, text in enumerate(parts):
            # A table narrower than its parts gives each part a column of its own.
            start = max(bounds[k] + 1, len(cells) + 1)
            end = max(bounds[k + 1], start)
            cells += [None] * (start - len(cells))
            alignment = last_alignment if (k == n - 1 and n > 1) else LEFT
            cells[start - 1] = self.text_cell(text, CellStyle(BODY_FONT, alignment))
            self.merge(row, start, row, end)
        self.append(cells)


# --- the table -------------------------------------------------------------------------------


def _header_grid(table: Table) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """The header texts, one list per header row, and the merges (relative rows, 0-based)."""
    columns = list(table.columns)
    depth = table.header_depth
    grid: list[list[str | None]] = [[None] * len(columns) for _ in range(depth)]
    merges = []
    for level in range(depth):
        i = 0
        while i < len(columns):
            path = columns[i].header
            if len(path) <= level:
                i += 1
                continue
            if len(path) == level + 1:
                # A leaf: it fills the rows below it down to the last header row.
                grid[level][i] = str(path[level])
                merges.append((level, i, depth - 1, i))
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
            grid[level][i] = prefix[-1]
            merges.append((level, i, level, j))
            i = j + 1
    return grid, merges


def _wrap_headers(table: Table, grid, merges) -> None:
    """Each header text broken into lines on whole words for the width of its block."""
    widths = [column.display_width for column in table.columns]
    for row1, col1, _row2, col2 in merges:
        text = grid[row1][col1]
        if text is not None:
            grid[row1][col1] = wrap_header(text, max(1.0, sum(widths[col1 : col2 + 1]) - 1))


def _header_lines(table: Table, grid, merges) -> list[int]:
    """Lines each header row needs: a text spanning several columns has their width, one
    spanning several rows shares the lines out over them."""
    widths = [column.display_width for column in table.columns]
    lines = [1] * len(grid)
    for row1, col1, row2, col2 in merges:
        text = grid[row1][col1]
        if text is None:
            continue
        per_line = max(1.0, sum(widths[col1 : col2 + 1]) - 1)
        needed = math.ceil(lines_needed(text, per_line) / (row2 - row1 + 1))
        for row in range(row1, row2 + 1):
            lines[row] = max(lines[row], needed)
    return lines


def _getter(column: Column) -> Callable[[Any, int], Any]:
    if column.serial:
        return lambda row, index: index
    if column.value is not None:
        value = column.value
        return lambda row, index: value(row)
    key = column.key

    def get(row, index):
        if type(row) is dict:
            return row.get(key)
        return getattr(row, key, None)

    return get


def _plain_key(column: Column) -> str | None:
    """The key a dict row holds the column's value under, when nothing else decides it."""
    if column.serial or column.value is not None:
        return None
    return column.key


def _add(total, value):
    if isinstance(total, Decimal) != isinstance(value, Decimal):
        return float(total) + float(value)
    return total + value


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _new_sheet(table: Table, workbook: Workbook | None) -> tuple[Workbook, Any]:
    if workbook is None:
        workbook = Workbook(write_only=True)
    elif not workbook.write_only:
        raise ValueError("render_table writes to a write-only workbook (write_only=True).")
    worksheet = workbook.create_sheet(title=(table.sheet_title or table.code)[:31])
    return workbook, worksheet


def print_scale(table: Table) -> int | None:
    """None when the table is fitted to the page width (it fits at ``MIN_SCALE`` or more);
    otherwise the scale it prints at, over several pages across."""
    width = sum(column.display_width for column in table.columns) * POINTS_PER_WIDTH_UNIT
    if width * MIN_SCALE / 100 <= PRINTABLE_WIDTH:
        return None
    return MIN_SCALE


def first_page_columns(table: Table, scale: int | None) -> int:
    """How many columns the first printed page holds: the title, the unit line and the
    footer are spread over these, so that they are not cut across pages."""
    if scale is None:
        return len(table.columns)
    room = PRINTABLE_WIDTH / (POINTS_PER_WIDTH_UNIT * scale / 100)
    count, used = 0, 0.0
    for column in table.columns:
        used += column.display_width
        if used > room:
            break
        count += 1
    return max(1, count)


def _set_up_page(
    worksheet, table: Table, header_first: int, header_last: int, data_first: int, label: str
):
    """Everything write-only mode needs before the first row, and the print setup."""
    for col, column in enumerate(table.columns, start=1):
        worksheet.column_dimensions[get_column_letter(col)].width = column.display_width
    worksheet.row_dimensions[1].height = TITLE_HEIGHT
    worksheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}{data_first}"
    worksheet.print_title_rows = f"{header_first}:{header_last}"
    setup = worksheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = A4
    scale = print_scale(table)
    if scale is None:
        # Fitted to the width, never to the height: as many pages down as the rows need.
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth = 1
        setup.fitToHeight = 0
    else:
        # Too wide to fit readably: 9-point text over pages across, a band of rows at a
        # time (its pages side by side), the frozen columns repeated on each.
        setup.scale = scale
        setup.pageOrder = "overThenDown"
        if table.frozen_columns:
            worksheet.print_title_cols = f"A:{get_column_letter(table.frozen_columns)}"
            # The repeated columns would print a cut piece of the title row on the pages to
            # the right: the title prints in the page header instead, on every page, and
            # the title row is left out of the print area (``_render``).
            worksheet.oddHeader.center.text = str(table.title)
            worksheet.oddHeader.center.font = "宋体,Bold"
            worksheet.oddHeader.center.size = 16
    worksheet.print_options.horizontalCentered = True
    worksheet.page_margins.left = worksheet.page_margins.right = MARGIN
    # The plan's label (附件N) at the top left of every page, the page number at the foot.
    if label:
        worksheet.oddHeader.left.text = label
        worksheet.oddHeader.left.font = "黑体,Regular"
        worksheet.oddHeader.left.size = 14
    worksheet.oddFooter.center.text = _("Page &P of &N")
    worksheet.oddFooter.center.font = "宋体,Regular"
    worksheet.oddFooter.center.size = 11


def _discard(worksheet):
    """After a failure: close the sheet's temporary file and remove it."""
    with contextlib.suppress(Exception):
        worksheet.close()
    writer = getattr(worksheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError, ValueError):
            writer.cleanup()


def render_table(
    table: Table,
    rows: Iterable,
    *,
    unit_name: str = "",
    report_date: date | None = None,
    footer_values: dict[str, str] | None = None,
    workbook: Workbook | None = None,
    label: str = "",
    notes: Sequence[str] = (),
    empty_text: str = "",
) -> Workbook:
    """Add a sheet with ``table`` filled from ``rows`` to a write-only ``workbook`` (a new
    one if None) and return the workbook, ready to be saved once (``save_workbook``).
    ``label`` (附件3) is printed at the top left of every page; ``notes`` under the table's
    own notes; ``empty_text`` (「无」) as the one row of a table without rows."""
    workbook, worksheet = _new_sheet(table, workbook)
    try:
        _render(
            worksheet,
            table,
            rows,
            unit_name,
            report_date,
            footer_values or {},
            label,
            notes,
            empty_text,
        )
    except BaseException:
        _discard(worksheet)
        raise
    return workbook


def _render(
    worksheet, table, rows, unit_name, report_date, footer_values, label, notes=(), empty_text=""
):
    columns = list(table.columns)
    # The title and the lines above and below the table span the first printed page.
    width = first_page_columns(table, print_scale(table))
    header_first = 3 if table.unit_line else 2
    header_last = header_first + table.header_depth - 1
    data_first = header_last + 1
    _set_up_page(worksheet, table, header_first, header_last, data_first, label)
    sheet = _Sheet(worksheet)

    # Title.
    sheet.append([sheet.text_cell(str(table.title), CellStyle(TITLE_FONT, CENTRE))])
    sheet.merge(1, 1, 1, width)

    if table.unit_line:
        day = report_date.strftime("%Y-%m-%d") if report_date else ""
        sheet.line(
            [
                _("Reporting unit (seal): %(unit)s") % {"unit": unit_name},
                _("Date: %(date)s") % {"date": day},
            ],
            width,
        )

    # Header rows: every cell of a merged block carries the borders.
    grid, merges = _header_grid(table)
    _wrap_headers(table, grid, merges)
    header_style = CellStyle(HEADER_FONT, CENTRE, BORDER)
    sheet.kept_heights = header_last
    for texts, lines in zip(grid, _header_lines(table, grid, merges), strict=True):
        cells = []
        for text in texts:
            cell = sheet.styles.cell(header_style)
            if text is not None:
                set_text(cell, text)
            cells.append(cell)
        sheet.append(cells, lines)
    for row1, col1, row2, col2 in merges:
        sheet.merge(header_first + row1, col1 + 1, header_first + row2, col2 + 1)

    # Data rows: one reused cell per column.
    cells = [
        sheet.styles.cell(
            CellStyle(
                BODY_FONT,
                LEFT if column.type == ColumnType.TEXT else CENTRE,
                BORDER,
                NUMBER_FORMATS[column.type],
            )
        )
        for column in columns
    ]
    # A column read by its key from a dict row is read inline (most rows are dicts).
    plan = [
        (cell, _plain_key(column), _getter(column), value_writer(column))
        for cell, column in zip(cells, columns, strict=True)
    ]
    summed = [(cells[i], column.key) for i, column in enumerate(columns) if column.total is True]
    sums: dict[str, Any] = {key: 0 for _cell, key in summed}
    wrapped = [
        (cells[i], max(1.0, column.display_width - 1))
        for i, column in enumerate(columns)
        if column.type == ColumnType.TEXT
    ]
    index = 0
    for index, row in enumerate(rows, start=1):  # noqa: B007 - read after the loop
        if type(row) is dict:
            for cell, key, get, write in plan:
                write(cell, row.get(key) if key is not None else get(row, index))
        else:
            for cell, _key, get, write in plan:
                write(cell, get(row, index))
        for cell, key in summed:
            value = cell._value
            if cell.data_type == "n" and _is_number(value):
                total = sums[key]
                sums[key] = (
                    total + value
                    if type(value) is int and type(total) is int
                    else _add(total, value)
                )
        lines = 1
        for cell, per_line in wrapped:
            text = cell._value
            # Most texts are short: the exact count only for those that may wrap.
            if text is not None and (2 * len(text) > per_line or "\n" in text):
                lines = max(lines, lines_needed(text, per_line))
        sheet.append(cells, lines)

    if not index and empty_text:
        _write_empty(sheet, columns, empty_text)
    if table.has_totals():
        _write_totals(sheet, columns, sums)

    if table.footer:
        sheet.append([])
        sheet.line(
            [
                _("Filled in by: %(name)s") % {"name": footer_values.get("filled_by", "")},
                _("Checked by: %(name)s") % {"name": footer_values.get("checked_by", "")},
                _("Phone: %(phone)s") % {"phone": footer_values.get("phone", "")},
            ],
            width,
            last_alignment=LEFT,
        )
        if table.leader_signature:
            sheet.line([_("Leader in charge (signature):")], width)
    for note in (*table.notes, *notes):
        sheet.line([str(note)], width)
    if worksheet.oddHeader.center.text:
        # Known only now: the last row. The title row is printed by the page header.
        last = get_column_letter(len(columns))
        worksheet.print_area = f"A2:{last}{sheet.next_row - 1}"


def _write_empty(sheet: _Sheet, columns: list[Column], text: str):
    """The one row of a table with nothing to list: ``text`` across the whole width."""
    row = sheet.next_row
    cells = []
    for col in range(1, len(columns) + 1):
        cell = sheet.styles.cell(CellStyle(BODY_FONT, CENTRE, BORDER))
        if col == 1:
            set_text(cell, text)
        cells.append(cell)
    sheet.append(cells)
    sheet.merge(row, 1, row, len(columns))


def _write_totals(sheet: _Sheet, columns: list[Column], sums: dict):
    width = len(columns)
    leading = 0
    while leading < width and not columns[leading].total:
        leading += 1
    row = sheet.next_row
    cells = []
    for col, column in enumerate(columns, start=1):
        cell = sheet.styles.cell(
            CellStyle(HEADER_FONT, CENTRE, BORDER, NUMBER_FORMATS[column.type])
        )
        if col == 1:
            set_text(cell, _("Total"))
        elif col > leading and column.total:
            value = sums[column.key] if column.total is True else column.total(sums)
            write_value(cell, column, value)
        cells.append(cell)
    sheet.append(cells)
    sheet.merge(row, 1, row, max(leading, 1))


# --- saving ----------------------------------------------------------------------------------


def save_workbook(workbook: Workbook, target: Target) -> None:
    """Save a rendered workbook, streaming it to a path or a binary file object."""
    workbook.save(os.fspath(target) if isinstance(target, os.PathLike) else target)


def write_table(table: Table, rows: Iterable, target: Target, **options) -> None:
    """Render ``table`` from ``rows`` and save it to ``target`` (a path or a file object)."""
    save_workbook(render_table(table, rows, **options), target)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()
