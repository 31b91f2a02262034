"""Typed fields: dates to ISO, numbers without separators; what cannot be read is kept as typed
and reported, never guessed."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Only plain numbers this size are read as Excel date serials (1954-10-03 .. 2119-01-10); smaller
# ones ("2026", "7") are far likelier to be typos than dates, so they are reported, not guessed.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000
EXCEL_EPOCH = pd.Timestamp("1899-12-30")

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
_NUMBER_RE = r"\s*(?P<sign>[-+]?)\s*[$£€]?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d*)?\s*"


# Below this share of distinct values a column is parsed once per distinct value and spread
# back (a 1.6-million-row invoice export has a few thousand dates and amounts).
REPEATED = 0.5


def _parsed_per_distinct(values: pd.Series, parse) -> tuple[pd.Series, np.ndarray]:
    """``parse`` (column -> (column, mask)) on the column's distinct values, spread back."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    if len(uniques) > REPEATED * len(values):
        return parse(values)
    got, bad = parse(pd.Series(uniques, dtype=values.dtype))
    out = pd.Series(got.to_numpy(dtype=object)[codes], index=values.index, dtype=values.dtype)
    return out, np.asarray(bad, dtype=bool)[codes]


def parse_dates(values: pd.Series, date_order: str) -> tuple[pd.Series, np.ndarray]:
    """Dates -> "YYYY-MM-DD", one vectorised pass per accepted format over the distinct values;
    the rest kept as typed."""
    return _parsed_per_distinct(values, lambda column: _parse_dates(column, date_order))


def _parse_dates(values: pd.Series, date_order: str) -> tuple[pd.Series, np.ndarray]:
    text = values.str.strip()
    todo = np.array(text.ne("").to_numpy(), dtype=bool)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    for fmt in _formats_by_hits(text[todo], date_order):
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            parsed[got.index[ok]] = got[ok]
            todo[todo] = ~ok.to_numpy()
    if todo.any():
        _parse_serials(text, values.index, todo, parsed)
    done = parsed.notna().to_numpy()
    if not done.any():
        return values, todo
    out = values.copy()
    out[done] = parsed[done].dt.strftime("%Y-%m-%d")
    return out, todo


def _formats_by_hits(text: pd.Series, date_order: str) -> list[str]:
    """The accepted formats, the one a sample matches most first."""
    formats = [*_DATE_FORMATS[date_order], *_ANY_ORDER_FORMATS]
    # The formats never overlap, so their order cannot change a result; trying the one a sample
    # matches most first makes a uniform column a single pass.
    sample = text.head(200)
    hits = {
        f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum()) for f in formats
    }
    formats.sort(key=lambda f: -hits[f])
    return formats


def _parse_serials(text: pd.Series, index: pd.Index, todo: np.ndarray, parsed: pd.Series) -> None:
    """Excel date serials among the values still ``todo``, into ``parsed`` (both updated)."""
    candidates = text[todo]
    serial = candidates.str.fullmatch(_SERIAL_RE)
    if serial.any():
        number = pd.to_numeric(candidates[serial])
        fits = number.between(SERIAL_MIN, SERIAL_MAX)
        number = number[fits]
        parsed[number.index] = EXCEL_EPOCH + pd.to_timedelta(np.floor(number), unit="D")
        todo[index.get_indexer(number.index)] = False


def parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """ "1,234.50" -> "1234.50", "$2,400" -> "2400"; anything else non-blank is kept and reported
    (once per distinct value)."""
    return _parsed_per_distinct(values, _parse_numbers)


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
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
