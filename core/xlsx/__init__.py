"""Spreadsheets shaped like the paper forms: a table declared once as data (``spec``) and
the one streaming writer that renders any declared table (``writer``). Every app's exports
and the reports' attachment tables are written here, so typed text is always text."""

from .spec import Column, ColumnType, Table, ratio, serial_column
from .writer import render_table, save_workbook, set_text, workbook_bytes, write_table

__all__ = [
    "Column",
    "ColumnType",
    "Table",
    "ratio",
    "render_table",
    "save_workbook",
    "serial_column",
    "set_text",
    "workbook_bytes",
    "write_table",
]
