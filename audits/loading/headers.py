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


def check_headers(grid: Grid, filename: str) -> list[int]:
    """Positions of named columns. Unnamed columns with data, and repeated names, are refused;
    unnamed columns with no data at all (trailing delimiters, formatted-but-empty cells) are
    dropped."""
    _refuse_unnamed_data(grid, filename)
    used = [i for i, h in enumerate(grid.headers) if str(h).strip()]
    _refuse_duplicates(grid, used, filename)
    return used


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
        f"{', '.join(letters)} but no column name in the header row (row {grid.header_row}). "
        "Name the column or delete it.",
        {"columns": letters, "header_row": grid.header_row, "headers": grid.headers},
    )


def _refuse_duplicates(grid: Grid, used: list[int], filename: str) -> None:
    seen: dict[str, list[int]] = {}
    for i in used:
        seen.setdefault(" ".join(str(grid.headers[i]).split()).casefold(), []).append(i)
    dupes = {key: [_letter(grid, i) for i in ix] for key, ix in seen.items() if len(ix) > 1}
    if not dupes:
        return
    listed = "; ".join(f'"{h}" in columns {", ".join(ls)}' for h, ls in dupes.items())
    raise LoadError(
        "duplicate_headers",
        f"{filename} has the same column name more than once: {listed}. "
        "Rename or delete the extra columns.",
        {"duplicates": dupes, "header_row": grid.header_row, "headers": grid.headers},
    )
