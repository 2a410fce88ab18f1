"""The writer's own row writer (core/xlsx/writer.py ``_write_row``) writes the XML openpyxl's
``lxml_write_cell`` writes: the same elements, attributes and texts for every kind of cell
a table has (text, with spaces around it, numbers, money, percentages, dates, empty cells,
blank strings, a multi-line text, the title, header and footer lines), so a pack opens the
same in every spreadsheet program either way."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from lxml import etree

from core.xlsx import (
    Column,
    ColumnType,
    Table,
    ratio,
    render_table,
    serial_column,
    workbook_bytes,
    writer,
)

TABLE = Table(
    code="rows",
    title="测试统计表",
    frozen_columns=2,
    columns=(
        serial_column("序号"),
        Column("name", ("单位",), ColumnType.TEXT, width=12),
        Column("a", ("排查情况", "应排查"), ColumnType.INT, total=True),
        Column("b", ("排查情况", "已排查"), ColumnType.INT, total=True),
        Column(
            "p",
            ("排查情况", "进度"),
            ColumnType.PERCENT,
            value=lambda r: ratio(r["b"], r["a"]),
            total=lambda sums: ratio(sums["b"], sums["a"]),
        ),
        Column("money", ("金额（万元）",), ColumnType.MONEY, total=True),
        Column("day", ("日期",), ColumnType.DATE),
        Column("note", ("备注",), ColumnType.TEXT, width=8),
    ),
)
ROWS = [
    {"name": "开云镇", "a": 10, "b": 5, "money": Decimal("1.50"), "day": date(2026, 11, 24)},
    {"name": "  白果镇 ", "a": 4, "b": 4, "money": 2.25, "day": None, "note": ""},
    {"name": "=1+1", "a": 0, "b": 0, "money": Decimal("0"), "note": "第一行\n第二行很长很长很长"},
    {"name": None, "a": None, "b": 3, "money": None, "day": date(2019, 1, 1), "note": True},
    # Markup, quotes and a carriage return are text, escaped as lxml escapes them.
    {"name": "A&B <c> \"d\" 'e'", "a": 10**16, "b": -1, "money": 0.1, "note": "甲\r\n乙 &amp;"},
]


def sheet_xml(fast: bool, monkeypatch) -> bytes:
    monkeypatch.setattr(writer, "FAST_ROWS", fast)
    with translation.override("zh-hans"):
        workbook = render_table(
            TABLE,
            iter(ROWS),
            unit_name="衡山县民政局",
            report_date=date(2026, 11, 24),
            notes=["数据截至2026年11月24日17:00"],
        )
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(workbook))) as archive:
        return etree.tostring(
            etree.fromstring(archive.read("xl/worksheets/sheet1.xml")), method="c14n"
        )


@pytest.mark.skipif(not writer.LXML, reason="the row writer is lxml's")
def test_our_rows_are_the_xml_openpyxl_writes(monkeypatch):
    ours = sheet_xml(True, monkeypatch)
    theirs = sheet_xml(False, monkeypatch)

    assert b"inlineStr" in ours and b"<v>" in ours  # texts and numbers were written
    assert b'xml:space="preserve"' in ours  # the text with spaces around it
    assert ours == theirs
    assert "甲\r\n乙 &amp;" in cell_texts(ours)  # read back as typed


def cell_texts(xml: bytes) -> list[str]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    return [t.text for t in etree.fromstring(xml).iterfind(".//m:t", ns)]
