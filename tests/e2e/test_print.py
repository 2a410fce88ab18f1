"""Paper a clerk can file (issue 16, item 6): every attachment of the demo county's district
pack and baseline pack, converted to PDF by LibreOffice headless as an office would print
it, has body text of at least 9 pt, 附件N and 第 X 页 共 Y 页 on every page, and the bureau's
name on its first page.

LibreOffice is Debian's ``libreoffice-calc-nogui``, installed by ``make e2e`` and
``make print-check`` (scripts/ensure_libreoffice.sh); the test is skipped without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import OrgUnit, UnitLevel
from reporting import packs
from reporting.choices import ReportSet
from reporting.periods import current_week

from .conftest import SCREENSHOTS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MIN_BODY_POINTS = 9.0
CLOSING = "）)】」』”’》〉"
PAGE_NUMBER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice (soffice) is not installed: run `make print-check` or `make e2e`, "
        "which install Debian's libreoffice-calc-nogui.",
    ),
]


def to_pdf(files: list[Path], out: Path) -> dict[Path, Path]:
    """Every .xlsx converted in one LibreOffice run (a private profile, nothing shared)."""
    profile = out / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {file: out / (file.stem + ".pdf") for file in files}


def measure(pdf: Path) -> dict:
    """Pages, the smallest character size, and the text of each page (header and footer)."""
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        pages = [page.extract_text() or "" for page in document.pages]
        sizes = [round(char["size"], 2) for page in document.pages for char in page.chars]
        # A cell's text wrapped onto a new line is a word of its own: none may start with a
        # closing bracket or quote (a lone 「）」). (This LibreOffice breaks a typed text
        # before a 「，」 or 「；」 as no Chinese office program does: those are not counted.)
        orphans = [
            word["text"]
            for page in document.pages
            for word in page.extract_words()
            if word["text"][0] in CLOSING
        ]
    return {
        "pages": pages,
        "smallest": min(sizes),
        "sizes": sorted(set(sizes)),
        "orphans": orphans,
    }


@pytest.fixture
def printed(tmp_path):
    """The demo county's two packs, written as the county section gets them, then as PDF."""
    call_command("load_demo", stdout=StringIO())
    county = OrgUnit.objects.get(level=UnitLevel.COUNTY, name="衡山县")
    week = current_week().previous()
    files: list[tuple[str, int, Path]] = []
    for report_set in (ReportSet.DISTRICT_WEEKLY, ReportSet.BASELINE):
        written, _zip = packs.write_pack(report_set, county, week, tmp_path / report_set)
        files += [(report_set, f.number, f.path) for f in written]
    pdfs = to_pdf([path for _set, _n, path in files], tmp_path / "pdf")
    # Kept to be looked at, as the browser tests keep their screenshots.
    kept = SCREENSHOTS / "print"
    kept.mkdir(parents=True, exist_ok=True)
    for report_set, _n, path in files:
        shutil.copy(pdfs[path], kept / f"{report_set}_{pdfs[path].name}")
    measured = {(report_set, n): measure(pdfs[path]) for report_set, n, path in files}
    summary = "".join(
        f"{report_set} 附件{n}: {len(m['pages'])} page(s), smallest {m['smallest']} pt, "
        f"sizes {m['sizes']}\n"
        for (report_set, n), m in sorted(measured.items())
    )
    (kept / "measured.txt").write_text(summary, encoding="utf-8")
    return measured


def test_every_attachment_prints_as_a_clerk_files_it(printed):
    """One load of the demo county for every check: loading it and converting take seconds."""
    assert sorted(printed) == sorted(
        [(ReportSet.DISTRICT_WEEKLY, n) for n in range(1, 7)]
        + [(ReportSet.BASELINE, n) for n in range(1, 6)]
    )
    body_text_is_at_least_9_points(printed)
    every_page_carries_its_attachment_number_and_page_x_of_y(printed)
    the_first_page_names_the_bureau(printed)
    no_line_starts_with_a_closing_bracket(printed)


def body_text_is_at_least_9_points(printed):
    small = {key: m["smallest"] for key, m in printed.items() if m["smallest"] < MIN_BODY_POINTS}
    assert not small, small


def every_page_carries_its_attachment_number_and_page_x_of_y(printed):
    for (report_set, number), measured in printed.items():
        pages = measured["pages"]
        for index, text in enumerate(pages, start=1):
            assert f"附件{number}" in text, (report_set, number, index)
            found = PAGE_NUMBER.search(text)
            assert found, (report_set, number, index)
            assert tuple(map(int, found.groups())) == (index, len(pages)), (report_set, number)


def the_first_page_names_the_bureau(printed):
    for key, measured in printed.items():
        assert "衡山县民政局" in measured["pages"][0], key


def no_line_starts_with_a_closing_bracket(printed):
    orphans = {key: m["orphans"] for key, m in printed.items() if m["orphans"]}
    assert not orphans, orphans
