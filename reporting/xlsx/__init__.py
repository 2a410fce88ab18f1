"""Report spreadsheets: tables declared as data (``spec``) and one streaming writer
(``writer``); the plans' attachment sets in ``district`` (区县方案 附件1–6) and ``baseline``
(衡山县 附件1–5), rendered or written one attachment at a time (``attachments``)."""

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
