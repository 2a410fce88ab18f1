"""The one writer: any declared table renders as the paper form (title, merged headers,
borders, totals, footer, print setup) and typed text is always text, never a formula."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reporting.xlsx import (
    Column,
    ColumnType,
    Table,
    ratio,
    render_table,
    serial_column,
    workbook_bytes,
)

INT, TEXT = ColumnType.INT, ColumnType.TEXT
GROUP = "排查情况"
TABLE = Table(
    code="sample",
    title="测试统计表",
    frozen_columns=2,
    columns=(
        serial_column("序号"),
        Column("name", ("单位",), TEXT, width=20),
        Column("a", (GROUP, "应排查"), INT, total=True),
        Column("b", (GROUP, "已排查"), INT, total=True),
        Column(
            "p",
            (GROUP, "进度"),
            ColumnType.PERCENT,
            value=lambda r: ratio(r["b"], r["a"]),
            total=lambda sums: ratio(sums["b"], sums["a"]),
        ),
        Column("money", ("金额（万元）",), ColumnType.MONEY, total=True),
        Column("day", ("日期",), ColumnType.DATE),
    ),
)
ROWS = [
    {"name": "开云镇", "a": 10, "b": 5, "money": Decimal("1.50"), "day": date(2026, 11, 24)},
    {"name": "白果镇", "a": 4, "b": 4, "money": Decimal("2.25"), "day": None},
    {"name": "店门镇", "a": 6, "b": 0, "money": Decimal("0"), "day": date(2026, 11, 20)},
]
DANGEROUS = ["=1+1", "+CMD|' /C calc'!A0", "@SUM(A1)", "-2+3"]


def reopen(workbook):
    return load_workbook(io.BytesIO(workbook_bytes(workbook))).active


@pytest.fixture
def sheet():
    with translation.override("zh-hans"):
        workbook = render_table(
            TABLE, iter(ROWS), unit_name="衡山县民政局", report_date=date(2026, 11, 24)
        )
    return reopen(workbook)


def merged(sheet):
    return {str(r) for r in sheet.merged_cells.ranges}


def test_title_is_merged_across_every_column(sheet):
    assert sheet["A1"].value == "测试统计表"
    assert sheet["A1"].font.b
    assert "A1:G1" in merged(sheet)


def test_reporting_unit_line_names_the_unit_and_the_date(sheet):
    line = [c.value for c in sheet[2] if c.value]
    assert line[0] == "填报单位（盖章）：衡山县民政局"
    assert line[1] == "填报日期：2026-11-24"


def test_multi_row_headers_are_merged_from_the_header_paths(sheet):
    cells = merged(sheet)
    # A group over its three columns; single columns fill both header rows.
    assert sheet["C3"].value == GROUP and "C3:E3" in cells
    assert [sheet["C4"].value, sheet["D4"].value, sheet["E4"].value] == ["应排查", "已排查", "进度"]
    assert sheet["A3"].value == "序号" and "A3:A4" in cells
    assert sheet["B3"].value == "单位" and "B3:B4" in cells
    assert "F3:F4" in cells and "G3:G4" in cells


def test_headers_are_bold_centred_and_bordered(sheet):
    for ref in ("A3", "C3", "C4", "G3"):
        cell = sheet[ref]
        assert cell.font.b
        assert cell.alignment.horizontal == "center"
        assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"


def test_data_rows_are_numbered_and_bordered(sheet):
    assert [sheet.cell(row=r, column=1).value for r in (5, 6, 7)] == [1, 2, 3]
    assert sheet["B5"].value == "开云镇"
    assert sheet["B7"].border.right.style == "thin"
    assert sheet["C5"].number_format == "0"
    assert sheet["E5"].number_format == "0.0%"
    assert sheet["E5"].value == pytest.approx(0.5)
    assert sheet["F5"].number_format == "#,##0.00"
    assert sheet["G5"].value.date() == date(2026, 11, 24)


def test_totals_row_sums_the_summed_columns(sheet):
    assert sheet["A8"].value == "合计"
    assert "A8:B8" in merged(sheet)
    assert sheet["C8"].value == sum(r["a"] for r in ROWS)
    assert sheet["D8"].value == sum(r["b"] for r in ROWS)
    assert sheet["E8"].value == pytest.approx(9 / 20)
    assert sheet["F8"].value == pytest.approx(3.75)
    assert sheet["G8"].value is None


def test_footer_has_the_three_signature_fields(sheet):
    footer = [c.value for c in sheet[10] if c.value]
    assert footer == ["填报人：", "审核人：", "联系电话："]


def test_print_setup_is_a4_landscape_fit_to_width_with_repeated_headers(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == "$3:$4"


def test_panes_are_frozen_below_the_headers_and_right_of_the_frozen_columns(sheet):
    assert sheet.freeze_panes == "C5"


def test_column_widths_come_from_the_declaration(sheet):
    assert sheet.column_dimensions["A"].width == 6
    assert sheet.column_dimensions["B"].width == 20


@pytest.mark.parametrize("typed", DANGEROUS)
def test_typed_text_is_stored_as_text_never_as_a_formula(typed):
    rows = [{"name": typed, "a": 1, "b": 1, "money": None, "day": None}]
    sheet = reopen(render_table(TABLE, rows, unit_name=typed))

    cell = sheet["B5"]
    assert cell.value == typed
    assert cell.data_type == "s"
    assert sheet["A2"].data_type == "s"


def test_text_in_a_numeric_column_is_still_text():
    rows = [{"name": "x", "a": 1, "b": 0, "money": "=1+1", "day": None}]
    sheet = reopen(render_table(TABLE, rows))

    assert sheet["F5"].value == "=1+1" and sheet["F5"].data_type == "s"


def test_rows_are_consumed_from_a_generator():
    def generate():
        yield from ROWS

    sheet = reopen(render_table(TABLE, generate()))

    assert sheet["D8"].value == 9


def test_an_empty_table_still_has_headers_and_a_zero_total():
    sheet = reopen(render_table(TABLE, []))

    assert sheet["C4"].value == "应排查"
    assert sheet["C5"].value == 0
