"""Name logic in one place: the normalisation every name comparison uses, reading individuals'
names (step 3), and finding internal codes in names (step 12).

The normalisation (``checklist.md``): Unicode NFKC, trim, collapse inner whitespace, casefold,
``&`` = ``and``, punctuation dropped, and for organisations the legal suffixes compared as one token
class. Details the spec leaves open, decided here:

- Apostrophes vanish ("O'Neil" = "ONeil"); every other punctuation mark separates words
  ("Smith-Jones" = "Smith Jones", "Pty.Ltd." = "Pty Ltd").
- Legal suffixes count only as TRAILING tokens: "Blue Bell Pty Ltd" = "Blue Bell Limited", but in
  "Trust Co Ltd Holdings" nothing is a suffix (it ends in "Holdings"), and a name is never reduced
  to the suffix class alone ("Trust Co" keeps "trust").

Equality after ``normalise_name`` is "the same name" for duplicates (item 5). Matching *between*
systems (items 12, 13) is stricter: only identical characters match; a normalised or fuzzy match is
a near match to report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA

from audits.validators.base import per_distinct

# One token stands for every legal suffix, so "Blue Bell Pty Ltd" == "Blue Bell Limited".
LEGAL_SUFFIX_TOKEN = "<legal>"  # noqa: S105 - a token, not a password
LEGAL_SUFFIXES = (
    "pty",
    "proprietary",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "llc",
    "llp",
    "co",
    "company",
    "plc",
    "trust",
)
_SUFFIX = "(?:" + "|".join(LEGAL_SUFFIXES) + ")"
# After punctuation is gone: one or more suffix tokens at the very end, with a word before them.
_TRAILING_LEGAL_RE = re.compile(rf"(?<=\S)(?:\s+{_SUFFIX})+$")
_APOSTROPHE_RE = re.compile(r"['’‘`´]")
_PUNCT_RE = re.compile(r"[^\w\s]|_")
_AMP_RE = re.compile(r"&")
_SPACE_RE = re.compile(r"\s+")


# Names repeat across the rules of a run (steps 3, 5, 12, 13 read the same client names) and
# across the systems: each spelling is normalised once, then served from these caches.
NAME_CACHE = 1 << 19


def normalise_name(value: object) -> str:
    """The documented normalisation: two names are "the same" when this returns equal strings."""
    if isinstance(value, str):
        return _normalise_text(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _normalise_text(str(value))


@lru_cache(maxsize=NAME_CACHE)
def _normalise_text(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    text = _AMP_RE.sub(" and ", text)
    text = _APOSTROPHE_RE.sub("", text)
    text = _PUNCT_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    return _TRAILING_LEGAL_RE.sub(" " + LEGAL_SUFFIX_TOKEN, text)


def each_distinct(values: pd.Series, function) -> pd.Series:
    """``function`` over a text column (blank for a missing cell), once per distinct value and
    spread back by one take: names repeat, and mapping a dict costs more than the take."""
    return pd.Series(per_distinct(values, function), index=values.index, dtype="str")


def normalise_series(values: pd.Series) -> pd.Series:
    """``normalise_name`` over a column, once per distinct value (names repeat)."""
    return each_distinct(values, _normalise_text)


def fold_accents(text: str) -> str:
    """ "Zoë Müller" -> "Zoe Muller" (for fuzzy comparison only, never for exact matching)."""
    if text.isascii():  # most names: nothing to fold
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def match_name(value: object) -> str:
    """The form names are FUZZILY compared in: normalised, accents folded, the legal-suffix class
    (a long suffix word with one typing slip too: "Pty Limietd"), a leading "the" and the trustee
    wording dropped ("The Bluebell Trust" -> "bluebell", "The Trustee for the Osei Family Trust"
    -> "osei family")."""
    return _match_text(value if isinstance(value, str) else str(value or ""))


# Suffix words long enough that one slip cannot make another word a practice would use in a name
# ("Truss" is one slip from "trust", "Coy" from "co": those are left alone).
_LONG_SUFFIXES = tuple(s for s in LEGAL_SUFFIXES if len(s) >= 7)


@lru_cache(maxsize=NAME_CACHE)
def _match_text(value: str) -> str:
    text = fold_accents(normalise_name(value)).replace(LEGAL_SUFFIX_TOKEN, " ")
    text = _TRUSTEE_RE.sub("", text.strip())  # "The Trustee for the X Trust" is X Trust's name
    text = re.sub(r"^the\s+", "", text)
    return _without_mistyped_suffix(" ".join(text.split()))


def _without_mistyped_suffix(text: str) -> str:
    """A last word one slip (an OSA edit) from a long legal suffix word is that suffix: it goes,
    with the suffix words before it, as ``normalise_name`` takes a suffix run ("kennedy
    carpentry pty limiyed" -> "kennedy carpentry")."""
    before, _, last = text.rpartition(" ")
    if not before or len(last) < 6:
        return text
    if not any(OSA.distance(last, suffix, score_cutoff=1) <= 1 for suffix in _LONG_SUFFIXES):
        return text
    return _TRAILING_LEGAL_RE.sub("", before)


_TRUSTEE_RE = re.compile(r"^(?:the\s+)?trustees?\s+for\s+")


def match_series(values: pd.Series) -> pd.Series:
    """``match_name`` over a column, computed once per unique value."""
    return each_distinct(values, match_name)


# --- individuals (item 3) --------------------------------------------------------------------

TITLES = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "master",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "rev",
    "reverend",
    "lady",
    "lord",
)
_TITLE = r"(?:" + "|".join(TITLES) + r")\.?"
TITLE_RE = re.compile(rf"^\s*{_TITLE}\s+", re.IGNORECASE)
# A title anywhere as its own word: "Smith, Mrs Jane", "Jane Smith (Mrs)".
_ANY_TITLE_RE = re.compile(rf"(?:^|(?<=[\s,(]))\(?{_TITLE}\)?(?=\s|,|$)", re.IGNORECASE)
_GENERATIONAL = {"jr", "jnr", "sr", "snr", "ii", "iii", "iv", "esq"}
_ORGANISATION_WORDS = (
    "pty|ltd|limited|inc|incorporated|llc|llp|plc|trust|trustee|trustees|company|co|corp"
    "|corporation|group|holdings|partners|partnership|associates|services|superannuation|super"
    "|fund|foundation|family|estate|club|church|school|bakery|cafe|consulting|enterprises"
    "|investments|properties|solutions|and"
)
ORGANISATION_WORDS = re.compile(rf"\b(?:{_ORGANISATION_WORDS})\b|&|\d", re.IGNORECASE)
_ORGANISATION_WORD_SET = frozenset(_ORGANISATION_WORDS.split("|"))
_WORD_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")


def is_organisation(name: str) -> bool:
    """``ORGANISATION_WORDS`` found in ``name`` (an organisation word, "&" or a digit), by its
    words looked up in a set: a third of the regular expression's time, per name. A name with
    letters beyond ASCII goes to the expression itself: its case-blind matching knows that "İ" is
    an "i" and "ſ" an "s", which ``lower()`` does not."""
    if not name.isascii():
        return bool(ORGANISATION_WORDS.search(name))
    if "&" in name or _DIGIT_RE.search(name):
        return True
    return not _ORGANISATION_WORD_SET.isdisjoint(_WORD_RE.findall(name.lower()))


_LOWER_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le"}


def individual_mask(
    names: pd.Series, first: pd.Series, last: pd.Series, structure: pd.Series | None
) -> pd.Series:
    """Which clients are individuals, per the spec: business structure Individual, or (with no
    structure column) first and last name fields and no organisation words in the name. A blank
    structure cell in a present column is read like a missing column."""
    by_fields = (first.str.strip() != "") & (last.str.strip() != "")
    organisation = [isinstance(n, str) and is_organisation(n) for n in names.to_numpy(object)]
    by_fields &= ~np.array(organisation, dtype=bool)
    if structure is None:
        return by_fields
    stated = structure.str.strip().str.casefold()
    return (stated == "individual") | ((stated == "") & by_fields)


def _cap_part(part: str) -> str:
    low = part.lower()
    if len(low) > 2 and low.startswith("mc"):
        return "Mc" + low[2:3].upper() + low[3:]
    for prefix in ("o'", "d'", "o’", "d’"):
        if len(low) > 2 and low.startswith(prefix):
            return prefix[0].upper() + prefix[1] + low[2:3].upper() + low[3:]
    return low[:1].upper() + low[1:]


def _cap_word(word: str, position: int, count: int) -> str:
    if word.isupper() or word.islower():
        if 0 < position < count - 1 and word.lower() in _LOWER_PARTICLES:
            return word.lower()  # "Ludwig van Beethoven"
        if word.lower() in _GENERATIONAL:
            return word.upper() if word.lower() in {"ii", "iii", "iv"} else word.capitalize()
        return "-".join(_cap_part(p) for p in word.split("-"))
    return word  # mixed case ("McDonald", "DeVito") is kept as typed


def proper_case(text: str) -> str:
    """ "JANE MCDONALD-O'NEIL" -> "Jane McDonald-O'Neil"; "zoë müller" -> "Zoë Müller".

    Word by word: a word typed all in capitals or all in lower case is recased; a mixed-case word
    is the practice's own spelling and kept. Spaces are collapsed."""
    words = text.split()
    return " ".join(_cap_word(w, i, len(words)) for i, w in enumerate(words))


@dataclass(frozen=True)
class ParsedName:
    """An individual's name as typed, taken apart."""

    given: str  # first (and middle) names, without a title
    family: str
    title: str  # "Mrs", "" when none
    last_comma_first: bool  # written "Last, First"
    badly_cased: bool  # all capitals or all lower case
    stray_spaces: bool  # leading, trailing or double spaces (incl. non-breaking)

    @property
    def first_last(self) -> str:
        """The suggested "First Last", properly cased."""
        return proper_case(f"{self.given} {self.family}")


def parse_individual(name: str) -> ParsedName:
    """Read "Smith, Mrs Jane", "MR JANE SMITH", "jane  smith" alike."""
    raw = str(name or "")
    text = " ".join(raw.split())
    titles = [m.group(0).strip("() ") for m in _ANY_TITLE_RE.finditer(text)]
    bare = " ".join(_ANY_TITLE_RE.sub(" ", text).split()).strip(" ,")
    comma = False
    given, family = bare, ""
    if "," in bare:
        before, _, after = (p.strip() for p in bare.partition(","))
        if before and after and after.casefold().strip(".") not in _GENERATIONAL:
            comma = True
            given, family = after.replace(",", " "), before
        else:
            given = bare.replace(",", " ")
    if not comma:
        words = given.split()
        given, family = " ".join(words[:-1]), (words[-1] if words else "")
    letters = [c for c in text if c.isalpha()]
    return ParsedName(
        given=" ".join(given.split()),
        family=" ".join(family.split()),
        title=" ".join(titles),
        last_comma_first=comma,
        badly_cased=bool(letters) and len(letters) > 1 and (text.isupper() or text.islower()),
        stray_spaces=raw != text,
    )


def matches_fields(name: str, first: str, last: str) -> bool:
    """Does "First [Middle…] Last" (as written, case and spacing aside) equal the name fields?
    Middle names and initials are allowed: step 13 even suggests adding one to tell namesakes
    apart."""
    words = name.casefold().split()
    want_first, want_last = first.casefold().split(), last.casefold().split()
    if not want_first or not want_last:
        return True
    return (
        len(words) >= len(want_first) + len(want_last)
        and words[: len(want_first)] == want_first
        and words[len(words) - len(want_last) :] == want_last
    )


# --- internal codes (item 12) ------------------------------------------------------------------

_CODE = r"[A-Z]{2,6}-?\d{1,5}"  # "BBG01", "SCP-07": capitals then digits
_SEP = r"\s*[-–—:|]\s*"
_MARK = r"(?:old|archived|inactive|do\s+not\s+use|dnu|duplicate)"
_NOT_CODES = r"(?:NSW|VIC|QLD|WA|SA|TAS|NT|ACT|NZ|AU|AUS|UK|GB|USA|US|SMSF|ATF|CEO|CFO)"
# "101 Collins Street Pty Ltd" is a company named after its address, not a coded name: the number,
# one word, a street type, then nothing but legal suffixes.
_STREET_AFTER = (
    r"(?!\S+\s+(?:street|st|road|rd|avenue|ave|lane|parade|terrace|drive|highway|place|square"
    r"|quay|wharf)(?:\s+(?:pty|ltd|limited|co|company|trust|inc|llc|llp|plc)\.?)*\s*$)"
)
INTERNAL_CODE_PATTERNS = (
    # "zz Blue Bell", "XX - Blue Bell", "zzz_Blue Bell"
    re.compile(r"^\s*(?:z{2,}|x{2,})(?:[\s_.:\-–]+)", re.IGNORECASE),
    # "1478 Blue Bell Group", "1478 - Blue Bell"; not "101 Collins Street Pty Ltd"
    re.compile(rf"^\s*\d{{3,}}(?:{_SEP}|\s+){_STREET_AFTER}(?=\D)", re.IGNORECASE),
    # "BBG01 - Blue Bell", "BBG01 Blue Bell"
    re.compile(rf"^\s*{_CODE}(?:{_SEP}|\s+)(?=\S)"),
    # "Blue Bell (BBG01)", "Blue Bell [1478]", "Blue Bell (old)", "(DO NOT USE) Blue Bell",
    # "Harbourside Physiotherapy Pty Ltd (HSP)": capitals alone in brackets are a code too, but
    # not a state, a country or a fund type ("(NSW)", "(NZ)", "(SMSF)")
    re.compile(
        rf"\s*[(\[{{]\s*(?:{_CODE}|\d{{3,}}|{_MARK}|(?-i:(?!{_NOT_CODES}\b)[A-Z]{{2,6}}))\s*[)\]}}]",
        re.IGNORECASE,
    ),
    # "DO NOT USE - Blue Bell", "OLD: Blue Bell", "ARCHIVED Blue Bell"
    re.compile(rf"^\s*(?:{_MARK}{_SEP}|archived\s+|do\s+not\s+use\s+)", re.IGNORECASE),
    # "Blue Bell - DO NOT USE", "Blue Bell - old", "Blue Bell DO NOT USE"
    re.compile(rf"(?:{_SEP}{_MARK}|\s+(?:do\s+not\s+use|archived))\s*$", re.IGNORECASE),
    # "Blue Bell - BBG01", "Blue Bell BBG01", "Blue Bell - 1478", "Blue Bell 1478";
    # not "Strata Plan 12345", "Smith Family Trust 2019" (a year), "Unit 101"
    re.compile(
        rf"(?<!\bplan)(?<!\bno)(?<!\bunit)(?<!\blevel)(?<!\blot)(?<!#)"
        rf"(?:{_SEP}|\s+)(?:{_CODE}|(?!(?:19|20)\d\d\s*$)\d{{3,}})\s*$",
        re.IGNORECASE,
    ),
)


# Something every pattern above needs (a digit, a bracket, "zz"/"xx", a marker word): a name
# without any of them has no code, and only its spacing and edge punctuation are tidied.
_MAYBE_CODE = re.compile(
    r"\d|[(\[{]|zz|xx|old|archived|inactive|do\s+not\s+use|dnu|duplicate", re.IGNORECASE
)


def _strip_codes(text: str) -> str:
    if not _MAYBE_CODE.search(text):
        return " ".join(text.split()).strip(" -–—:|_")
    return strip_by_patterns(text)


def strip_by_patterns(text: str) -> str:
    """Every pattern, pass after pass, and the spacing and edge punctuation tidied."""
    for _ in range(3):  # "zz 1478 Blue Bell (old)" needs more than one pass
        before = text
        for pattern in INTERNAL_CODE_PATTERNS:
            text = pattern.sub(" ", text)
        text = " ".join(text.split()).strip(" -–—:|_")
        if text == before:
            break
    return text


@lru_cache(maxsize=NAME_CACHE)
def strip_internal_code(name: str) -> str:
    """The name without internal codes and markers; the input itself when there are none (or
    when nothing would be left)."""
    name = str(name or "")
    stripped = _strip_codes(name)
    if not stripped or stripped == " ".join(name.split()):
        return name
    return stripped


def strip_internal_codes(names: pd.Series) -> pd.Series:
    """``strip_internal_code`` over a column, once per unique value."""
    return each_distinct(names, strip_internal_code)
