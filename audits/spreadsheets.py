"""Writing tables back to people as CSV and XLSX, with spreadsheet formula injection defused.

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return would run as a formula
when the file is opened in Excel; such values are prefixed with an apostrophe (OWASP's advice),
which Excel shows as plain text. Excel in a locale whose list separator is ``;`` (or a person
choosing another separator on import) splits ``Acme;=1+2`` into two cells, so every part after a
separator gets the same treatment, and every CSV cell is quoted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

import xlsxwriter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A part that starts a cell or follows a separator Excel may split on, then a formula character.
_FORMULA_PART = re.compile(r"(^|[;,|\t\r\n])([ \t\r\n]*)(?=[=+\-@])")

FINDING_COLUMNS = (
    "code",
    "item",
    "severity",
    "message",
    "hint",
    "file",
    "rows",
    "column",
    "value",
    "suggestion",
)


def escape_cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = _FORMULA_PART.sub(r"\1\2'", text)
    return "'" + text if text.startswith(("\t", "\r")) else text


def _cells(row: Sequence[object]) -> list[str]:
    return [escape_cell(", ".join(map(str, v)) if isinstance(v, list | tuple) else v) for v in row]


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(_cells(header))
    for row in rows:
        writer.writerow(_cells(row))
    # A BOM so Excel opens UTF-8 (accented client names) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "Sheet1"
) -> bytes:
    buffer = io.BytesIO()
    # strings_to_formulas off: xlsxwriter would otherwise turn "=..." into a live formula.
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, list(header), bold)
    for index, row in enumerate(rows, start=1):
        worksheet.write_row(index, 0, _cells(row))
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def finding_row(finding: dict) -> list[object]:
    """A stored finding's values (``FINDING_COLUMNS``) as one download row."""
    return [finding.get(column, "") for column in FINDING_COLUMNS]


def finding_rows(findings: Iterable[dict]) -> Iterable[list[object]]:
    for finding in findings:
        yield finding_row(finding)
