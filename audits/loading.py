"""Turn an uploaded export (CSV or Excel bytes) into a ``Table`` of canonical fields, or refuse.

The contract is ``shared/spec/exports.md``. Everything a practice's systems produce is normal input
(BOMs, UTF-16 "Unicode text", semicolons, title lines, blank rows, ``[Table] Field`` and ``*Field``
headers); anything we cannot read faithfully becomes a ``LoadError`` with a stable ``code``, a
message in the user's words that names the file, and ``details`` for the wizard. Nothing is ever
half-loaded: either a whole ``LoadResult`` comes back or an error does.

Row numbers are the ones a person sees in Excel: title lines and blank rows count, the header row is
wherever it was found (row 1 when there are no title lines).

The normal case takes a fast path: a cheap structural scan (field count per record, C-level
``csv`` iteration) followed by one ``pandas.read_csv`` with the C engine. Only a file whose scan
shows over-long rows is re-read record by record.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audits.kinds import KINDS, FieldType
from audits.validators.base import ROW, Table

MiB = 1024 * 1024
ACCEPTED = "CSV (comma, semicolon or tab separated) or Excel (.xlsx, .xls)"
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 30  # title lines above the header are looked for this far down
PREVIEW_ROWS = 5
# Only plain numbers this size are read as Excel date serials (1954-10-03 .. 2119-01-10); smaller
# ones ("2026", "7") are far likelier to be typos than dates, so they are reported, not guessed.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
XML_PROLOG_MAX = MiB  # an XML part whose root element starts later than this is refused
ZIP_MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class LoadLimits:
    """What an upload may cost us. Defaults follow the spec (50 MB, 1,000,000 rows).

    ``max_xlsx_uncompressed`` bounds the sum of the sizes an .xlsx's zip directory declares;
    ``max_xlsx_ratio`` bounds that sum relative to the file's own size. Real workbooks unpack to
    5-30x their size; zip bombs to thousands.
    """

    max_bytes: int = 50 * MiB
    max_rows: int = 1_000_000
    max_xlsx_uncompressed: int = 512 * MiB
    max_xlsx_ratio: int = 100


@dataclass
class HeaderPreview:
    format: str  # "csv" | "xlsx" | "xls"
    encoding: str  # "" for Excel
    delimiter: str  # "" for Excel
    header_row: int  # 1-based spreadsheet row
    headers: list[str]
    preview: list[list[str]]  # the first few non-blank data rows, as text


@dataclass
class DetectResult:
    kind: str | None  # None on a tie or when nothing matches
    candidates: list[tuple[str, int, tuple[str, ...]]]  # (kind, matched fields, missing required)


@dataclass
class LoadReport:
    format: str
    encoding: str
    delimiter: str
    header_row: int
    title_rows_skipped: int  # rows above the header row (title lines and blank rows)
    columns: dict[str, str]  # canonical field -> header as in the file
    extra_columns: list[str]  # headers kept in the file but not loaded
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    value_issues: list[tuple[int, str, str, str]] = field(default_factory=list)
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadResult:
    table: Table
    report: LoadReport


class LoadError(Exception):
    """A file we refuse, with a stable ``code``, a message for the user and details for the UI."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def __repr__(self) -> str:
        return f"LoadError({self.code!r}, {self.message!r})"

    def __reduce__(self):  # survives pickling (Celery results, multiprocessing)
        return (type(self), (self.code, self.message, self.details))


# --- header matching ---------------------------------------------------------------------------

_PREFIX_RE = re.compile(r"^\[[^\]]*\]\s*")


def normalise_header(h: str) -> str:
    """``" *[Client] Client  Name"`` -> ``"client name"``: case, runs of spaces and underscores,
    a leading ``*`` and a ``[Table] `` prefix are ignored."""
    h = unicodedata.normalize("NFKC", str(h or "")).strip().lstrip("*").strip()
    h = _PREFIX_RE.sub("", h).lstrip("*")
    return " ".join(h.replace("_", " ").split()).casefold()


def _key(h: str) -> str:
    """Matching ignores spaces altogether, so "TaxNumber" is "Tax Number"."""
    return normalise_header(h).replace(" ", "")


def header_signature(headers: list[str]) -> str:
    """A stable id for a set of headers, to remember a practice's column mapping by."""
    names = sorted(normalise_header(h) for h in headers if str(h).strip())
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def _build_alias_index() -> dict[str, dict[str, tuple[str, int]]]:
    """kind -> normalised header -> (field, rank); a lower rank is a more specific name."""
    index: dict[str, dict[str, tuple[str, int]]] = {}
    for key, kind in KINDS.items():
        names: dict[str, tuple[str, int]] = {}
        for f in kind.fields:
            for rank, name in enumerate(f.all_names):
                names.setdefault(_key(name), (f.name, rank))
        index[key] = names
    return index


_ALIASES = _build_alias_index()


def match_columns(headers: list[str], kind: str) -> dict[str, str]:
    """canonical field -> header. When two headers fit one field the more specific name wins
    (canonical name, then aliases in order), then the leftmost."""
    names = _ALIASES[kind]
    best: dict[str, tuple[int, int, str]] = {}
    for position, header in enumerate(headers):
        hit = names.get(_key(header))
        if hit is None or not str(header).strip():
            continue
        name, rank = hit
        if name not in best or (rank, position) < best[name][:2]:
            best[name] = (rank, position, header)
    order = KINDS[kind].field_names
    return {f: best[f][2] for f in order if f in best}


def detect_kind(headers: list[str]) -> DetectResult:
    """Most matched fields wins, fewer missing required fields breaks ties; a true tie is None."""
    candidates = []
    for key, kind in KINDS.items():
        matched = match_columns(headers, key)
        if matched:
            missing = tuple(f for f in kind.required if f not in matched)
            candidates.append((key, len(matched), missing))
    candidates.sort(key=lambda c: (-c[1], len(c[2]), c[0]))
    if not candidates:
        return DetectResult(None, [])
    top = candidates[0]
    if len(candidates) > 1 and (candidates[1][1], len(candidates[1][2])) == (top[1], len(top[2])):
        return DetectResult(None, candidates)
    return DetectResult(top[0], candidates)


def _header_score(cells: list[str], kind: str | None, mapping: dict[str, str] | None) -> int:
    if mapping:
        wanted = {_key(v) for v in mapping.values() if v}
        return len({_key(c) for c in cells} & wanted)
    kinds = [kind] if kind else list(KINDS)
    return max(len(match_columns(cells, k)) for k in kinds)


def _find_header(records: list[list[str]], kind: str | None, mapping: dict[str, str] | None) -> int:
    """Index of the header record: the earliest best-matching one, else the first non-blank one."""
    best, best_score = None, 0
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        if _is_blank(rec):
            continue
        if best is None:
            best = i
        score = _header_score(rec, kind, mapping)
        if score > best_score:
            best, best_score = i, score
    return 0 if best is None else best


def _is_blank(rec: list[str]) -> bool:
    return all(not str(c).strip() for c in rec)


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- format and encoding -----------------------------------------------------------------------

_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _not_tabular(filename: str, what: str) -> LoadError:
    return LoadError(
        "not_tabular",
        f"{filename} is {what}, not a spreadsheet. Accepted: {ACCEPTED}.",
        {"detected": what, "accepted": ["csv", "xlsx", "xls"]},
    )


def _empty(filename: str) -> LoadError:
    return LoadError("empty", f"{filename} has no data rows.", {"size": 0})


def _no_data_rows(filename: str, grid: _Grid) -> LoadError:
    return LoadError(
        "no_data_rows",
        f"{filename} has no data rows.",
        {"headers": grid.headers, "header_row": grid.header_row, "skipped": list(grid.bad)},
    )


def human_size(size: int) -> str:
    """1536 -> "1.5 KB"; the same wording as the screenshot uploads use."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def sniff_format(data: bytes, filename: str) -> str:
    """ "csv", "xlsx" or "xls", judged from the bytes; the extension is never trusted."""
    if not data.strip():
        raise _empty(filename)
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise _not_tabular(filename, what)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, filename)
    if data.startswith(_OLE2):
        return "xls"
    if data.startswith(_BOMS) or _looks_utf16(data):
        return "csv"
    head = data[:8192]
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) // 100:
        raise _not_tabular(filename, "binary data")
    return "csv"


def _sniff_zip(data: bytes, filename: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_tabular(filename, "a damaged ZIP archive") from None
    if "xl/workbook.xml" in names or (
        "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
    ):
        return "xlsx"
    if "xl/workbook.bin" in names:
        what = "an Excel binary workbook (.xlsb)"
    elif any(n.startswith("word/") for n in names):
        what = "a Word document"
    elif any(n.startswith("ppt/") for n in names):
        what = "a PowerPoint presentation"
    elif "content.xml" in names:
        what = "an OpenDocument file (.ods/.odt)"
    else:
        what = "a ZIP archive that is not an Excel workbook"
    raise _not_tabular(filename, what)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4:
        return False
    return head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """(text, encoding name): UTF-8 (BOM or not), UTF-16, then Windows-1252."""
    attempts: list[tuple[bytes, str, str]]
    if data.startswith(b"\xef\xbb\xbf"):
        attempts = [(data[3:], "utf-8", "utf-8-sig")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        attempts = [(data, "utf-16", "utf-16")]
    elif _looks_utf16(data):
        le = data[1::2].count(0) >= data[0::2].count(0)
        codec = "utf-16-le" if le else "utf-16-be"
        attempts = [(data, codec, codec)]
    else:
        attempts = [(data, "utf-8", "utf-8"), (data, "cp1252", "cp1252")]
    for raw, codec, name in attempts:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return text.lstrip("\ufeff"), name
    raise LoadError(
        "encoding",
        f"{filename} is in a text encoding we cannot read (we tried UTF-8, UTF-16 and "
        f'Windows-1252). Save it from Excel as "CSV UTF-8" and upload it again.',
        {"tried": [a[2] for a in attempts], "accepted": ["utf-8", "utf-16", "cp1252"]},
    )


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits most of the first lines into the same number (>1) of fields."""
    sample = text[: 64 * 1024]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in islice(csv.reader(io.StringIO(sample), delimiter=delim), 50)]
        except csv.Error:
            continue
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        score = (freq if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delim, score
    return best


# --- reading the grid --------------------------------------------------------------------------


@dataclass
class _Grid:
    """A sheet before field matching: positional columns 0..n-1 of text, one row per data row."""

    format: str
    encoding: str
    delimiter: str
    header_row: int
    headers: list[str]
    df: pd.DataFrame  # non-blank, readable data rows only
    rows: np.ndarray  # spreadsheet row number of each df row
    bad: list[tuple[int, str]]  # rows that could not be read
    col_offset: int = 0  # Excel: index of the sheet column that positional column 0 is


@dataclass
class _CsvHead:
    text: str
    encoding: str
    delimiter: str
    records: list[list[str]]  # the first records, for header search and preview
    header_index: int
    body_offset: int  # character offset of the header record in text


def _csv_head(
    data: bytes, filename: str, kind: str | None = None, mapping: dict[str, str] | None = None
) -> _CsvHead:
    text, encoding = _decode(data, filename)
    if "\n" not in text and "\r" in text:  # classic Mac line endings
        text = text.replace("\r", "\n")
    if not text.strip():
        raise _empty(filename)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[list[str]] = []
    line_ends: list[int] = []
    try:
        for rec in islice(reader, HEADER_SEARCH_ROWS + PREVIEW_ROWS + 20):
            records.append(rec)
            line_ends.append(reader.line_num)
    except csv.Error as exc:
        raise _unreadable(filename, len(records) + 1, str(exc)) from None
    header_index = _find_header(records, kind, mapping)
    lines_before = line_ends[header_index - 1] if header_index else 0
    offset = 0
    for _ in range(lines_before):
        offset = text.index("\n", offset) + 1
    return _CsvHead(text, encoding, delimiter, records, header_index, offset)


def _unreadable(filename: str, row: int, reason: str) -> LoadError:
    return LoadError(
        "bad_rows",
        f"{filename} could not be read from row {row} on ({reason}). Check for an unclosed quote.",
        {"rows": [row], "reasons": {row: reason}},
    )


def _csv_grid(
    data: bytes,
    filename: str,
    limits: LoadLimits,
    kind: str | None,
    mapping: dict[str, str] | None,
) -> _Grid:
    head = _csv_head(data, filename, kind, mapping)
    header = head.records[head.header_index]
    header_row = head.header_index + 1
    n = len(header)
    body = head.text[head.body_offset :]
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes))
    # One C-level pass counting fields per record: exact row count for the limit and the shape
    # of every row, without keeping any values.
    # strict: an unclosed quote would otherwise swallow the rest of the file into one cell.
    try:
        counts = np.fromiter(
            map(len, csv.reader(_lines(body), delimiter=head.delimiter, strict=True)),
            dtype=np.int64,
        )
    except csv.Error as exc:
        row = header_row + _records_before_error(body, head.delimiter)
        raise _unreadable(filename, row, str(exc)) from None
    counts = counts[1:]
    data_rows = int(np.count_nonzero(counts))
    if data_rows > limits.max_rows:
        raise _too_many_rows(filename, data_rows, limits)
    common = dict(
        format="csv",
        encoding=head.encoding,
        delimiter=head.delimiter,
        header_row=header_row,
        headers=header,
    )
    if (counts > n).any():
        return _Grid(**common, **_csv_slow(body, head.delimiter, n, header_row))
    try:
        df = pd.read_csv(
            io.BytesIO(body.encode("utf-8")),  # the C engine reads bytes faster, and smaller
            encoding="utf-8",
            sep=head.delimiter,
            header=0,
            names=list(range(n)),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return _Grid(**common, **_csv_slow(body, head.delimiter, n, header_row))
    if len(df) != len(counts):  # the two readers disagree on record boundaries: trust csv
        return _Grid(**common, **_csv_slow(body, head.delimiter, n, header_row))
    rows = np.arange(header_row + 1, header_row + 1 + len(df))
    nonblank = _nonblank_mask(df)
    short = (counts < n) & nonblank
    bad = [
        (int(r), _shape_reason(int(c), n)) for r, c in zip(rows[short], counts[short], strict=True)
    ]
    keep = nonblank & ~short
    if not keep.all():
        df, rows = df[keep].reset_index(drop=True), rows[keep]
    return _Grid(**common, df=df, rows=rows, bad=bad)


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
    next(reader, None)
    for i, rec in enumerate(reader):
        row = header_row + 1 + i
        if _is_blank(rec):
            continue
        if len(rec) != n:
            bad.append((row, _shape_reason(len(rec), n)))
            continue
        good.append(rec)
        good_rows.append(row)
    df = pd.DataFrame(good, columns=list(range(n)), dtype=str) if good else _empty_frame(n)
    return {"df": df, "rows": np.asarray(good_rows, dtype=np.int64), "bad": bad}


def _empty_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series([], dtype=str) for i in range(n)})


def _nonblank_mask(df: pd.DataFrame) -> np.ndarray:
    """Rows with at least one visible cell (whitespace-only cells count as blank)."""
    visible = np.zeros(len(df), dtype=bool)
    for col in df.columns:
        # Only rows not yet known to be visible are looked at: usually column A settles almost
        # every row, so the per-cell isspace runs once over the file, not once per column.
        todo = np.flatnonzero(~visible)
        if not len(todo):
            break
        values = df[col].iloc[todo]
        filled = values.ne("").to_numpy()
        if filled.any():
            shown = filled.copy()
            shown[filled] = ~values[filled].str.isspace().to_numpy(dtype=bool)
            visible[todo[shown]] = True
    return visible


def _too_many_rows(filename: str, rows: int, limits: LoadLimits) -> LoadError:
    return LoadError(
        "too_many_rows",
        f"{filename} has {rows:,} data rows; the limit is {limits.max_rows:,}. "
        "Split it into smaller files or filter the export.",
        {"rows": rows, "limit": limits.max_rows},
    )


# --- Excel -------------------------------------------------------------------------------------

_ROOT_RE = re.compile(rb"<[A-Za-z_]")
_DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_xlsx(data: bytes, filename: str, limits: LoadLimits) -> None:
    """Zip-bomb guard from the central directory, then refuse DTDs in any XML part's prolog."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_tabular(filename, "a damaged ZIP archive") from None
    declared = sum(i.file_size for i in infos)
    ratio = declared / len(data)
    if (
        declared > limits.max_xlsx_uncompressed
        or ratio > limits.max_xlsx_ratio
        or len(infos) > ZIP_MAX_ENTRIES
    ):
        raise LoadError(
            "zip_bomb",
            f"{filename} would unpack to {human_size(declared)} from {human_size(len(data))} "
            f"({ratio:,.0f} times its size; the limits are "
            f"{human_size(limits.max_xlsx_uncompressed)} and {limits.max_xlsx_ratio} times). "
            "It was not opened.",
            {
                "declared_uncompressed": declared,
                "size": len(data),
                "ratio": round(ratio, 1),
                "entries": len(infos),
                "max_uncompressed": limits.max_xlsx_uncompressed,
                "max_ratio": limits.max_xlsx_ratio,
            },
        )
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            _check_xml_prolog(zf, info, filename)


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
        raise _not_tabular(filename, "a damaged Excel workbook") from None
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


def _open_sheet(data: bytes, filename: str, fmt: str, limits: LoadLimits):
    import python_calamine

    if fmt == "xlsx":
        _check_xlsx(data, filename, limits)
    try:
        workbook = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        return workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises its own types for every kind of corrupt input
        what = "an Excel workbook that could not be opened"
        if fmt == "xls":
            what = "an Office document that is not a readable Excel workbook"
        raise _not_tabular(filename, what) from None


def _sheet_records(sheet, nrows: int | None = None) -> list[list[str]]:
    # skip_empty_area=False keeps positions absolute: list index i is spreadsheet row i + 1.
    raw = sheet.to_python(skip_empty_area=False, nrows=nrows)
    return [[_cell_text(v) for v in row] for row in raw]


def _excel_grid(
    data: bytes,
    filename: str,
    fmt: str,
    limits: LoadLimits,
    kind: str | None,
    mapping: dict[str, str] | None,
) -> _Grid:
    sheet = _open_sheet(data, filename, fmt, limits)
    if sheet.end is None:
        raise _empty(filename)
    last_row = sheet.end[0] + 1
    if last_row - 1 > limits.max_rows:  # checked before any cell is converted
        raise _too_many_rows(filename, last_row - 1, limits)
    records = _sheet_records(sheet)
    header_index = _find_header(records, kind, mapping)
    start_col = sheet.start[1] if sheet.start else 0
    width = max((len(r) for r in records), default=0)
    header = (records[header_index] + [""] * width)[start_col:width]
    header_row = header_index + 1
    n = len(header)
    body = [(r + [""] * (width - len(r)))[start_col:width] for r in records[header_index + 1 :]]
    df = pd.DataFrame(body, columns=list(range(n)), dtype=str) if body else _empty_frame(n)
    rows = np.arange(header_row + 1, header_row + 1 + len(df))
    nonblank = _nonblank_mask(df)
    if not nonblank.all():
        df, rows = df[nonblank].reset_index(drop=True), rows[nonblank]
    return _Grid(
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


# --- public entry points -----------------------------------------------------------------------


def _check_size(data: bytes, filename: str, limits: LoadLimits) -> None:
    if len(data) > limits.max_bytes:
        raise LoadError(
            "too_large",
            f"{filename} is {human_size(len(data))}; the limit is {human_size(limits.max_bytes)}. "
            "Filter the export or split it into smaller files.",
            {"size": len(data), "limit": limits.max_bytes},
        )


def read_header(data: bytes, filename: str, limits: LoadLimits | None = None) -> HeaderPreview:
    """The header row and a few data rows, for kind detection and the column-mapping form."""
    limits = limits or LoadLimits()
    _check_size(data, filename, limits)
    fmt = sniff_format(data, filename)
    if fmt == "csv":
        head = _csv_head(data, filename)
        records, encoding, delimiter = head.records, head.encoding, head.delimiter
        header_index, start_col = head.header_index, 0
    else:
        sheet = _open_sheet(data, filename, fmt, limits)
        if sheet.end is None:
            raise _empty(filename)
        records = _sheet_records(sheet, nrows=HEADER_SEARCH_ROWS + PREVIEW_ROWS + 20)
        encoding = delimiter = ""
        header_index = _find_header(records, None, None)
        start_col = sheet.start[1] if sheet.start else 0
    headers = records[header_index][start_col:]
    data_rows = [r[start_col:] for r in records[header_index + 1 :] if not _is_blank(r)]
    return HeaderPreview(
        format=fmt,
        encoding=encoding,
        delimiter=_delimiter_name(delimiter),
        header_row=header_index + 1,
        headers=headers,
        preview=data_rows[:PREVIEW_ROWS],
    )


def load_path(path: str | Path, **kw: Any) -> LoadResult:
    path = Path(path)
    limits = kw.get("limits") or LoadLimits()
    size = path.stat().st_size
    if size > limits.max_bytes:  # refuse without reading it into memory
        raise LoadError(
            "too_large",
            f"{path.name} is {human_size(size)}; the limit is {human_size(limits.max_bytes)}. "
            "Filter the export or split it into smaller files.",
            {"size": size, "limit": limits.max_bytes},
        )
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
    if kind is not None and kind not in KINDS:
        raise LoadError(
            "unknown_kind",
            f"{filename}: unknown export kind {kind!r}.",
            {"kind": kind, "kinds": list(KINDS)},
        )
    if date_order not in ("dmy", "mdy"):
        raise ValueError("date_order must be 'dmy' or 'mdy'.")
    _check_size(data, filename, limits)
    fmt = sniff_format(data, filename)
    if fmt == "csv":
        grid = _csv_grid(data, filename, limits, kind, mapping)
    else:
        grid = _excel_grid(data, filename, fmt, limits, kind, mapping)

    if not len(grid.df) and not grid.bad:
        raise _no_data_rows(filename, grid)
    used = _check_headers(grid, filename)
    headers = [grid.headers[i] for i in used]
    if kind is None:
        # A remembered mapping counts as matched fields when telling kinds apart.
        named = {h: f for f, h in (mapping or {}).items() if h}
        kind = _detect_or_refuse([named.get(h, h) for h in headers], filename)
    columns = _resolve_columns(headers, kind, mapping, filename)

    if grid.bad and not accept_bad_rows:
        rows = [r for r, _ in grid.bad]
        shown = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
        raise LoadError(
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
    if not len(grid.df):
        raise _no_data_rows(filename, grid)

    position = {h: i for i, h in zip(used, headers, strict=True)}
    out: dict[str, pd.Series] = {}
    issues: list[tuple[int, str, str, str]] = []
    spec = KINDS[kind]
    for name, header in columns.items():
        values = grid.df[position[header]]
        ftype = spec.get_field(name).type
        if ftype is FieldType.DATE:
            values, bad = _parse_dates(values, date_order)
            problem = "not a date Liftoff can read"
        elif ftype is FieldType.NUMBER:
            values, bad = _parse_numbers(values)
            problem = "not a number"
        else:
            bad = None
        if bad is not None and bad.any():
            issues += [
                (int(r), name, v, problem)
                for r, v in zip(grid.rows[bad], values.to_numpy()[bad], strict=True)
            ]
        out[name] = values.reset_index(drop=True)
    df = pd.DataFrame(out)
    df[ROW] = grid.rows.astype(np.int64)
    issues.sort()

    used_headers = set(columns.values())
    report = LoadReport(
        format=grid.format,
        encoding=grid.encoding,
        delimiter=_delimiter_name(grid.delimiter),
        header_row=grid.header_row,
        title_rows_skipped=grid.header_row - 1,
        columns=dict(columns),
        extra_columns=[h for h in headers if h not in used_headers],
        skipped_rows=list(grid.bad),
        value_issues=issues,
        rows=len(df),
    )
    return LoadResult(Table(kind=kind, df=df, file=filename, columns=dict(columns)), report)


def _delimiter_name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def _check_headers(grid: _Grid, filename: str) -> list[int]:
    """Positions of named columns. Unnamed columns with data, and repeated names, are refused;
    unnamed columns with no data at all (trailing delimiters, formatted-but-empty cells) are
    dropped."""
    letter = lambda i: column_letter(i + grid.col_offset)  # noqa: E731
    blank = [i for i, h in enumerate(grid.headers) if not str(h).strip()]
    with_data = [i for i in blank if grid.df[i].str.strip().ne("").any()]
    if with_data:
        letters = [letter(i) for i in with_data]
        raise LoadError(
            "blank_headers",
            f"{filename} has data in column{'s' if len(letters) > 1 else ''} "
            f"{', '.join(letters)} but no column name in the header row (row {grid.header_row}). "
            "Name the column or delete it.",
            {"columns": letters, "header_row": grid.header_row, "headers": grid.headers},
        )
    used = [i for i, h in enumerate(grid.headers) if str(h).strip()]
    seen: dict[str, list[int]] = {}
    for i in used:
        seen.setdefault(" ".join(str(grid.headers[i]).split()).casefold(), []).append(i)
    dupes = {key: [letter(i) for i in ix] for key, ix in seen.items() if len(ix) > 1}
    if dupes:
        listed = "; ".join(f'"{h}" in columns {", ".join(ls)}' for h, ls in dupes.items())
        raise LoadError(
            "duplicate_headers",
            f"{filename} has the same column name more than once: {listed}. "
            "Rename or delete the extra columns.",
            {"duplicates": dupes, "header_row": grid.header_row, "headers": grid.headers},
        )
    return used


def _detect_or_refuse(headers: list[str], filename: str) -> str:
    result = detect_kind(headers)
    if result.kind:
        return result.kind
    details = {"headers": headers, "candidates": result.candidates}
    if result.candidates:
        top = result.candidates[0]
        tied = [c[0] for c in result.candidates if (c[1], len(c[2])) == (top[1], len(top[2]))]
        labels = " or ".join(KINDS[k].label for k in tied)
        details["tied"] = tied
        raise LoadError(
            "ambiguous_kind",
            f"{filename} could be {labels}. Choose which export it is.",
            details,
        )
    raise LoadError(
        "unknown_kind",
        f"The columns of {filename} do not match any export we know. Choose which export it is "
        "and map its columns.",
        details,
    )


def _resolve_columns(
    headers: list[str], kind: str, mapping: dict[str, str] | None, filename: str
) -> dict[str, str]:
    spec = KINDS[kind]
    columns = match_columns(headers, kind)
    for name, wanted in (mapping or {}).items():
        if name not in spec.field_names:
            continue  # a mapping remembered for another kind of export: not ours to apply
        columns.pop(name, None)
        if not wanted:
            continue
        found = wanted if wanted in headers else None
        if found is None:
            by_norm = {_key(h): h for h in reversed(headers)}
            found = by_norm.get(_key(wanted))
        if found is None:
            continue  # a remembered mapping to a column this file lacks: reported as missing
        for other in [f for f, h in columns.items() if h == found]:
            del columns[other]
        columns[name] = found
    columns = {f: columns[f] for f in spec.field_names if f in columns}
    missing = [f for f in spec.required if f not in columns]
    if missing:
        found_list = ", ".join(headers) or "no headers"
        raise LoadError(
            "missing_required",
            f"{filename} has no column for {', '.join(missing)} (required for {spec.label}). "
            f"Found: {found_list}. Map the columns to continue.",
            {
                "kind": kind,
                "missing": missing,
                "headers": headers,
                "matched": columns,
                "mapping": dict(mapping or {}),
            },
        )
    return columns


# --- typed fields ------------------------------------------------------------------------------

_DATE_FORMATS = {
    "dmy": ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"),
    "mdy": ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y"),
}
_ANY_ORDER_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
_SERIAL_RE = r"\d{5}(?:\.\d+)?"


def _parse_dates(values: pd.Series, date_order: str) -> tuple[pd.Series, np.ndarray]:
    """Dates -> "YYYY-MM-DD", one vectorised pass per accepted format; the rest kept as typed."""
    text = values.str.strip()
    todo = np.array(text.ne("").to_numpy(), dtype=bool)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    formats = [*_DATE_FORMATS[date_order], *_ANY_ORDER_FORMATS]
    # The formats never overlap, so their order cannot change a result; trying the one a sample
    # matches most first makes a uniform column a single pass.
    sample = text[todo].head(200)
    hits = {
        f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum()) for f in formats
    }
    formats.sort(key=lambda f: -hits[f])
    for fmt in formats:
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            parsed[got.index[ok]] = got[ok]
            todo[todo] = ~ok.to_numpy()
    if todo.any():
        candidates = text[todo]
        serial = candidates.str.fullmatch(_SERIAL_RE)
        if serial.any():
            number = pd.to_numeric(candidates[serial])
            fits = number.between(SERIAL_MIN, SERIAL_MAX)
            number = number[fits]
            parsed[number.index] = EXCEL_EPOCH + pd.to_timedelta(np.floor(number), unit="D")
            todo[values.index.get_indexer(number.index)] = False
    done = parsed.notna().to_numpy()
    if not done.any():
        return values, todo
    out = values.copy()
    out[done] = parsed[done].dt.strftime("%Y-%m-%d")
    return out, todo


_NUMBER_RE = r"\s*(?P<sign>[-+]?)\s*[$£€]?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d*)?\s*"


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """ "1,234.50" -> "1234.50", "$2,400" -> "2400"; anything else non-blank is kept and reported."""
    filled = np.array(values.ne("").to_numpy(), dtype=bool)
    if filled.any():
        filled[filled] = ~values[filled].str.isspace().to_numpy(dtype=bool)
    if not filled.any():
        return values, filled
    present = values[filled]
    ok = present.str.fullmatch(_NUMBER_RE).to_numpy(dtype=bool)
    bad = np.zeros(len(values), dtype=bool)
    bad[filled] = ~ok
    good = present[ok]
    # Only values with separators, symbols or spaces need rewriting; "300" stays as typed.
    dirty = good.str.contains(r"[^0-9.\-]", regex=True).to_numpy(dtype=bool)
    if dirty.any():
        out = values.copy()
        messy = good[dirty]
        out[messy.index] = messy.str.replace(r"[\s$£€,+]", "", regex=True).str.rstrip(".")
        return out, bad
    return values, bad


# --- templates ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def template_csv(kind: str) -> bytes:
    """The kind's headers as people write them plus its two example rows, UTF-8 with BOM so Excel
    shows accents; loading it back gives the same values."""
    spec = KINDS[kind]
    headers = [f.aliases[0] if f.aliases else f.name for f in spec.fields]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for example in spec.example_rows:
        row = [*example, *[""] * (len(headers) - len(example))]
        writer.writerow(["'" + v if v.startswith(_FORMULA_START) else v for v in row])
    return buf.getvalue().encode("utf-8-sig")
