"""Header cells: how they are compared, named by column letter, and checked before matching."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from audits.loading.errors import LoadError
from audits.loading.grid import Grid

_PREFIX_RE = re.compile(r"^\[[^\]]*\]\s*")


def normalise_header(h: str) -> str:
    """``" *[Client] Client  Name"`` -> ``"client name"``: case, runs of spaces and underscores,
    a leading ``*`` and a ``[Table] `` prefix are ignored."""
    h = unicodedata.normalize("NFKC", str(h or "")).strip().lstrip("*").strip()
    h = _PREFIX_RE.sub("", h).lstrip("*")
    return " ".join(h.replace("_", " ").split()).casefold()


def header_key(h: str) -> str:
    """Matching ignores spaces altogether, so "TaxNumber" is "Tax Number"."""
    return normalise_header(h).replace(" ", "")


def header_signature(headers: list[str]) -> str:
    """A stable id for a set of headers, to remember a practice's column mapping by."""
    names = sorted(normalise_header(h) for h in headers if str(h).strip())
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def check_header_line(
    headers: list[str], filename: str, header_row: int, col_offset: int = 0
) -> None:
    """Refuse repeated names in the header row, by column letter, before pandas sees the file.
    One pass over the names: the cost grows with the header's width, never its square."""
    seen: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        key = " ".join(str(h).split()).casefold()
        if key:
            seen.setdefault(key, []).append(i)
    dupes = {
        key: [column_letter(i + col_offset) for i in ix] for key, ix in seen.items() if len(ix) > 1
    }
    if not dupes:
        return
    raise LoadError(
        "duplicate_headers",
        f"{filename} has the same column name more than once: {_listed(dupes)}. "
        "Rename or delete the extra columns.",
        {"duplicates": dupes, "header_row": header_row, "headers": headers},
    )


def _listed(dupes: dict[str, list[str]], names: int = 5, letters: int = 10) -> str:
    """'"client" in columns A, C; …', shortened so a header of one name repeated thousands of
    times still makes a message a person can read."""
    parts = []
    for h, ls in list(dupes.items())[:names]:
        parts.append(f'"{h}" in columns {_some(ls, letters)}')
    if len(dupes) > names:
        parts.append(f"and {len(dupes) - names:,} more names")
    return "; ".join(parts)


def _some(letters: list[str], shown: int = 10) -> str:
    text = ", ".join(letters[:shown])
    return text + (f" and {len(letters) - shown:,} more" if len(letters) > shown else "")


def check_headers(grid: Grid, filename: str) -> list[int]:
    """Positions of named columns. Unnamed columns with data are refused; unnamed columns with
    no data at all (trailing delimiters, formatted-but-empty cells) are dropped. (Repeated names
    were refused from the header line: ``check_header_line``.)"""
    _refuse_unnamed_data(grid, filename)
    return [i for i, h in enumerate(grid.headers) if str(h).strip()]


def _letter(grid: Grid, position: int) -> str:
    """The sheet's column letter for a positional column (Excel sheets may not start at A)."""
    return column_letter(position + grid.col_offset)


def _refuse_unnamed_data(grid: Grid, filename: str) -> None:
    blank = [i for i, h in enumerate(grid.headers) if not str(h).strip()]
    with_data = [i for i in blank if grid.df[i].str.strip().ne("").any()]
    if not with_data:
        return
    letters = [_letter(grid, i) for i in with_data]
    raise LoadError(
        "blank_headers",
        f"{filename} has data in column{'s' if len(letters) > 1 else ''} "
        f"{_some(letters)} but no column name in the header row (row {grid.header_row}). "
        "Name the column or delete it.",
        {"columns": letters, "header_row": grid.header_row, "headers": grid.headers},
    )
