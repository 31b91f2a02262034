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


# --- individuals ---------------------------------------------------------------------------------

TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "lady", "lord")
TITLE_RE = re.compile(r"^\s*(?:" + "|".join(TITLES) + r")\.?\s+", re.IGNORECASE)
ORGANISATION_WORDS = re.compile(
    r"\b(?:pty|ltd|limited|inc|llc|llp|plc|trust|company|co|group|holdings|partners|partnership"
    r"|associates|services|superannuation|fund|foundation|club|church|school|bakery|cafe)\b|&",
    re.IGNORECASE,
)


def is_individual(structure: str, name: str, first: str, last: str, has_structure: bool) -> bool:
    """The spec's reading: business structure Individual, or (with no structure column) first/last
    name fields and no organisation words in the name."""
    if has_structure:
        return structure.strip().casefold() == "individual"
    return bool(first.strip() and last.strip()) and not ORGANISATION_WORDS.search(name)


def _cap_word(word: str) -> str:
    def cap(part: str) -> str:
        low = part.lower()
        if low.startswith("mc") and len(part) > 2:
            return "Mc" + low[2:].capitalize()
        if low.startswith("o'") and len(part) > 2:
            return "O'" + low[2:].capitalize()
        return low[:1].upper() + low[1:]

    return "-".join(cap(p) for p in word.split("-"))


def proper_case(text: str) -> str:
    """ "JANE MCDONALD-O'NEIL" -> "Jane McDonald-O'Neil"; mixed case is kept as typed."""
    words = text.split()
    if all(w.isupper() or w.islower() for w in words if any(c.isalpha() for c in w)):
        return " ".join(_cap_word(w) for w in words)
    return " ".join(words)


def first_last(name: str, first: str, last: str) -> str:
    """The suggested "First Last": from the name fields when present, else by undoing "Last, First"
    and titles in the name itself."""
    if first.strip() and last.strip():
        return proper_case(f"{first.strip()} {last.strip()}")
    text = TITLE_RE.sub("", name).strip()
    if "," in text:
        surname, _, given = text.partition(",")
        text = f"{given.strip()} {surname.strip()}"
    return proper_case(text)


# --- internal codes (item 12) ------------------------------------------------------------------

_CODE = r"[A-Z]{2,6}\d{1,5}"
INTERNAL_CODE_PATTERNS = (
    re.compile(r"^\s*(?:zz|xx)+[\s_.-]*", re.IGNORECASE),
    re.compile(r"^\s*\d{3,}\s*[-–:]?\s+(?=\D)"),
    re.compile(rf"^\s*{_CODE}\s*[-–:]\s+"),
    re.compile(
        rf"\s*[\(\[]\s*(?:{_CODE}|\d{{3,}}|old|archived|inactive|do not use)\s*[\)\]]",
        re.IGNORECASE,
    ),
    re.compile(r"\s*[-–:]?\s*\bdo not use\b\s*", re.IGNORECASE),
    re.compile(r"\s+[-–]\s*(?:old|archived|inactive)\s*$", re.IGNORECASE),
    re.compile(rf"\s+[-–]\s*(?:{_CODE}|\d{{3,}})\s*$"),
)


def strip_internal_code(name: str) -> str:
    """The name without internal codes and markers; equal to the input when there are none."""
    text = str(name or "")
    for pattern in INTERNAL_CODE_PATTERNS:
        text = pattern.sub(" ", text)
    text = " ".join(text.split()).strip(" -–:")
    return text if text != " ".join(str(name or "").split()) else str(name or "")


def has_internal_code(name: str) -> bool:
    return bool(name) and strip_internal_code(name) != name
