"""Reading an exported list back: the header row and the data rows as (value, data type)."""

import io

from openpyxl import load_workbook


def sheet_rows(response, header_first: str):
    """``(headers, rows)`` of the export in ``response``: the header row is the one whose
    first cell is ``header_first``; each data cell is ``(value, data_type)``."""
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content)
    worksheet = load_workbook(io.BytesIO(content)).active
    rows = list(worksheet.iter_rows())
    for i, row in enumerate(rows):
        if row[0].value == header_first:
            headers = [cell.value for cell in row]
            data = [[(cell.value, cell.data_type) for cell in r] for r in rows[i + 1 :]]
            return headers, data
    raise AssertionError(f"no header row starting with {header_first!r}")


def values(rows, column: int):
    return [row[column][0] for row in rows]
