"""Reading the first sheet of an Excel workbook (.xlsx, .xls) into a ``Grid``, after the .xlsx
safety checks: a zip-bomb guard from the central directory and no DTDs in any XML part."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from audits.loading.detect import find_header
from audits.loading.errors import LoadError, empty, human_size, not_tabular
from audits.loading.grid import Grid, empty_frame, nonblank_mask
from audits.loading.headers import check_header_line
from audits.loading.limits import LoadLimits, MiB, check_width, too_many_rows

XML_PROLOG_MAX = MiB  # an XML part whose root element starts later than this is refused
ZIP_MAX_ENTRIES = 10_000

_ROOT_RE = re.compile(rb"<[A-Za-z_]")
_DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_xlsx(data: bytes, filename: str, limits: LoadLimits) -> None:
    """Zip-bomb guard from the central directory, then refuse DTDs in any XML part's prolog."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_tabular(filename, "a damaged ZIP archive") from None
    _check_unpacked_size(infos, len(data), filename, limits)
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            _check_xml_prolog(zf, info, filename)


def _check_unpacked_size(
    infos: list[zipfile.ZipInfo], size: int, filename: str, limits: LoadLimits
) -> None:
    declared = sum(i.file_size for i in infos)
    ratio = declared / size
    if (
        declared <= limits.max_xlsx_uncompressed
        and ratio <= limits.max_xlsx_ratio
        and len(infos) <= ZIP_MAX_ENTRIES
    ):
        return
    raise LoadError(
        "zip_bomb",
        f"{filename} would unpack to {human_size(declared)} from {human_size(size)} "
        f"({ratio:,.0f} times its size; the limits are "
        f"{human_size(limits.max_xlsx_uncompressed)} and {limits.max_xlsx_ratio} times). "
        "It was not opened.",
        {
            "declared_uncompressed": declared,
            "size": size,
            "ratio": round(ratio, 1),
            "entries": len(infos),
            "max_uncompressed": limits.max_xlsx_uncompressed,
            "max_ratio": limits.max_xlsx_ratio,
        },
    )


def _check_xml_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str) -> None:
    """A DTD can only sit before the root element, so only the prolog is read."""
    seen = b""
    try:
        with zf.open(info) as part:
            while len(seen) < XML_PROLOG_MAX:
                chunk = part.read(64 * 1024)
                if not chunk:
                    break
                seen += chunk.replace(b"\x00", b"")  # UTF-16 XML reads as ASCII once NULs go
                root = _ROOT_RE.search(seen)
                if root:
                    seen = seen[: root.start()]
                    break
            else:
                raise _unsafe(filename, info.filename, "no root element in the first 1 MB")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_tabular(filename, "a damaged Excel workbook") from None
    if _DTD_RE.search(seen):
        raise _unsafe(filename, info.filename, "a DOCTYPE or ENTITY declaration")


def _unsafe(filename: str, part: str, what: str) -> LoadError:
    return LoadError(
        "xlsx_unsafe",
        f"{filename} contains {what} in {part}, which Excel never writes; it was not opened. "
        "Open it in Excel, save it as a new .xlsx and upload that.",
        {"part": part, "problem": what},
    )


def _cell_text(value: Any) -> str:
    """Excel cell -> the text a person sees: 123.0 -> "123", date -> "2026-07-01"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def open_sheet(data: bytes, filename: str, fmt: str, limits: LoadLimits):
    """The workbook's first sheet (a calamine sheet), or a ``LoadError`` in the user's words."""
    import python_calamine  # local: only Excel uploads load calamine's native reader

    if fmt == "xlsx":
        check_xlsx(data, filename, limits)
    try:
        workbook = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises its own types for every kind of corrupt input
        what = "an Excel workbook that could not be opened"
        if fmt == "xls":
            what = "an Office document that is not a readable Excel workbook"
        raise not_tabular(filename, what) from None
    if sheet.end is not None:  # the sheet's width, known before any cell is converted
        check_width(
            sheet.end[1] + 1 - (sheet.start[1] if sheet.start else 0), None, filename, limits
        )
    return sheet


def sheet_records(sheet, nrows: int | None = None) -> list[list[str]]:
    # skip_empty_area=False keeps positions absolute: list index i is spreadsheet row i + 1.
    raw = sheet.to_python(skip_empty_area=False, nrows=nrows)
    return [[_cell_text(v) for v in row] for row in raw]


def excel_grid(
    data: bytes,
    filename: str,
    fmt: str,
    limits: LoadLimits,
    kind: str | None,
    mapping: dict[str, str] | None,
) -> Grid:
    sheet = open_sheet(data, filename, fmt, limits)
    if sheet.end is None:
        raise empty(filename)
    last_row = sheet.end[0] + 1
    if last_row - 1 > limits.max_rows:  # checked before any cell is converted
        raise too_many_rows(filename, last_row - 1, limits)
    records = sheet_records(sheet)
    header_index = find_header(records, kind, mapping)
    start_col = sheet.start[1] if sheet.start else 0
    width = max((len(r) for r in records), default=0)
    header = (records[header_index] + [""] * width)[start_col:width]
    header_row = header_index + 1
    check_header_line(header, filename, header_row, start_col)
    n = len(header)
    body = [(r + [""] * (width - len(r)))[start_col:width] for r in records[header_index + 1 :]]
    df = pd.DataFrame(body, columns=list(range(n)), dtype=str) if body else empty_frame(n)
    rows = np.arange(header_row + 1, header_row + 1 + len(df))
    nonblank = nonblank_mask(df)
    if not nonblank.all():
        df, rows = df[nonblank].reset_index(drop=True), rows[nonblank]
    return Grid(
        format=fmt,
        encoding="",
        delimiter="",
        header_row=header_row,
        headers=header,
        df=df,
        rows=rows,
        bad=[],
        col_offset=start_col,
    )
