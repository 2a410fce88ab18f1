"""The one writer: any declared table renders as the paper form (title, merged headers,
borders, totals, footer, print setup) and typed text is always text, never a formula."""

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.xlsx import (
    Column,
    ColumnType,
    Table,
    ratio,
    render_table,
    serial_column,
    workbook_bytes,
    write_table,
)
from core.xlsx.writer import first_page_columns, print_scale, wrap_header

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


# --- streaming: write-only workbooks, saving, cost -------------------------------------------


def test_the_workbook_is_written_in_write_only_mode():
    workbook = render_table(TABLE, ROWS)

    assert workbook.write_only
    assert workbook_bytes(workbook)  # saved once: its temporary file is gone


def test_every_cell_of_a_merged_header_block_is_bordered(sheet):
    # The covered cells carry the borders, so the merged block prints boxed.
    for ref in ("D3", "E3"):  # under 排查情况, C3:E3
        assert sheet[ref].border.top.style == "thin"
        assert sheet[ref].border.bottom.style == "thin"
    for ref in ("A4", "B4"):  # the lower half of 序号 A3:A4 and 单位 B3:B4
        assert sheet[ref].border.left.style == "thin"
        assert sheet[ref].border.bottom.style == "thin"


def test_the_title_row_is_taller(sheet):
    assert sheet.row_dimensions[1].height == 32


def test_a_table_is_saved_to_a_path_and_to_a_file_object(tmp_path):
    path = tmp_path / "表.xlsx"
    write_table(TABLE, ROWS, path, unit_name="衡山县民政局")
    stream = io.BytesIO()
    write_table(TABLE, ROWS, stream)

    assert load_workbook(path).active["B5"].value == "开云镇"
    assert load_workbook(io.BytesIO(stream.getvalue())).active["B5"].value == "开云镇"


@pytest.mark.parametrize("typed", DANGEROUS)
def test_typed_text_in_the_footer_and_notes_is_text(typed):
    table = Table("notes", "标题", TABLE.columns, notes=(typed,))
    sheet = reopen(render_table(table, ROWS, footer_values={"filled_by": typed}))

    footer = next(c for c in sheet[10] if c.value)
    assert footer.value == f"填报人：{typed}" or footer.data_type == "s"
    note = next(c for c in sheet[11] if c.value)
    assert note.value == typed and note.data_type == "s"


def test_yes_and_no_are_written_as_words():
    table = Table("flags", "标题", (Column("flag", ("是否",)),), totals=False)
    with translation.override("zh-hans"):
        sheet = reopen(render_table(table, [{"flag": True}, {"flag": False}]))

    assert [sheet["A4"].value, sheet["A5"].value] == ["是", "否"]


def test_control_characters_are_removed_from_text():
    rows = [{"name": "开云\x07镇", "a": 1, "b": 1, "money": None, "day": None}]
    sheet = reopen(render_table(TABLE, rows))

    assert sheet["B5"].value == "开云镇"


def test_a_failing_row_source_leaves_no_temporary_file():
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    def broken():
        yield ROWS[0]
        raise RuntimeError("database went away")

    before = set(ALL_TEMP_FILES)
    with pytest.raises(RuntimeError):
        render_table(TABLE, broken())

    assert set(ALL_TEMP_FILES) == before


def test_a_normal_workbook_is_refused():
    from openpyxl import Workbook

    with pytest.raises(ValueError):
        render_table(TABLE, ROWS, workbook=Workbook())


def test_several_tables_go_to_one_workbook_as_sheets():
    workbook = render_table(TABLE, ROWS)
    render_table(
        Table("second", "第二张", TABLE.columns, sheet_title="附件2"), ROWS, workbook=workbook
    )

    reopened = load_workbook(io.BytesIO(workbook_bytes(workbook)))
    assert reopened.sheetnames == ["sample", "附件2"]
    assert reopened["附件2"]["A1"].value == "第二张"


WIDE = Table(
    code="wide",
    title="养老服务诈骗风险隐患“红橙黄”风险管控名单",
    frozen_columns=3,
    columns=(
        serial_column("序号"),
        Column("name", ("机构名称",), TEXT, width=24),
        Column("code", ("统一社会信用代码",), TEXT),
        Column("address", ("地址",), TEXT),
        Column("beds", ("床位数",), INT, total=True),
        Column("residents", ("入住老人数",), INT, total=True),
        Column("amount", ("预付费", "金额（元）"), ColumnType.MONEY, total=True),
        Column("payers", ("预付费", "人数"), INT, total=True),
        Column("level", ("风险等级",), TEXT),
        Column("description", ("风险隐患描述",), TEXT),
        Column("measures", ("管控措施",), TEXT),
        Column("person", ("责任人",), TEXT),
        Column("deadline", ("完成时限",), ColumnType.DATE),
    ),
)


def wide_rows(n):
    for i in range(n):
        yield {
            "name": f"衡山县测试养老院{i}",
            "code": "52430423MJ1234567X",
            "address": f"衡山县开云镇测试路{i}号",
            "beds": 50,
            "residents": 30,
            "amount": Decimal("123456.78"),
            "payers": 12,
            "level": "红色",
            "description": "未经登记开展养老服务活动且收取大额预付费；已经“爆雷”",
            "measures": "线索通报；警示约谈主要负责人；责令整改；督促清退资金",
            "person": "张三",
            "deadline": date(2026, 12, 1),
        }


def peak_bytes(function) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_writer_keeps_neither_rows_nor_cells_in_memory(tmp_path):
    small = peak_bytes(lambda: write_table(WIDE, wide_rows(500), tmp_path / "small.xlsx"))
    large = peak_bytes(lambda: write_table(WIDE, wide_rows(2500), tmp_path / "large.xlsx"))

    # Five times the rows, the same peak: nothing is kept per row.
    assert large < small + 512 * 1024, f"{small / 1e6:.2f} MB, then {large / 1e6:.2f} MB"
    assert large < 5 * 1024 * 1024
    sheet = load_workbook(tmp_path / "large.xlsx", read_only=True).active
    first_column = [row[0] for row in sheet.iter_rows(max_col=1, values_only=True)]
    assert first_column[4:2504] == list(range(1, 2501))  # after title, unit, 2 header rows
    assert first_column[2504] in ("合计", "Total")


def test_a_row_of_long_text_is_made_tall_enough_to_print_it():
    long_name = "衡山县开云镇夕阳红老年公寓" * 5  # 65 Chinese characters in a column 20 wide
    rows = [{"name": long_name, "a": 1, "b": 1}, {"name": "开云镇", "a": 1, "b": 1}]

    sheet = reopen(render_table(TABLE, rows))

    assert sheet.row_dimensions[5].height == pytest.approx(14.5 * 7 + 3)
    assert sheet.row_dimensions[6].height is None  # one line: the default height


def test_a_header_that_wraps_makes_its_rows_taller():
    table = Table("h", "标题", (Column("x", ("一个需要换行才能放下的很长的表头",), width=8),))

    sheet = reopen(render_table(table, []))

    assert sheet.row_dimensions[3].height > 14.5 * 3


# --- paper a clerk can file (issue 16, item 6) ---------------------------------------------------


def test_a_table_too_wide_for_9_point_text_prints_over_pages_across_never_shrunk():
    """Fitted to one page, WIDE would print its 11-point text at about 7 points."""
    sheet = reopen(render_table(WIDE, wide_rows(3), label="附件3"))

    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.scale) * 11 / 100 >= 9
    assert sheet.page_setup.pageOrder == "overThenDown"
    assert sheet.print_title_rows == "$3:$4"  # the two header rows
    assert sheet.print_title_cols == "$A:$C"  # 序号, 机构名称, 统一社会信用代码 on every page
    # The title and the unit line span the first page only, so that no page cuts them.
    first_page = first_page_columns(WIDE, print_scale(WIDE))
    assert 3 < first_page < len(WIDE.columns)
    assert f"A1:{get_column_letter(first_page)}1" in merged(sheet)
    # The repeated columns would cut the title row: it prints in every page's header.
    assert sheet.oddHeader.center.text == WIDE.title
    assert sheet.print_area == "'wide'!$A$2:$M$10"  # after the title: unit line to footer


def test_a_table_that_fits_at_9_points_is_fitted_to_the_page_width(sheet):
    assert print_scale(TABLE) is None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_cols is None


def test_every_page_has_the_label_at_the_top_left_and_page_x_of_y_at_the_foot():
    with translation.override("zh-hans"):
        sheet = reopen(render_table(TABLE, ROWS, label="附件2"))

    assert sheet.oddHeader.left.text == "附件2"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_a_table_without_a_label_has_no_page_header(sheet):
    assert not sheet.oddHeader.left.text
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


@pytest.mark.parametrize(
    ("text", "per_line", "lines"),
    [
        ("法定代表人（经营者）", 10, ["法定代表人", "（经营者）"]),
        ("退款金额（万元）", 10, ["退款金额", "（万元）"]),
        ("其中未登记“黑机构”", 12, ["其中未登记", "“黑机构”"]),
        ("金额（元）", 12, ["金额（元）"]),  # fits: left as it is
        ("已有\n换行（元）", 4, ["已有", "换行（元）"]),  # its own breaks are kept
    ],
)
def test_header_texts_wrap_on_whole_words(text, per_line, lines):
    assert wrap_header(text, per_line).split("\n") == lines


@pytest.mark.parametrize("per_line", range(2, 14))
def test_no_header_line_starts_with_a_closing_bracket_whatever_the_width(per_line):
    for text in ("（很长很长很长的括号内容）", "宣传海报（张）", "走进公园、广场等老年人聚集场所"):
        for line in wrap_header(text, per_line).split("\n"):
            assert line and line[0] not in "）”、", (text, per_line, line)
            assert line[-1] not in "（“", (text, per_line, line)


def test_the_header_cells_carry_the_broken_lines():
    table = Table("h", "标题", (Column("x", ("法定代表人（经营者）",), width=11),))

    sheet = reopen(render_table(table, []))

    assert sheet["A3"].value == "法定代表人\n（经营者）"


def test_a_table_signed_by_the_leader_in_charge_has_the_signature_line():
    with translation.override("zh-hans"):
        sheet = reopen(render_table(replace(TABLE, leader_signature=True), ROWS))

    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[-1] == "分管领导（签字）："
    assert values[-2] == "填报人："
