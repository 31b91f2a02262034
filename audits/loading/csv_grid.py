"""Reading a CSV into a ``Grid``.

The normal case takes a fast path: a cheap structural scan (field count per record, C-level
``csv`` iteration) followed by one ``pandas.read_csv`` with the C engine. Only a file whose scan
shows over-long rows is re-read record by record.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd

from audits.loading.detect import HEAD_RECORDS, find_header
from audits.loading.errors import empty, unreadable
from audits.loading.grid import Grid, empty_frame, is_blank, nonblank_mask
from audits.loading.headers import check_header_line
from audits.loading.limits import LoadLimits, check_width, too_many_rows
from audits.loading.sniff import decode, sniff_delimiter


@dataclass
class CsvHead:
    text: str
    encoding: str
    delimiter: str
    records: list[list[str]]  # the first records, for header search and preview
    header_index: int
    body_offset: int  # character offset of the header record in text
    data_offset: int  # character offset of the first record after the header


def csv_head(
    data: bytes,
    filename: str,
    limits: LoadLimits,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
) -> CsvHead:
    """Decode, sniff the delimiter, read the first records and find the header among them.

    A record wider than the column limit is refused here, before the header search (whose cost
    grows with the width) and before pandas sees the file."""
    text, encoding = decode(data, filename)
    if "\n" not in text and "\r" in text:  # classic Mac line endings
        text = text.replace("\r", "\n")
    if not text.strip():
        raise empty(filename)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[list[str]] = []
    line_ends: list[int] = []
    try:
        for rec in islice(reader, HEAD_RECORDS):
            check_width(len(rec), reader.line_num, filename, limits)
            records.append(rec)
            line_ends.append(reader.line_num)
    except csv.Error as exc:
        raise unreadable(filename, len(records) + 1, str(exc)) from None
    header_index = find_header(records, kind, mapping)
    lines_before = line_ends[header_index - 1] if header_index else 0
    body_offset = _offset_after_lines(text, 0, lines_before)
    data_offset = _offset_after_lines(text, body_offset, line_ends[header_index] - lines_before)
    return CsvHead(text, encoding, delimiter, records, header_index, body_offset, data_offset)


def _offset_after_lines(text: str, start: int, lines: int) -> int:
    offset = start
    for _ in range(lines):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)  # the header is the last line and has no newline
        offset = found + 1
    return offset


def csv_grid(
    data: bytes,
    filename: str,
    limits: LoadLimits,
    kind: str | None,
    mapping: dict[str, str] | None,
) -> Grid:
    head = csv_head(data, filename, limits, kind, mapping)
    header = head.records[head.header_index]
    header_row = head.header_index + 1
    check_header_line(header, filename, header_row)
    n = len(header)
    body = head.text[head.data_offset :]  # pandas never sees the header: no name mangling
    counts = _field_counts(body, head.delimiter, header_row, filename, limits)
    data_rows = int(np.count_nonzero(counts))
    if data_rows > limits.max_rows:
        raise too_many_rows(filename, data_rows, limits)
    common = dict(
        format="csv",
        encoding=head.encoding,
        delimiter=head.delimiter,
        header_row=header_row,
        headers=header,
    )
    if not len(counts):
        rows = np.asarray([], dtype=np.int64)
        return Grid(**common, df=empty_frame(n), rows=rows, bad=[])
    df = None if (counts > n).any() else _read_fast(body, head.delimiter, n)
    if df is None or len(df) != len(counts):  # over-long rows, or the readers disagree: trust csv
        return Grid(**common, **_csv_slow(body, head.delimiter, n, header_row))
    return Grid(**common, **_keep_full_rows(df, counts, n, header_row))


def _field_counts(
    body: str, delimiter: str, header_row: int, filename: str, limits: LoadLimits
) -> np.ndarray:
    """Fields per data record (``body`` starts after the header record)."""
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes))
    # One C-level pass counting fields per record: exact row count for the limit and the shape
    # of every row, without keeping any values.
    # strict: an unclosed quote would otherwise swallow the rest of the file into one cell.
    try:
        lines = _lines(body)
        counts = _plain_counts(lines, delimiter)
        if counts is None:
            counts = np.fromiter(
                map(len, csv.reader(lines, delimiter=delimiter, strict=True)), dtype=np.int64
            )
    except csv.Error as exc:
        row = header_row + 1 + _records_before_error(body, delimiter)
        raise unreadable(filename, row, str(exc)) from None
    return counts


def _plain_counts(lines: list[str], delimiter: str) -> np.ndarray | None:
    """Fields per record without the csv module when every record is one line: a line with no
    quote, carriage return (but a final one) or NUL has its delimiters plus one fields (an empty
    line none); the few lines with quotes are read by ``csv``. None when a quoted field may span
    lines (an odd number of quotes on a line), for the csv module to read the whole body. A quote
    inside an unquoted field can still fool the count (two quotes on a line, yet a field that
    spans lines); the caller then finds more counts than pandas' records and reads the body
    with ``csv`` instead, so only the early row-limit check can be off by such lines."""
    quoted = [k for k, line in enumerate(lines) if '"' in line]
    if any(lines[k].count('"') % 2 for k in quoted):
        return None
    plain = [line[:-1] if line.endswith("\r") else line for line in lines]
    if any("\r" in line or "\0" in line for line in plain):
        return None
    counts = np.fromiter(
        (line.count(delimiter) + 1 if line else 0 for line in plain), dtype=np.int64
    )
    if quoted:
        reader = csv.reader([lines[k] for k in quoted], delimiter=delimiter, strict=True)
        counts[quoted] = [len(record) for record in reader]
    return counts


def _read_fast(body: str, delimiter: str, n: int) -> pd.DataFrame | None:
    """The whole body in one C-engine read, or None when pandas cannot parse it.

    ``header=None`` with positional ``names``: pandas never de-duplicates header names, whose
    cost grows with the square of a repeated name's count (``mangle_dupe_names``)."""
    try:
        return pd.read_csv(
            io.BytesIO(body.encode("utf-8")),  # the C engine reads bytes faster, and smaller
            encoding="utf-8",
            sep=delimiter,
            header=None,
            names=list(range(n)),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None


def _keep_full_rows(
    df: pd.DataFrame, counts: np.ndarray, n: int, header_row: int
) -> dict[str, Any]:
    """Drop blank rows; list short rows as bad rather than padding them."""
    rows = np.arange(header_row + 1, header_row + 1 + len(df))
    nonblank = nonblank_mask(df)
    short = (counts < n) & nonblank
    bad = [
        (int(r), _shape_reason(int(c), n)) for r, c in zip(rows[short], counts[short], strict=True)
    ]
    keep = nonblank & ~short
    if not keep.all():
        df, rows = df[keep].reset_index(drop=True), rows[keep]
    return {"df": df, "rows": rows, "bad": bad}


def _lines(body: str) -> list[str]:
    """Physical lines for the csv module; a list of str costs far less than a StringIO copy."""
    lines = body.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the file's final newline ends the last record; it does not start one
    return lines


def _records_before_error(body: str, delimiter: str) -> int:
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=True)
    count = 0
    try:
        for _ in reader:
            count += 1
    except csv.Error:
        pass
    return count


def _shape_reason(count: int, n: int) -> str:
    return f"has {count} values where the header has {n} columns"


def _csv_slow(body: str, delimiter: str, n: int, header_row: int) -> dict[str, Any]:
    """Record by record, for files with malformed rows: keep the readable ones, list the rest."""
    good: list[list[str]] = []
    good_rows: list[int] = []
    bad: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    for i, rec in enumerate(reader):
        row = header_row + 1 + i
        if is_blank(rec):
            continue
        if len(rec) != n:
            bad.append((row, _shape_reason(len(rec), n)))
            continue
        good.append(rec)
        good_rows.append(row)
    df = pd.DataFrame(good, columns=list(range(n)), dtype=str) if good else empty_frame(n)
    return {"df": df, "rows": np.asarray(good_rows, dtype=np.int64), "bad": bad}
