"""Records made comparable: every field normalised once per distinct value, then coded.

A practice's exports repeat values (thousands of "Smith", one postcode for a suburb), so each
normaliser runs once per distinct value (``_per_value``) and the comparisons later work on integer
codes: two records agree on a field when their codes are equal, and a fuzzy comparison is
computed once per distinct pair of values, not once per record pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from audits.validators.base import per_distinct
from audits.validators.names import (
    TITLE_RE,
    is_organisation,
    match_name,
    normalise_name,
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

STREET_WORDS = {  # abbreviations read as the word
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

    def take(self, positions: np.ndarray) -> Prepared:
        """The records at ``positions``, in the same value space."""
        codes = {name: codes[positions] for name, codes in self.codes.items()}
        return Prepared(len(positions), codes, dict(self.values), self.person[positions])

    def column(self, name: str) -> np.ndarray:
        """The normalised values per record ("" when blank)."""
        values = np.append(self.values[name], "").astype(object)
        return values[self.codes[name]]


def _raw(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as an object array (missing cells as they are), all None when absent."""
    if name in frame:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def _stripped(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column trimmed ("" for a missing cell or column), once per distinct value."""
    if name not in frame:
        return np.full(len(frame), "", dtype=object)
    return per_distinct(frame[name], str.strip)


def _coded(raw: np.ndarray, normalise: Callable[[str], str]) -> tuple[np.ndarray, np.ndarray]:
    """int32 codes of ``normalise`` per record (-1 for blank) and the distinct normalised values,
    computed once per distinct raw value (names, postcodes and dates repeat)."""
    codes, uniques = pd.factorize(raw)  # missing cells get -1
    done = np.empty(len(uniques), dtype=object)
    try:
        done[:] = [normalise(u.strip()) for u in uniques]
    except AttributeError:  # a cell that is not text (a hand-built frame): as its text, as
        done[:] = [normalise(str(u).strip()) for u in uniques]  # ``per_distinct`` reads it
    recoded, values = _factorise(done)
    return np.append(recoded, np.int32(-1))[codes], values


def _first_filled(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Per record a's value, else b's: two coded columns made one."""
    (codes_a, values_a), (codes_b, values_b) = a, b
    recoded, values = _factorise(np.concatenate([values_a, values_b]))
    lookup_a = np.append(recoded[: len(values_a)], np.int32(-1))
    lookup_b = np.append(recoded[len(values_a) :], np.int32(-1))
    return np.where(codes_a >= 0, lookup_a[codes_a], lookup_b[codes_b]), values


# Letters NFKD does not split into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})


@lru_cache(maxsize=1 << 16)
def letters(text: str) -> str:
    """Letters only, accents folded ("Zoë O'Brien" -> "zoeobrien"); names repeat, so cached."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    return _LETTERS.sub("", folded.encode("ascii", "ignore").decode("ascii"))


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


_NON_WORD = re.compile(r"\W")
_NON_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def tax_number(text: str) -> str:
    """Letters and digits, upper case; "" for fewer than five or one repeated character
    ("000000000", "999999999" are placeholders)."""
    digits = _NON_WORD.sub("", text).upper()
    if len(digits) < 5 or len(set(digits)) == 1:
        return ""
    return digits


def email(text: str) -> str:
    """The address case-folded; "" for anything without a user, an "@" and a dotted domain."""
    folded = text.casefold()
    return folded if _EMAIL.fullmatch(folded) else ""


def phone(text: str) -> str:
    """The last nine digits of a number of eight or more: "+61 2 9999 1234", "(02) 9999 1234"
    and "02 9999 1234" are one number (checking it belongs to the country is C05.W006's job,
    with ``phonenumbers``)."""
    digits = _NON_DIGIT.sub("", text)
    return digits[-9:] if len(digits) >= 8 else ""


def postcode(text: str) -> str:
    return _SPACES.sub("", text).casefold()


def street(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    return " ".join(STREET_WORDS.get(w, w) for w in words)


_INDIVIDUAL_STRUCTURE = re.compile("individual|sole")
_PARTS = ("given", "family", "joined")


def _parse_person(name: str) -> tuple[str, str]:
    """given / family read from the name: "First [Middle] Last" by its words, "Last, First" and
    names with a title through ``parse_individual``."""
    if "," in name or TITLE_RE.search(name):
        parsed = parse_individual(name)
        return parsed.given, parsed.family
    words = name.split()
    return (words[0] if len(words) >= 2 else ""), (words[-1] if 1 <= len(words) <= 4 else "")


def _person(name: str, first: str, last: str, structure: str) -> tuple[str, str, str]:
    """(given, family, joined) of a record read as one person, or three blanks.

    A person is a name with no organisation words (and a business structure, if any, of an
    individual or sole trader): its first and last name fields when filled in (a company's first
    and last name are its contact person, so they are not used for organisations), else the name
    read as "First [Middle] Last" or "Last, First"."""
    if is_organisation(name):
        return "", "", ""
    structure = structure.casefold()
    if structure and not _INDIVIDUAL_STRUCTURE.search(structure):
        return "", "", ""
    if first or last:
        given_names, family_name = first, last
    else:
        given_names, family_name = _parse_person(name)
    words = given_names.split()
    given, family = letters(words[0] if words else ""), letters(family_name)
    if not (given or family):
        return "", "", ""
    return given, family, letters(given_names) + family


def _names(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """given / family (letters only, first given name) and ``joined`` (all given names and the
    family name) for people, "" for the rest; ``org``, the whole name in its ``match_name`` form,
    for everyone (what a person and an organisation are compared on)."""
    columns = [
        _stripped(frame, c) for c in ("name", "first_name", "last_name", "business_structure")
    ]
    people = [_person(*row) for row in zip(*columns, strict=True)]
    given, family, joined = (np.array(part, dtype=object) for part in zip(*people, strict=True))
    return {"given": given, "family": family, "joined": joined}


def prepare(frame: pd.DataFrame) -> Prepared:
    """``frame`` has any of name, first_name, last_name, business_structure, date_of_birth,
    tax_number, email, phone, address, postcode, client_code / account_number."""
    n = len(frame)
    names = _names(frame) if n else {p: np.empty(0, dtype=object) for p in _PARTS}
    name = _raw(frame, "name")
    out = Prepared(n=n, person=names["family"] != "")
    out.person |= names["given"] != ""
    coded = {
        "joined": _factorise(names["joined"]),
        "org": _coded(name, match_name),
        "date_of_birth": _coded(_raw(frame, "date_of_birth"), date_of_birth),
        "tax_number": _coded(_raw(frame, "tax_number"), tax_number),
        "email": _coded(_raw(frame, "email"), email),
        "phone": _coded(_raw(frame, "phone"), phone),
        "postcode": _coded(_raw(frame, "postcode"), postcode),
        "street": _coded(_raw(frame, "address"), street),
        "code": _first_filled(
            _coded(_raw(frame, "client_code"), str.casefold),
            _coded(_raw(frame, "account_number"), str.casefold),
        ),
        "normal": _coded(name, normalise_name),
    }
    for field_name, (codes, values) in coded.items():
        out.codes[field_name], out.values[field_name] = codes.astype(np.int32), values
    # Given and family names share one vocabulary: a swapped name compares given with family.
    codes, values = _factorise(np.concatenate([names["given"], names["family"]]))
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


def renamed(p: Prepared, positions: np.ndarray, names: pd.DataFrame) -> Prepared:
    """``p`` with the records at ``positions`` prepared again from ``names`` (their rows with a
    different name; the other fields unchanged): what step 13 does to the names it compares
    without their internal code. ``p``'s values keep their codes; new values are added."""
    if not len(positions):
        return p
    again = prepare(names)
    out = Prepared(p.n, dict(p.codes), dict(p.values), p.person.copy())
    out.person[positions] = again.person
    for space in (("given", "family"), ("joined",), ("org",), ("normal",)):
        known = p.values[space[0]]
        codes, values = _factorise(np.concatenate([known, again.values[space[0]]]))
        lookup = np.append(codes[len(known) :], -1).astype(np.int32)
        for name in space:
            out.codes[name] = p.codes[name].copy()
            out.codes[name][positions] = lookup[again.codes[name]]
            out.values[name] = values
    return out


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
