"""Name logic in one place: the normalisation every name comparison uses.

The spec (``checklist.md``): Unicode NFKC, trim, collapse inner whitespace, casefold, ``&`` = ``and``,
punctuation dropped, and for organisations the legal suffixes compared as one token class. Equality
after this is "the same name" for duplicates (item 5). Matching *between* systems (items 12, 13) is
stricter: only identical characters match; a normalised or fuzzy match is a near match to report.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# One token stands for every legal suffix, so "Blue Bell Pty Ltd" == "Blue Bell Limited".
LEGAL_SUFFIX_TOKEN = "<legal>"  # noqa: S105 - a token, not a password
_LEGAL_SUFFIXES = (
    "pty ltd",
    "pty limited",
    "proprietary limited",
    "limited",
    "ltd",
    "pty",
    "incorporated",
    "inc",
    "llc",
    "llp",
    "company",
    "co",
    "plc",
    "trust",
)
_LEGAL_RE = re.compile(
    r"(?:^|\s)(?:" + "|".join(re.escape(s) for s in _LEGAL_SUFFIXES) + r")(?=\s|$)"
)
_PUNCT_RE = re.compile(r"[^\w\s<>]", re.UNICODE)
_AMP_RE = re.compile(r"\s*&\s*")
_SPACE_RE = re.compile(r"\s+")


def _basic(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold()
    value = _AMP_RE.sub(" and ", value)
    value = _PUNCT_RE.sub(" ", value)
    return _SPACE_RE.sub(" ", value).strip()


def normalise_name(value: object) -> str:
    """The documented normalisation: two names are "the same" when this returns equal strings."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    value = _basic(str(value))
    if not value:
        return ""
    value = _LEGAL_RE.sub(" " + LEGAL_SUFFIX_TOKEN, value)
    # Several suffixes in a row ("pty ltd" already one; "co ltd") fold to a single class token.
    value = re.sub(rf"(?:\s*{re.escape(LEGAL_SUFFIX_TOKEN)})+", " " + LEGAL_SUFFIX_TOKEN, value)
    return _SPACE_RE.sub(" ", value).strip()


def normalise_series(values: pd.Series) -> pd.Series:
    """``normalise_name`` over a column; unique values are normalised once (names repeat a lot)."""
    values = values.fillna("").astype(str)
    uniques = pd.unique(values)
    mapping = {u: normalise_name(u) for u in uniques}
    return values.map(mapping)
