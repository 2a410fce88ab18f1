"""Workbooks built in code for the import tests, and uploads made from them."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from institutions.validators import ID_NUMBER_CHECK, id_number_check_char

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(headers, rows, *, title=None, sheet_title="Sheet1") -> bytes:
    """An .xlsx with an optional title row, a header row and the data rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    if title:
        sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="导入.xlsx", content_type=XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def xlsx_upload(headers, rows, *, name="导入.xlsx", title=None) -> SimpleUploadedFile:
    return upload(workbook_bytes(headers, rows, title=title), name=name)


def id_number(n: int, birth="19550101") -> str:
    """A valid 18-character citizen ID number (GB 11643 check character)."""
    body = f"430423{birth}{n % 1000:03d}"
    return body + id_number_check_char(body)


def wrong_check(number: str) -> str:
    """The same ID number with a wrong check character."""
    good = number[-1]
    wrong = next(c for c in ID_NUMBER_CHECK if c != good)
    return number[:-1] + wrong


def zip_bomb(uncompressed_mb=100) -> bytes:
    """A zip named like a workbook whose member inflates to ``uncompressed_mb`` of zeros.

    It has the parts an .xlsx has, so only the size check can refuse it.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        chunk = b"\0" * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return buffer.getvalue()


# The header of an Excel 97-2003 (.xls) file: an OLE2 compound document.
XLS_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Workbook" + b"\0" * 1024


def lying_workbook(content: bytes, padding_mb=30) -> bytes:
    """A real workbook whose sheet inflates to ``padding_mb`` more than its zip entry declares.

    Checking the declared sizes is not enough against such a file: reading must also stop
    at the declared size (Python's zipfile does) and the file be refused, not crash.
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == sheet:
                declared = len(data)
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (padding_mb << 20))
            archive.writestr(info.filename, data)
    raw = bytearray(buffer.getvalue())
    name = sheet.encode()
    # Local file header: uncompressed size at offset 22; central directory entry: at 24.
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            if raw[start + name_at : start + name_at + len(name)] == name:
                raw[start + offset : start + offset + 4] = declared.to_bytes(4, "little")
            start += 4
    return bytes(raw)
