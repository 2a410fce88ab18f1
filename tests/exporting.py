"""Reading an exported list back: its header row and data rows, and its query count."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).active


HEADER_ROW = 3  # below the title and the unit and date line


def sheet_rows(response, header_first: str | None = None):
    """``(headers, rows)`` of the export in ``response``: the header row is the one whose
    first cell is ``header_first`` (the third row if not given); each data cell is
    ``(value, data_type)``."""
    rows = list(workbook_of(response).iter_rows())
    for i, row in enumerate(rows):
        if row[0].value == header_first or (header_first is None and i == HEADER_ROW - 1):
            headers = [cell.value for cell in row]
            data = [[(cell.value, cell.data_type) for cell in r] for r in rows[i + 1 :]]
            return headers, data
    raise AssertionError(f"no header row starting with {header_first!r}")


def column(rows, index: int) -> list:
    """The values of one column of ``rows``."""
    return [row[index][0] for row in rows]


def text_cells(rows) -> list[tuple]:
    """Every non-empty cell of ``rows`` as ``(value, data_type)``."""
    return [cell for row in rows for cell in row if cell[0] is not None]


def queries_of(client, url) -> int:
    """The queries an export takes, the file read to its end."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    return len(captured.captured_queries)


def filename_of(response) -> str:
    from urllib.parse import unquote

    disposition = response["Content-Disposition"]
    return unquote(disposition.split("filename*=utf-8''", 1)[1])
