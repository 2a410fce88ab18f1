"""The county's weekly report and monthly summary as a .docx laid out as a government 简报
(周报送、月调度): title, issuing bureau (发文单位) and date, the body under 一、二、… headings,
the counted figures as a small table, and the townships' texts as an annex (附件).

Page and type follow the usual layout of government documents (GB/T 9704): A4, margins of
37/35/28/26 mm, the title in 方正小标宋简体 二号, headings in 黑体 三号, body in 仿宋_GB2312
三号 with a two-character indent (Word puts 黑体 and 宋体 in their place where they are not
installed), page numbers 「— N —」 at the foot. Chinese fonts are set on the East Asian slot
(``w:eastAsia``), which Word reads for CJK text. Rendered in the site's language, as the
packs are.
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core import clock

from .selectors.county import CompiledMonth, CompiledWeek, TownshipText

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
NUMERALS = "一二三四五六七八九十"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (enough for the headings of a report)."""
    if n <= 10:
        return NUMERALS[n - 1]
    return "十" + NUMERALS[n - 11] if n < 20 else str(n)


def _fonts(run, font: str, size, bold=False):
    """The run's font on every slot, East Asian included: ``font.name`` alone sets only the
    Latin ones, and Word would set the Chinese text in the theme's font. Where the font is
    not installed Word substitutes its own (宋体 for 仿宋_GB2312, 黑体 for 方正小标宋简体)."""
    primary = font
    run.font.name = primary
    run.font.size = size
    run.font.bold = bold
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), primary)
    r_fonts.set(qn("w:ascii"), primary)
    r_fonts.set(qn("w:hAnsi"), primary)
    return run


class Writer:
    def __init__(self):
        self.document = Document()
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.document.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        self._page_numbers(section)

    def _page_numbers(self, section):
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.add_run("— "), BODY_FONT, Pt(14))
        run = _fonts(paragraph.add_run(), BODY_FONT, Pt(14))
        for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if tag:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), tag)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._element.append(element)
        _fonts(paragraph.add_run(" —"), BODY_FONT, Pt(14))

    def title(self, text: str):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(12)
        _fonts(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)

    def centered(self, text: str, size=BODY_SIZE):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.add_run(text), BODY_FONT, size)

    def heading(self, text: str):
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        _fonts(paragraph.add_run(text), HEADING_FONT, BODY_SIZE)

    def body(self, text: str):
        for line in (text or "").splitlines() or [""]:
            paragraph = self.document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            paragraph.paragraph_format.line_spacing = Pt(28)
            _fonts(paragraph.add_run(line.strip()), BODY_FONT, BODY_SIZE)

    def figures(self, figures):
        table = self.document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0].cells
        for cell, text in zip(header, (_("Figure"), _("Value")), strict=True):
            _fonts(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
        for group in (figures.publicity, figures.results):
            for item in group:
                cells = table.add_row().cells
                _fonts(cells[0].paragraphs[0].add_run(str(item.label)), BODY_FONT, TABLE_SIZE)
                value = cells[1].paragraphs[0]
                value.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                shown = "—" if item.value is None else str(item.value)
                _fonts(value.add_run(shown), BODY_FONT, TABLE_SIZE)

    def page_break(self):
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def annex_label(self, text: str):
        paragraph = self.document.add_paragraph()
        _fonts(paragraph.add_run(text), HEADING_FONT, BODY_SIZE)

    def township(self, number: int, text: TownshipText):
        self.heading(f"（{numeral(number)}）{text.township.name}")
        if not text.submitted:
            self.body(_("Not submitted"))
            return
        self.body(text.report.summary)
        for _name, label, value in text.report.narrative:
            if value:
                self.body(f"{label}：{value}")

    def content(self) -> bytes:
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _body(writer: Writer, report, figures) -> None:
    """The county's summary and its six texts under 一、二、…, then the figures."""
    sections = [(_("Overview of the work"), report.summary if report else "")]
    if report is not None:
        sections += [(str(label), text) for _name, label, text in report.sections if text]
    number = 0
    for heading, text in sections:
        number += 1
        writer.heading(f"{numeral(number)}、{heading}")
        writer.body(text or "—")
    writer.heading(f"{numeral(number + 1)}、{_('Main figures')}")
    writer.figures(figures)


def _header(writer: Writer, title: str, unit) -> None:
    writer.title(title)
    today = timezone.localdate(clock.now())
    writer.centered(f"{unit.bureau_name}　　{today.year}年{today.month}月{today.day}日")


def week_docx(compiled: CompiledWeek) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        writer = Writer()
        _header(writer, week_title(compiled.unit, compiled.week), compiled.unit)
        _body(writer, compiled.report, compiled.figures)
        writer.page_break()
        writer.annex_label(_("Annex"))
        writer.title(_("Work of the townships (streets) this week"))
        for number, text in enumerate(compiled.townships, start=1):
            writer.township(number, text)
        return writer.content()


def month_docx(compiled: CompiledMonth) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        writer = Writer()
        _header(writer, month_title(compiled.unit, compiled.month), compiled.unit)
        _body(writer, compiled.report, compiled.figures)
        writer.page_break()
        writer.annex_label(_("Annex"))
        writer.title(_("Weekly work of the month"))
        for week in compiled.weeks:
            writer.heading(week_label(week.week))
            if week.county is not None and week.county.summary:
                writer.body(f"{compiled.unit.bureau_name}：{week.county.summary}")
            for number, text in enumerate(week.townships, start=1):
                writer.township(number, text)
        return writer.content()


def week_label(week) -> str:
    return _("Week %(week)d of %(year)d") % {"week": week.week, "year": week.year}


def week_title(unit, week) -> str:
    return _(
        "%(unit)s special campaign against elder-care service fraud: weekly report "
        "(week %(week)d of %(year)d)"
    ) % {"unit": unit.name, "week": week.week, "year": week.year}


def month_title(unit, month) -> str:
    return _(
        "%(unit)s special campaign against elder-care service fraud: monthly summary "
        "(%(month)d/%(year)d)"
    ) % {"unit": unit.name, "month": month.month, "year": month.year}
