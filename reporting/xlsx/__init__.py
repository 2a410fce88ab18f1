"""Report spreadsheets: tables declared as data (``spec``) and one writer (``writer``)."""

from .spec import Column, ColumnType, Table, ratio, serial_column
from .writer import render_table, set_text, workbook_bytes

__all__ = [
    "Column",
    "ColumnType",
    "Table",
    "ratio",
    "render_table",
    "serial_column",
    "set_text",
    "workbook_bytes",
]
