"""Opening an uploaded spreadsheet safely and finding its table.

Every check that can refuse a file runs before openpyxl parses anything: the size, the
extension, the zip signature, the members' declared uncompressed sizes (a zip bomb is
refused here; Python's zipfile never inflates a member beyond its declared size, so the
declared sizes bound what parsing can cost), and that it is an Excel workbook at all.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .columns import Column, cell_text, is_blank, squeeze

MB = 1024 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"
# OLE2 compound documents: Excel 97-2003 .xls, and any password-protected workbook.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# How far down a title block may push the header row.
HEADER_SCAN_ROWS = 20
REQUIRED_MARKS = ("*", "＊", "(必填)", "（必填）", "必填")


def max_file_size() -> int:
    return getattr(settings, "IMPORT_MAX_FILE_SIZE", 5 * MB)


def max_uncompressed_size() -> int:
    return getattr(settings, "IMPORT_MAX_UNCOMPRESSED_SIZE", 50 * MB)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 20_000)


MAX_ZIP_MEMBERS = 1000


def refuse(message, code):
    raise ValidationError(message, code=code)


def open_workbook(uploaded):
    """The workbook in an uploaded file, or ValidationError with a message for the user."""
    name = (getattr(uploaded, "name", "") or "").strip()
    size = uploaded.size
    if size is None or size > max_file_size():
        refuse(
            _("The file is %(size)s; files larger than %(limit)s are not accepted.")
            % {"size": filesizeformat(size or 0), "limit": filesizeformat(max_file_size())},
            "too_large",
        )
    if size == 0:
        refuse(_("The file is empty."), "empty")
    lower = name.lower()
    if lower.endswith(".xls") or lower.endswith(".et"):
        refuse(
            _(
                "“%(name)s” is an old-format spreadsheet (.xls). Open it in Excel or WPS and "
                "save it as an .xlsx workbook, then upload it again."
            )
            % {"name": name},
            "old_format",
        )
    if not lower.endswith(".xlsx"):
        refuse(
            _(
                "“%(name)s” is not an .xlsx workbook. Only Excel workbooks (.xlsx) are "
                "accepted: CSV, text and .xls files must be saved as .xlsx first."
            )
            % {"name": name},
            "not_xlsx",
        )
    uploaded.seek(0)
    data = uploaded.read(max_file_size() + 1)
    if len(data) > max_file_size():
        refuse(
            _("Files larger than %(limit)s are not accepted.")
            % {"limit": filesizeformat(max_file_size())},
            "too_large",
        )
    if data.startswith(OLE2_SIGNATURE):
        refuse(
            _(
                "This file is an old-format spreadsheet (.xls) or a password-protected workbook, "
                "only renamed to .xlsx. Remove the password, save it as an .xlsx workbook and "
                "upload it again."
            ),
            "old_format",
        )
    if not data.startswith(XLSX_SIGNATURE):
        refuse(
            _(
                "This file is not an Excel workbook (.xlsx), although its name ends in .xlsx: "
                "it looks like text or another format renamed. Open it in Excel or WPS and "
                "save it as an .xlsx workbook."
            ),
            "not_xlsx",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        refuse(
            _("The workbook is damaged and cannot be read. Save it again as .xlsx."),
            "damaged",
        )
    if len(members) > MAX_ZIP_MEMBERS:
        refuse(_("The file has too many parts to be a workbook; it was refused."), "zip_bomb")
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_uncompressed_size():
        refuse(
            _(
                "The file would unpack to %(size)s, more than the %(limit)s allowed; it was "
                "refused for safety. Upload an ordinary workbook, or split it."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(max_uncompressed_size())},
            "zip_bomb",
        )
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        refuse(
            _(
                "This file is a zip archive (perhaps a Word document) but not an Excel "
                "workbook. Upload an .xlsx workbook."
            ),
            "not_xlsx",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Not data_only: a formula must be seen as one (``Formula``), not read as its
            # cached result or, when the file was never calculated, as an empty cell.
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on malformed parts
        refuse(
            _("The workbook could not be opened: it is damaged or not a real .xlsx file."),
            "damaged",
        )


class Formula(str):
    """A cell that holds a formula (its text, "=…"): an error of that cell on import, named
    as such; never its cached result, never an empty cell."""


def _value(cell):
    if getattr(cell, "data_type", None) == "f":
        value = cell.value
        return Formula(value if isinstance(value, str) else "=…")
    return cell.value


def _header_key(raw) -> str:
    text = squeeze(cell_text(raw)) if not is_blank(raw) else ""
    for mark in REQUIRED_MARKS:
        text = text.replace(squeeze(mark), "")
    return text


@dataclass
class Table:
    sheet: object
    header_row: int
    positions: dict[str, int]  # column field -> index in the row

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(Excel row number, values) of every non-blank row below the header; a formula
        cell's value is a ``Formula``."""
        start = self.header_row + 1
        for number, row in enumerate(self.sheet.iter_rows(min_row=start), start=start):
            cells = tuple(_value(cell) for cell in row)
            if cells and not all(is_blank(c) for c in cells):
                yield number, cells


def _match_header(cells, columns: tuple[Column, ...]):
    """(positions of the declared columns found, duplicates, texts found) for one row."""
    wanted = {}
    for column in columns:
        for header in column.headers:
            wanted[_header_key(header)] = column
    positions, duplicates, found = {}, [], []
    for index, raw in enumerate(cells):
        key = _header_key(raw)
        if not key:
            continue
        found.append(cell_text(raw))
        column = wanted.get(key)
        if column is None:
            continue
        if column.field in positions:
            duplicates.append(column.header)
        else:
            positions[column.field] = index
    return positions, duplicates, found


def find_table(workbook, columns: tuple[Column, ...]) -> Table:
    """The first sheet whose first rows contain every required column's header.

    A title row (or several) above the header is allowed. When no sheet has them all,
    the message names the missing columns and the columns that were found.
    """
    required = [c for c in columns if c.required]
    best = None  # (number of columns matched, positions, found texts, sheet title)
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        # A wrong <dimension> would make openpyxl drop rows silently; read what is there.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)
        for number, cells in enumerate(rows, start=1):
            positions, duplicates, found = _match_header(cells or (), columns)
            if not positions:
                continue
            if all(c.field in positions for c in required):
                if duplicates:
                    refuse(
                        _("The column “%(column)s” appears twice in the header row (row %(row)d).")
                        % {"column": duplicates[0], "row": number},
                        "duplicate_column",
                    )
                return Table(sheet=sheet, header_row=number, positions=positions)
            if best is None or len(positions) > best[0]:
                best = (len(positions), positions, found, sheet.title)
    if best is None:
        refuse(
            _(
                "No header row was found in the first %(n)d rows. The file must have a row "
                "with the column names: %(expected)s. Download the template to see the format."
            )
            % {
                "n": HEADER_SCAN_ROWS,
                "expected": "、".join(c.header for c in required),
            },
            "no_header",
        )
    _count, positions, found, _title = best
    missing = [c.header for c in required if c.field not in positions]
    refuse(
        _(
            "Required column missing: %(missing)s. Columns found in the file: %(found)s. "
            "Rename the column to the expected name or download the template."
        )
        % {"missing": "、".join(missing), "found": "、".join(found) or "—"},
        "missing_column",
    )
