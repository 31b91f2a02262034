"""Turning an uploaded file into a table of canonical fields, or refusing it clearly.

One entry point, ``load_bytes``: sniff the format from the bytes (never the name), guard the size
before parsing, find the header row (title lines above it are skipped but still counted), match
headers to canonical fields (``audits.kinds``), and return a ``Table`` whose ``_row`` column holds
the row number a person sees in Excel. Every refusal is a ``LoadError`` whose message is in the
user's words (``shared/spec/exports.md``, "Bad input"); nothing half-loaded is ever returned.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audits.kinds import KINDS, FieldType
from audits.validators.base import ROW, Table
from wizard.files import human_size

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")
DELIMITERS = (",", ";", "\t")
TITLE_SCAN_ROWS = 15  # how far down a header row may sit below report title lines
ACCEPTED = "CSV (comma, semicolon or tab separated) or Excel (.xlsx, .xls)"


@dataclass(frozen=True)
class LoadLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 1_000_000
    # An .xlsx is a zip: refuse one whose parts would unpack to far more than is plausible.
    max_xlsx_uncompressed: int = 500 * 1024 * 1024
    max_xlsx_ratio: int = 100


@dataclass
class LoadError(Exception):
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass
class HeaderPreview:
    format: str
    encoding: str
    delimiter: str
    header_row: int
    headers: list[str]
    preview: list[list[str]]


@dataclass
class DetectResult:
    kind: str | None
    candidates: list[tuple[str, int, tuple[str, ...]]]


@dataclass
class LoadReport:
    format: str
    encoding: str
    delimiter: str
    header_row: int
    title_rows_skipped: int
    columns: dict[str, str]
    extra_columns: list[str]
    skipped_rows: list[tuple[int, str]]
    value_issues: list[tuple[int, str, str, str]]
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadResult:
    table: Table
    report: LoadReport


# --- format sniffing ---------------------------------------------------------------------------

_NOT_TABULAR = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
)


def sniff_format(data: bytes, filename: str) -> str:
    """ "csv", "xlsx" or "xls", decided by the bytes; anything else is refused."""
    head = data[:8]
    if not data:
        raise LoadError("empty", f"{filename} is empty (0 bytes).")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise LoadError(
                "not_tabular", f"{filename} is a damaged zip file. Accepted: {ACCEPTED}."
            ) from None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        what = "a Word document" if any(n.startswith("word/") for n in names) else "a zip archive"
        raise LoadError(
            "not_tabular",
            f"{filename} is {what}, not a spreadsheet. Accepted: {ACCEPTED}.",
            {"detected": what},
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    for magic, what in _NOT_TABULAR:
        if head.startswith(magic):
            raise LoadError(
                "not_tabular",
                f"{filename} is {what}, not a spreadsheet. Accepted: {ACCEPTED}.",
                {"detected": what},
            )
    sample = data[:4096]
    if not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))) and b"\x00" in sample:
        raise LoadError(
            "not_tabular",
            f"{filename} is a binary file, not a spreadsheet. Accepted: {ACCEPTED}.",
            {"detected": "binary"},
        )
    return "csv"


# --- decoding and reading raw cells ------------------------------------------------------------


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise LoadError(
        "encoding",
        f"{filename} is in a text encoding Liftoff cannot read. Save it as CSV UTF-8 from Excel.",
    )


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[: TITLE_SCAN_ROWS + 5] if line.strip()]
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        # The delimiter that splits most lines into the same, largest number of cells wins.
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        common = max(set(nonzero), key=nonzero.count)
        counts = nonzero
        score = counts.count(common) * 1000 + common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _excel_rows(data: bytes, fmt: str, filename: str, limits: LoadLimits) -> list[list[str]]:
    if fmt == "xlsx":
        _guard_xlsx(data, filename, limits)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise LoadError(
            "not_tabular",
            f"{filename} could not be opened as an Excel workbook ({type(exc).__name__}). "
            f"Accepted: {ACCEPTED}.",
        ) from None
    return [[_excel_cell(v) for v in row] for row in raw]


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text
    return str(value)


def _guard_xlsx(data: bytes, filename: str, limits: LoadLimits) -> None:
    """Refuse zip bombs from the central directory alone, and XML with entity declarations."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        declared = sum(i.file_size for i in infos)
        ratio = declared / max(len(data), 1)
        if declared > limits.max_xlsx_uncompressed or ratio > limits.max_xlsx_ratio:
            raise LoadError(
                "zip_bomb",
                f"{filename} would unpack to {human_size(declared)} from {human_size(len(data))}; "
                f"Liftoff refuses workbooks over {human_size(limits.max_xlsx_uncompressed)} "
                f"unpacked or {limits.max_xlsx_ratio}× compressed.",
                {"declared": declared, "size": len(data)},
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(2048)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise LoadError(
                        "xlsx_unsafe",
                        f"{filename} contains XML entity declarations ({info.filename}), which "
                        "Liftoff refuses for safety. Re-save it from Excel.",
                    )


def _raw_rows(
    data: bytes, filename: str, limits: LoadLimits
) -> tuple[list[list[str]], str, str, str]:
    if len(data) > limits.max_bytes:
        raise LoadError(
            "too_large",
            f"{filename} is {human_size(len(data))}; the limit is {human_size(limits.max_bytes)}.",
            {"size": len(data), "limit": limits.max_bytes},
        )
    fmt = sniff_format(data, filename)
    if fmt == "csv":
        text, encoding = _decode(data, filename)
        # Cheap upper bound before parsing: every record needs at least one line break.
        if text.count("\n") > limits.max_rows + TITLE_SCAN_ROWS + 1:
            lines = text.count("\n")
            raise LoadError(
                "too_many_rows",
                f"{filename} has about {lines:,} rows; the limit is {limits.max_rows:,}.",
                {"rows": lines, "limit": limits.max_rows},
            )
        delimiter = _sniff_delimiter(text)
        return _csv_rows(text, delimiter), fmt, encoding, delimiter
    rows = _excel_rows(data, fmt, filename, limits)
    return rows, fmt, "", ""


# --- headers -----------------------------------------------------------------------------------

_TABLE_PREFIX = re.compile(r"^\[[^\]]*\]\s*")


def normalise_header(header: str) -> str:
    text = str(header or "").strip().lstrip("*").strip()
    text = _TABLE_PREFIX.sub("", text)
    return " ".join(text.replace("_", " ").split()).casefold()


def _alias_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for kind in KINDS.values():
        index[kind.key] = {}
        for f in kind.fields:
            for name in f.all_names:
                index[kind.key].setdefault(normalise_header(name), f.name)
    return index


_ALIASES = _alias_index()


def match_columns(headers: list[str], kind: str) -> dict[str, str]:
    """canonical field -> the header as written, first match wins."""
    aliases = _ALIASES[kind]
    matched: dict[str, str] = {}
    for header in headers:
        canonical = aliases.get(normalise_header(header))
        if canonical and canonical not in matched:
            matched[canonical] = header
    return matched


def detect_kind(headers: list[str]) -> DetectResult:
    candidates = []
    for kind in KINDS.values():
        matched = match_columns(headers, kind.key)
        missing = tuple(f for f in kind.required if f not in matched)
        candidates.append((kind.key, len(matched), missing))
    # Kinds whose required fields are all present rank first, then by how many fields match.
    candidates.sort(key=lambda c: (bool(c[2]), -c[1], c[0]))
    complete = [c for c in candidates if not c[2] and c[1] > 0]
    if not complete:
        return DetectResult(None, candidates)
    if len(complete) > 1 and complete[0][1] == complete[1][1]:
        return DetectResult(None, candidates)
    return DetectResult(complete[0][0], candidates)


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256(
        "\x1f".join(sorted(normalise_header(h) for h in headers if h.strip())).encode()
    ).hexdigest()


def _find_header_row(rows: list[list[str]]) -> int:
    """Index of the row that looks most like a header (title lines above it are skipped)."""
    best, best_score = 0, -1
    every_alias = set().union(*(set(a) for a in _ALIASES.values()))
    for index, row in enumerate(rows[:TITLE_SCAN_ROWS]):
        cells = [normalise_header(c) for c in row if str(c).strip()]
        score = sum(c in every_alias for c in cells) * 10 + len(cells)
        if sum(c in every_alias for c in cells) == 0:
            score = len(cells) if len(cells) > 1 else -1
        if score > best_score:
            best, best_score = index, score
    return best


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_header(data: bytes, filename: str, limits: LoadLimits | None = None) -> HeaderPreview:
    rows, fmt, encoding, delimiter = _raw_rows(data, filename, limits or LoadLimits())
    nonblank = [i for i, r in enumerate(rows) if any(str(c).strip() for c in r)]
    if not nonblank:
        raise LoadError("no_data_rows", f"{filename} has no data rows.")
    start = _find_header_row(rows)
    headers = [str(h).strip() for h in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    preview = [r[: len(headers)] for r in rows[start + 1 : start + 6] if any(c.strip() for c in r)]
    return HeaderPreview(fmt, encoding, delimiter, start + 1, headers, preview)


# --- typing values -----------------------------------------------------------------------------

_DATE_FORMATS = {
    "dmy": ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%dT%H:%M:%S"),
    "mdy": ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%Y-%m-%dT%H:%M:%S"),
}


def _type_dates(
    series: pd.Series, date_order: str, rows: pd.Series, field_name: str, issues: list
) -> pd.Series:
    values = series.str.strip()
    result = pd.Series("", index=series.index, dtype=object)
    pending = values != ""
    for fmt in _DATE_FORMATS.get(date_order, _DATE_FORMATS["dmy"]):
        if not pending.any():
            break
        parsed = pd.to_datetime(values[pending], format=fmt, errors="coerce")
        ok = parsed.notna()
        result.loc[ok[ok].index] = parsed[ok].dt.strftime("%Y-%m-%d")
        pending.loc[ok[ok].index] = False
    if pending.any():
        # Excel serial numbers (days since 1899-12-30) from CSVs saved out of Excel.
        serial = pd.to_numeric(values[pending], errors="coerce")
        ok = serial.between(1, 80000)
        if ok.any():
            dates = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[ok], unit="D")
            result.loc[ok[ok].index] = dates.dt.strftime("%Y-%m-%d")
            pending.loc[ok[ok].index] = False
    for index in pending[pending].index:
        issues.append((int(rows[index]), field_name, series[index], "not a date Liftoff can read"))
        result[index] = series[index]
    return result


_NUMBER_RE = re.compile(r"^\(?-?[£$€]?\s*-?[\d,]*\.?\d+\)?$")


def _type_numbers(series: pd.Series, rows: pd.Series, field_name: str, issues: list) -> pd.Series:
    values = series.str.strip()
    cleaned = values.str.replace(r"[,£$€\s]", "", regex=True)
    negative = cleaned.str.startswith("(") & cleaned.str.endswith(")")
    cleaned = cleaned.str.strip("()")
    cleaned = cleaned.where(~negative, "-" + cleaned)
    numeric = pd.to_numeric(cleaned, errors="coerce")
    bad = (values != "") & numeric.isna()
    for index in bad[bad].index:
        issues.append((int(rows[index]), field_name, series[index], "not a number"))
    return cleaned.where(~bad & (values != ""), series)


# --- the entry point ---------------------------------------------------------------------------


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
    limits = limits or LoadLimits()
    rows, fmt, encoding, delimiter = _raw_rows(data, filename, limits)
    if not any(any(str(c).strip() for c in r) for r in rows):
        raise LoadError("no_data_rows", f"{filename} has no data rows.")
    start = _find_header_row(rows)
    headers = [str(h).strip() for h in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers, filename)

    if kind is None:
        detected = detect_kind(headers)
        if detected.kind is None:
            best = [c for c in detected.candidates if c[1] > 0][:3]
            tied = [c[0] for c in best if not c[2] and c[1] == (best[0][1] if best else 0)]
            code = "ambiguous_kind" if len(tied) > 1 else "unknown_kind"
            what = (
                f"could be {' or '.join(KINDS[k].label for k in tied)}"
                if code == "ambiguous_kind"
                else "does not match any export Liftoff knows"
            )
            raise LoadError(
                code,
                f"{filename} {what}. Choose what it is and map its columns.",
                {"headers": headers, "candidates": [list(c) for c in detected.candidates[:5]]},
            )
        kind = detected.kind
    if kind not in KINDS:
        raise LoadError("unknown_kind", f"{filename}: unknown export kind {kind!r}.")

    columns = dict(mapping) if mapping else match_columns(headers, kind)
    columns = {f: h for f, h in columns.items() if h in headers and f in KINDS[kind].field_names}
    missing = [f for f in KINDS[kind].required if f not in columns]
    if missing:
        raise LoadError(
            "missing_required",
            f"{filename} has no column for {', '.join(missing)} (required for "
            f"{KINDS[kind].label}). Found: {', '.join(h for h in headers if h) or 'no headers'}.",
            {"missing": missing, "headers": headers, "kind": kind},
        )

    body = rows[start + 1 :]
    width = len(headers)
    bad: list[tuple[int, str]] = []
    keep_rows: list[list[str]] = []
    keep_numbers: list[int] = []
    for offset, row in enumerate(body):
        number = start + 2 + offset
        if not any(str(c).strip() for c in row):
            continue  # blank rows are normal: dropped, numbering unchanged
        if len(row) > width and any(str(c).strip() for c in row[width:]):
            bad.append((number, f"{len(row)} cells where the header has {width}"))
            continue
        if delimiter and width > 2 and len(row) == 1 and any(d in row[0] for d in DELIMITERS):
            bad.append((number, "separated by a different character than the other rows"))
            continue
        keep_rows.append((list(row) + [""] * width)[:width])
        keep_numbers.append(number)
    if len(keep_rows) > limits.max_rows:
        raise LoadError(
            "too_many_rows",
            f"{filename} has {len(keep_rows):,} rows; the limit is {limits.max_rows:,}.",
            {"rows": len(keep_rows), "limit": limits.max_rows},
        )
    if bad and not accept_bad_rows:
        listed = ", ".join(str(n) for n, _ in bad[:20]) + (" …" if len(bad) > 20 else "")
        raise LoadError(
            "bad_rows",
            f"{filename}: {len(bad)} row(s) could not be read (rows {listed}); the other "
            f"{len(keep_rows):,} can be loaded if you accept.",
            {"rows": [n for n, _ in bad], "reasons": dict(bad), "loadable": len(keep_rows)},
        )
    if not keep_rows:
        raise LoadError("no_data_rows", f"{filename} has no data rows.")

    frame = pd.DataFrame(np.array(keep_rows, dtype=object), columns=range(width))
    index_of = {h: i for i, h in enumerate(headers)}
    out = pd.DataFrame({f: frame[index_of[h]].astype(str) for f, h in columns.items()})
    out[ROW] = np.array(keep_numbers, dtype=np.int64)
    issues: list[tuple[int, str, str, str]] = []
    for name in columns:
        field_type = KINDS[kind].get_field(name).type
        if field_type == FieldType.DATE:
            out[name] = _type_dates(out[name], date_order, out[ROW], name, issues)
        elif field_type == FieldType.NUMBER:
            out[name] = _type_numbers(out[name], out[ROW], name, issues)
    mapped = set(columns.values())
    report = LoadReport(
        format=fmt,
        encoding=encoding,
        delimiter={"\t": "tab"}.get(delimiter, delimiter),
        header_row=start + 1,
        title_rows_skipped=start,
        columns=columns,
        extra_columns=[h for h in headers if h and h not in mapped],
        skipped_rows=bad,
        value_issues=sorted(issues),
        rows=len(out),
    )
    return LoadResult(Table(kind=kind, df=out, file=filename, columns=columns), report)


def _check_headers(headers: list[str], filename: str) -> None:
    blanks = [_column_letter(i) for i, h in enumerate(headers) if not h]
    if blanks:
        raise LoadError(
            "blank_headers",
            f"{filename} has columns with no header: column {', '.join(blanks)}. "
            "Give each column a name.",
            {"columns": blanks, "headers": headers},
        )
    seen: dict[str, list[str]] = {}
    for i, h in enumerate(headers):
        seen.setdefault(normalise_header(h), []).append(_column_letter(i))
    dupes = {h: cols for h, cols in seen.items() if len(cols) > 1}
    if dupes:
        described = "; ".join(f'"{h}" in columns {", ".join(c)}' for h, c in dupes.items())
        raise LoadError(
            "duplicate_headers",
            f"{filename} has the same header more than once: {described}. Rename or remove one.",
            {"duplicates": dupes, "headers": headers},
        )


def load_path(path: str | Path, **kwargs: Any) -> LoadResult:
    path = Path(path)
    return load_bytes(path.read_bytes(), path.name, **kwargs)


def template_csv(kind: str) -> bytes:
    """Canonical headers as people write them, and the kind's two example rows."""
    spec = KINDS[kind]
    header = [f.aliases[0] if f.aliases else f.name.replace("_", " ").title() for f in spec.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for example in spec.example_rows:
        writer.writerow(list(example) + [""] * (len(header) - len(example)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
