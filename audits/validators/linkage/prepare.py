"""Records made comparable: every field normalised once per distinct value, then coded.

A practice's exports repeat values (thousands of "Smith", one postcode for a suburb), so each
normaliser runs once per distinct value (``_per_value``) and the comparisons later work on integer
codes: two records agree on a field when their codes are equal, and a fuzzy comparison is
computed once per distinct pair of values, not once per record pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audits.validators.names import (
    ORGANISATION_WORDS,
    TITLE_RE,
    distinct,
    match_name,
    normalise_series,
    parse_individual,
)

FIELDS = (
    "given",
    "family",
    "org",
    "date_of_birth",
    "tax_number",
    "email",
    "phone",
    "postcode",
    "street",
    "code",
    "joined",  # all given names and the family name, letters only: "Kate Lin"/"Katelin"
    "normal",  # normalise_name: equal here is "the same name" (C05.E001), not compared fuzzily
)

STREET_WORDS = {  # abbreviations read as the word (matching.identifier_frame uses it too)
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "ln": "lane",
    "pl": "place",
    "pde": "parade",
    "tce": "terrace",
    "cres": "crescent",
    "cct": "circuit",
    "ct": "court",
    "hwy": "highway",
    "blvd": "boulevard",
    "sq": "square",
}
_LETTERS = re.compile(r"[^a-z]")
_DATE_PARTS = re.compile(r"\d+")


@dataclass
class Prepared:
    """One side of a linkage: per field, an int32 code per record (-1 = blank) and the distinct
    normalised values the codes point into; ``person`` marks records read as one person."""

    n: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    person: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def value(self, name: str, position: int) -> str:
        code = self.codes[name][position]
        return "" if code < 0 else str(self.values[name][code])

    def column(self, name: str) -> np.ndarray:
        """The normalised values per record ("" when blank)."""
        values = np.append(self.values[name], "").astype(object)
        return values[self.codes[name]]


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].fillna("").astype(str).str.strip()
    return pd.Series("", index=frame.index, dtype=object)


def _per_value(values: pd.Series, normalise: Callable[[str], str]) -> pd.Series:
    uniques = distinct(values)
    return values.map({u: normalise(u) for u in uniques})


# Letters NFKD does not split into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})


def letters(values: pd.Series) -> pd.Series:
    """Letters only, accents folded ("Zoë O'Brien" -> "zoeobrien"), vectorised over the distinct
    values (a practice has a few thousand given names for 100,000 clients)."""
    uniques = pd.Series(distinct(values), dtype=object)
    folded = uniques.str.casefold().str.translate(_UNDECOMPOSED).str.normalize("NFKD")
    ascii_only = folded.str.encode("ascii", "ignore").str.decode("ascii")
    done = ascii_only.str.replace(_LETTERS, "", regex=True)
    return values.map(dict(zip(uniques, done, strict=True)))


def date_of_birth(text: str) -> str:
    """ "1985-03-12", "12/03/1985", "19850312", "12/3/85" -> "19850312"; "" when unreadable.
    Day-first is assumed for "dd/mm/yyyy" (the practices are AU/NZ/UK)."""
    parts = _DATE_PARTS.findall(text)
    if len(parts) == 1 and len(parts[0]) == 8:
        digits = parts[0]
        return digits if digits[:2] in {"19", "20"} else digits[4:] + digits[2:4] + digits[:2]
    if len(parts) < 3:
        return ""
    a, b, c = parts[:3]
    year, month, day = (a, b, c) if len(a) == 4 else (c, b, a)
    if len(year) == 2:
        year = ("19" if int(year) > 30 else "20") + year
    if len(year) != 4 or not (month.isdigit() and day.isdigit()):
        return ""
    return f"{year}{int(month):02d}{int(day):02d}"


def tax_number(text: str) -> str:
    digits = re.sub(r"\W", "", text).upper()
    if len(digits) < 5 or len(set(digits)) == 1:  # "000000000", "999999999" are placeholders
        return ""
    return digits


def tax_numbers(values: pd.Series) -> pd.Series:
    """``tax_number`` over a column, vectorised."""
    digits = values.str.replace(r"\W", "", regex=True).str.upper()
    placeholder = digits.str.fullmatch(r"(.)\1*")
    return digits.where((digits.str.len() >= 5) & ~placeholder, "")


def emails(values: pd.Series) -> pd.Series:
    """Case-folded addresses; "" for anything without a user, an "@" and a dotted domain."""
    folded = values.str.strip().str.casefold()
    return folded.where(folded.str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+"), "")


def phone(digits: pd.Series) -> pd.Series:
    """The last nine digits of a number of eight or more: "+61 2 9999 1234", "(02) 9999 1234"
    and "02 9999 1234" are one number (checking it belongs to the country is C05.W006's job,
    with ``phonenumbers``)."""
    digits = digits.str.replace(r"\D", "", regex=True)
    return digits.str[-9:].where(digits.str.len() >= 8, "")


def street(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    return " ".join(STREET_WORDS.get(w, w) for w in words)


def _names(frame: pd.DataFrame) -> pd.DataFrame:
    """given / family (letters only, first given name) for people; ``org``, the whole name in
    its ``match_name`` form, for everyone (what a person and an organisation are compared on).

    A person is a name with no organisation words (and a business structure, if any, of an
    individual or sole trader): its first and last name fields when filled in (a company's first
    and last name are its contact person, so they are not used for organisations), else the name
    read as "First [Middle] Last" or "Last, First"."""
    name = _text(frame, "name")
    first, last = _text(frame, "first_name"), _text(frame, "last_name")
    organisation = name.str.contains(ORGANISATION_WORDS, regex=True)
    fields = (first != "") | (last != "")
    parsed = _parse_person(name)
    given_names = first.where(fields, parsed["given"])
    given = letters(given_names.str.split().str[0].fillna(""))
    family = letters(last.where(fields, parsed["family"]))
    structure = _text(frame, "business_structure").str.casefold()
    person = ~organisation & ((given != "") | (family != ""))
    person &= structure.eq("") | structure.str.contains("individual|sole", regex=True)
    every_given = letters(given_names)
    return pd.DataFrame(
        {
            "joined": (every_given + family).where(person, ""),
            "given": given.where(person, ""),
            "family": family.where(person, ""),
            "org": _per_value(name, match_name),
            "person": person,
        }
    )


def _parse_person(names: pd.Series) -> pd.DataFrame:
    """given / family read from the name: "First [Middle] Last" by its words (vectorised),
    "Last, First" and names with a title through ``parse_individual``."""
    words = names.str.split()
    count = words.str.len()
    given = words.str[0].where(count >= 2, "").fillna("")
    family = words.str[-1].where(count.between(1, 4), "").fillna("")
    tricky = names.str.contains(",", regex=False) | names.str.contains(TITLE_RE, regex=True)
    for position in np.flatnonzero(tricky.to_numpy()):
        parsed = parse_individual(names.iat[position])
        given.iat[position], family.iat[position] = parsed.given, parsed.family
    return pd.DataFrame({"given": given, "family": family})


def prepare(frame: pd.DataFrame) -> Prepared:
    """``frame`` has any of name, first_name, last_name, business_structure, date_of_birth,
    tax_number, email, phone, address, postcode, client_code / account_number."""
    names = _names(frame)
    code = _text(frame, "client_code")
    if "account_number" in frame:
        code = code.where(code != "", _text(frame, "account_number"))
    columns = {
        "given": names["given"],
        "joined": names["joined"],
        "family": names["family"],
        "org": names["org"],
        "date_of_birth": _per_value(_text(frame, "date_of_birth"), date_of_birth),
        "tax_number": tax_numbers(_text(frame, "tax_number")),
        "email": emails(_text(frame, "email")),
        "phone": phone(_text(frame, "phone")),
        "postcode": _text(frame, "postcode").str.replace(r"\s", "", regex=True).str.casefold(),
        "street": _per_value(_text(frame, "address"), street),
        "code": code.str.casefold(),
        "normal": normalise_series(_text(frame, "name")),
    }
    out = Prepared(n=len(frame), person=names["person"].to_numpy(dtype=bool))
    for name in FIELDS:
        if name not in ("given", "family"):
            out.codes[name], out.values[name] = _factorise(columns[name].to_numpy(dtype=object))
    # Given and family names share one vocabulary: a swapped name compares given with family.
    n = len(frame)
    parts = np.concatenate(
        [columns["given"].to_numpy(dtype=object), columns["family"].to_numpy(dtype=object)]
    )
    codes, values = _factorise(parts)
    out.codes["given"], out.codes["family"] = codes[:n], codes[n:]
    out.values["given"] = out.values["family"] = values
    return out


def _factorise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int32 codes (-1 for "") and the distinct non-blank values."""
    codes, uniques = pd.factorize(values)
    blank = np.flatnonzero(uniques == "")
    if len(blank):
        codes = np.where(codes == blank[0], -1, codes)
        codes = np.where(codes > blank[0], codes - 1, codes)
        uniques = np.delete(uniques, blank[0])
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def combine(a: Prepared, b: Prepared) -> tuple[Prepared, Prepared]:
    """Two sides prepared on their own, recoded into one value space: only the distinct values
    are merged, so a side prepared once (XPM's clients) serves several linkages."""
    out_a, out_b = Prepared(n=a.n, person=a.person), Prepared(n=b.n, person=b.person)
    spaces = [("given", "family")] + [(f,) for f in FIELDS if f not in ("given", "family")]
    for space in spaces:
        first = space[0]
        codes, values = _factorise(np.concatenate([a.values[first], b.values[first]]))
        shift = len(a.values[first])
        # A -1 at the end of each lookup keeps blanks blank (code -1 reads the last entry).
        lookup_a = np.append(codes[:shift], -1).astype(np.int32)
        lookup_b = np.append(codes[shift:], -1).astype(np.int32)
        for name in space:
            out_a.codes[name] = lookup_a[a.codes[name]]
            out_b.codes[name] = lookup_b[b.codes[name]]
            out_a.values[name] = out_b.values[name] = values
    return out_a, out_b
