"""Shared by the loader tests: a small clients CSV, refusals, and .xlsx files built from bytes."""

import io
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter

from audits.loading import LoadError, load_bytes

CLIENTS = b"Client,Email,Business Structure\r\nJane Smith,jane@example.com,Individual\r\n"
ACCEPTED = "Accepted: CSV (comma, semicolon or tab separated) or Excel (.xlsx, .xls)."


def refused(data: bytes, name: str = "clients.csv", **kwargs) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_bytes(data, name, **kwargs)
    return caught.value


def xlsx(rows: list[list[object]], first_row: int = 0, first_col: int = 0) -> bytes:
    """An .xlsx whose cells keep their Python types: str as text, numbers as numbers, dates as
    date-formatted serials, ("=formula", cached) tuples as formulas."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            at = (first_row + r, first_col + c)
            if isinstance(value, tuple):
                sheet.write_formula(*at, value[0], None, value[1])
            elif isinstance(value, datetime | date):
                sheet.write_datetime(*at, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(*at, value)
            elif value is not None:
                sheet.write_number(*at, value)
    book.close()
    return buffer.getvalue()


def rezip(data: bytes, patch: dict[str, bytes]) -> bytes:
    """The same zip with some parts' content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, patch.get(info.filename, source.read(info)))
    return buffer.getvalue()
