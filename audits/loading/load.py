"""The entry points: ``read_header`` for a preview, ``load_bytes``/``load_path`` for a whole table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audits.kinds import KINDS, FieldType
from audits.loading.columns import resolve_columns
from audits.loading.csv_grid import csv_grid, csv_head
from audits.loading.detect import HEAD_RECORDS, PREVIEW_ROWS, detect_or_refuse, find_header
from audits.loading.errors import LoadError, empty
from audits.loading.excel import excel_grid, open_sheet, sheet_records
from audits.loading.grid import Grid, is_blank, no_data_rows
from audits.loading.headers import check_headers
from audits.loading.limits import LoadLimits, check_size
from audits.loading.results import HeaderPreview, LoadReport, LoadResult, delimiter_name
from audits.loading.sniff import sniff_format
from audits.loading.values import parse_dates, parse_numbers
from audits.validators.base import ROW, Table

Issue = tuple[int, str, str, str]  # (row, field, value as typed, problem)


def read_header(data: bytes, filename: str, limits: LoadLimits | None = None) -> HeaderPreview:
    """The header row and a few data rows, for kind detection and the column-mapping form."""
    limits = limits or LoadLimits()
    check_size(len(data), filename, limits)
    fmt = sniff_format(data, filename)
    if fmt == "csv":
        head = csv_head(data, filename, limits)
        records, encoding, delimiter = head.records, head.encoding, head.delimiter
        header_index, start_col = head.header_index, 0
    else:
        sheet = open_sheet(data, filename, fmt, limits)
        if sheet.end is None:
            raise empty(filename)
        records = sheet_records(sheet, nrows=HEAD_RECORDS)
        encoding = delimiter = ""
        header_index = find_header(records, None, None)
        start_col = sheet.start[1] if sheet.start else 0
    headers = records[header_index][start_col:]
    data_rows = [r[start_col:] for r in records[header_index + 1 :] if not is_blank(r)]
    return HeaderPreview(
        format=fmt,
        encoding=encoding,
        delimiter=delimiter_name(delimiter),
        header_row=header_index + 1,
        headers=headers,
        preview=data_rows[:PREVIEW_ROWS],
    )


def load_path(path: str | Path, **kw: Any) -> LoadResult:
    path = Path(path)
    limits = kw.get("limits") or LoadLimits()
    check_size(path.stat().st_size, path.name, limits)  # refuse without reading it into memory
    return load_bytes(path.read_bytes(), path.name, **kw)


def load_bytes(
    data: bytes,
    filename: str,
    *,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    limits: LoadLimits | None = None,
    date_order: str = "dmy",
    accept_bad_rows: bool = False,
) -> LoadResult:
    """Load an upload as one ``Table``. An explicit ``kind`` wins over detection; ``mapping``
    (canonical field -> header as in the file, "" for "not in this file") wins over matching.

    ``date_order`` ("dmy" or "mdy") is the practice's locale for dates like 03/04/2026. With
    ``accept_bad_rows`` unreadable rows are skipped and listed in ``report.skipped_rows``
    instead of refusing the file."""
    limits = limits or LoadLimits()
    _check_arguments(filename, kind, date_order)
    check_size(len(data), filename, limits)
    grid = _read_grid(data, filename, limits, kind, mapping)
    if not len(grid.df) and not grid.bad:
        raise no_data_rows(filename, grid)
    used = check_headers(grid, filename)
    headers = [grid.headers[i] for i in used]
    if kind is None:
        kind = _detect(headers, mapping, filename)
    columns = resolve_columns(headers, kind, mapping, filename)
    if grid.bad and not accept_bad_rows:
        raise _bad_rows(filename, grid)
    if not len(grid.df):
        raise no_data_rows(filename, grid)
    position = {h: i for i, h in zip(used, headers, strict=True)}
    df, issues = _typed_frame(grid, {f: position[h] for f, h in columns.items()}, kind, date_order)
    report = _report(grid, columns, headers, issues, len(df))
    return LoadResult(Table(kind=kind, df=df, file=filename, columns=dict(columns)), report)


def _check_arguments(filename: str, kind: str | None, date_order: str) -> None:
    if kind is not None and kind not in KINDS:
        raise LoadError(
            "unknown_kind",
            f"{filename}: unknown export kind {kind!r}.",
            {"kind": kind, "kinds": list(KINDS)},
        )
    if date_order not in ("dmy", "mdy"):
        raise ValueError("date_order must be 'dmy' or 'mdy'.")


def _read_grid(
    data: bytes,
    filename: str,
    limits: LoadLimits,
    kind: str | None,
    mapping: dict[str, str] | None,
) -> Grid:
    fmt = sniff_format(data, filename)
    if fmt == "csv":
        return csv_grid(data, filename, limits, kind, mapping)
    return excel_grid(data, filename, fmt, limits, kind, mapping)


def _detect(headers: list[str], mapping: dict[str, str] | None, filename: str) -> str:
    # A remembered mapping counts as matched fields when telling kinds apart.
    named = {h: f for f, h in (mapping or {}).items() if h}
    return detect_or_refuse([named.get(h, h) for h in headers], filename)


def _report(
    grid: Grid, columns: dict[str, str], headers: list[str], issues: list[Issue], rows: int
) -> LoadReport:
    used_headers = set(columns.values())
    return LoadReport(
        format=grid.format,
        encoding=grid.encoding,
        delimiter=delimiter_name(grid.delimiter),
        header_row=grid.header_row,
        title_rows_skipped=grid.header_row - 1,
        columns=dict(columns),
        extra_columns=[h for h in headers if h not in used_headers],
        skipped_rows=list(grid.bad),
        value_issues=issues,
        rows=rows,
    )


def _bad_rows(filename: str, grid: Grid) -> LoadError:
    rows = [r for r, _ in grid.bad]
    shown = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
    return LoadError(
        "bad_rows",
        f"{filename} has {len(rows):,} row{'s' if len(rows) != 1 else ''} that could not "
        f"be read: {shown}. Fix {'them' if len(rows) != 1 else 'it'}, or load the rest "
        "without them.",
        {
            "rows": rows,
            "reasons": dict(grid.bad),
            "loadable": len(grid.df),
            "headers": grid.headers,
        },
    )


def _typed_frame(
    grid: Grid, positions: dict[str, int], kind: str, date_order: str
) -> tuple[pd.DataFrame, list[Issue]]:
    """One column per canonical field (``positions``: field -> grid column) plus ``ROW``, and the
    values that could not be read as their field's type, sorted."""
    out: dict[str, pd.Series] = {}
    issues: list[Issue] = []
    spec = KINDS[kind]
    for name, position in positions.items():
        values, bad, problem = _typed_values(
            grid.df[position], spec.get_field(name).type, date_order
        )
        if bad is not None and bad.any():
            issues += [
                (int(r), name, v, problem)
                for r, v in zip(grid.rows[bad], values.to_numpy()[bad], strict=True)
            ]
        out[name] = values.reset_index(drop=True)
    df = pd.DataFrame(out)
    df[ROW] = grid.rows.astype(np.int64)
    issues.sort()
    return df, issues


def _typed_values(
    values: pd.Series, ftype: FieldType, date_order: str
) -> tuple[pd.Series, np.ndarray | None, str]:
    """(values, mask of unreadable ones or None, the problem's wording) for one column."""
    if ftype is FieldType.DATE:
        values, bad = parse_dates(values, date_order)
        return values, bad, "not a date Liftoff can read"
    if ftype is FieldType.NUMBER:
        values, bad = parse_numbers(values)
        return values, bad, "not a number"
    return values, None, ""
