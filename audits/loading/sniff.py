"""What the bytes are: the format (never trusting the extension), the text encoding, the delimiter."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from itertools import islice

from audits.loading.errors import LoadError, empty, not_tabular

DELIMITERS = (",", ";", "\t")

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


def sniff_format(data: bytes, filename: str) -> str:
    """ "csv", "xlsx" or "xls", judged from the bytes; the extension is never trusted."""
    if not data.strip():
        raise empty(filename)
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise not_tabular(filename, what)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, filename)
    if data.startswith(_OLE2):
        return "xls"
    if data.startswith(_BOMS) or _looks_utf16(data):
        return "csv"
    head = data[:8192]
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) // 100:
        raise not_tabular(filename, "binary data")
    if what := _structured_text(head):
        raise not_tabular(filename, what)
    return "csv"


def _structured_text(head: bytes) -> str:
    """JSON, XML or HTML rather than rows and columns ("" when it may be a table)."""
    start = head.lstrip()[:64].lower()
    if start.startswith((b"{", b"[")) and (b'":' in head or start.startswith((b"[{", b"[\n"))):
        return "JSON data"
    if start.startswith((b"<?xml", b"<!doctype html", b"<html")):
        return "an XML or HTML document"
    return ""


def _sniff_zip(data: bytes, filename: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_tabular(filename, "a damaged ZIP archive") from None
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
    raise not_tabular(filename, what)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4:
        return False
    return head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4


def decode(data: bytes, filename: str) -> tuple[str, str]:
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


def sniff_delimiter(text: str) -> str:
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
