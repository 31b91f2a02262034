"""Step 5, C05.W006: an identifier that fails its own check.

Checked as the practice's country (``Context.country``):

- a tax or company number is right when it is valid as ANY of its country's schemes (a 9-digit
  Australian number is a TFN or an ACN, 11 digits an ABN): AU ABN, TFN, ACN; NZ IRD number,
  NZBN; UK UTR, company number (Companies House numbers have no check digit: only their form,
  8 digits or 2 letters and 6 digits, is checked), VAT number. Check digits are python-stdnum's.
  Spaces, dashes, dots and slashes between the digits do not matter;
- an email address must be valid syntax (``email_validator``, ``check_deliverability=False``:
  never the network);
- a phone number must be a valid number (``phonenumbers``) when read as the country's: "(02) 9999
  1234" in an Australian practice. One written with its own country code ("+64 21 123 4567") is
  judged as that country's. Where a small repair gives a valid number ("00" written for "+", a
  country code without its "+"), the finding suggests it in the form the practice writes it.

Blank values are not findings (other rules deal with what is missing), nor are rows with no client
name (only C05.E005 reports those). Each distinct value is checked once, so 100,000 clients cost
one check per different value: a vectorised first pass accepts the common well-formed values (the
Australian checksums in numpy, a strict email pattern, the phone metadata's own number patterns)
and only what it cannot accept goes to the libraries, which have the last word. The first pass
only ever accepts; ``tests/audits/validators/test_rules_identifier_checks.py`` holds it to the
libraries' verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import or_

import numpy as np
import pandas as pd
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat
from stdnum import ean
from stdnum.au import abn, acn, tfn
from stdnum.gb import utr, vat
from stdnum.nz import ird

from audits.validators.base import Context, Finding, Rule, Table
from audits.validators.names import each_distinct

# The countries a practice can be in (``wizard.models.Country`` offers exactly these), with the
# words for "a number of that country".
COUNTRIES: dict[str, str] = {"AU": "an Australian", "NZ": "a New Zealand", "GB": "a UK"}
WHERE = "XPM → Clients → (the client) → Edit Client"
LABELS = {"tax_number": "tax number", "email": "email address", "phone": "phone number"}


@dataclass(frozen=True)
class Problem:
    """Why a value fails its check (completing "The tax number "…" of "…" "), and the
    normalised form to use where there is one."""

    reason: str
    suggestion: str = ""


# --- tax and company numbers --------------------------------------------------------------------


def _nzbn(number: str) -> bool:
    """A New Zealand Business Number: a GS1 number (13 digits, EAN check digit) starting 94."""
    return len(number) == 13 and number.startswith("94") and ean.is_valid(number)


def _gb_company_number(number: str) -> bool:
    return re.fullmatch(r"\d{8}|[A-Z]{2}\d{6}", number) is not None


@dataclass(frozen=True)
class Scheme:
    name: str
    lengths: tuple[int, ...]  # digits, for saying what a number of this scheme looks like
    is_valid: Callable[[str], bool]


TAX_SCHEMES: dict[str, tuple[Scheme, ...]] = {
    "AU": (
        Scheme("ABN", (11,), abn.is_valid),
        Scheme("TFN", (8, 9), tfn.is_valid),
        Scheme("ACN", (9,), acn.is_valid),
    ),
    "NZ": (Scheme("IRD number", (8, 9), ird.is_valid), Scheme("NZBN", (13,), _nzbn)),
    "GB": (
        Scheme("UTR", (10,), utr.is_valid),
        Scheme("company number", (8,), _gb_company_number),
        Scheme("VAT number", (9, 12), vat.is_valid),
    ),
}
TAX_SOURCES = {
    "AU": "the client's records or the ABN Lookup (abr.business.gov.au)",
    "NZ": "the client's records from Inland Revenue",
    "GB": "the client's HMRC letters or Companies House",
}
SEPARATORS = r"[\s\-./]"


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _lengths(schemes: Iterable[Scheme]) -> str:
    """'an ABN has 11, a TFN 8 or 9, an ACN 9'."""
    parts = []
    for i, s in enumerate(schemes):
        article = "an" if s.name[0] in "AEFHILMNORSX" else "a"
        digits = " or ".join(str(n) for n in s.lengths)
        parts.append(f"{article} {s.name} {'has ' if i == 0 else ''}{digits}")
    return ", ".join(parts)


# "ABN: 51 824 753 556": the scheme's name typed in front of the number.
TAX_LABEL = re.compile(
    r"(?i)\s*(?:ABN|ACN|ARBN|TFN|IRD|NZBN|UTR|VAT|CRN)\b(?:\s*(?:no\.?|number))?\s*[:#]?\s*"
)


def _valid_scheme(value: str, schemes: tuple[Scheme, ...]) -> Scheme | None:
    number = re.sub(SEPARATORS, "", value).upper()
    return next((s for s in schemes if s.is_valid(number)), None)


def tax_problem(value: str, country: str) -> Problem | None:
    """None when ``value`` is valid as one of ``country``'s tax or company number schemes."""
    schemes = TAX_SCHEMES[country]
    if _valid_scheme(value, schemes):
        return None
    label = TAX_LABEL.match(value)
    rest = value[label.end() :].strip() if label else value
    scheme = _valid_scheme(rest, schemes) if label else None
    if scheme:
        return Problem(
            f"is a valid {scheme.name} with a label in front: keep only the number.", rest
        )
    return Problem(f"is not a valid {_either([s.name for s in schemes])}: {_why(rest, schemes)}.")


def _why(value: str, schemes: tuple[Scheme, ...]) -> str:
    number = re.sub(SEPARATORS, "", value).upper()
    if not any(ch.isdigit() for ch in number):
        return "it has no digits (leave the field blank when the number is not known)"
    if number.isdigit() and any(len(number) in s.lengths for s in schemes):
        return "a digit is probably mistyped"
    if number.isdigit():
        return f"it has {len(number)} digits, where {_lengths(schemes)}"
    return "it has characters that do not belong in one"


_TFN_WEIGHTS = np.array((1, 4, 3, 7, 5, 8, 6, 9, 10))


def _tfn(d: np.ndarray) -> np.ndarray:
    return (d @ _TFN_WEIGHTS[: d.shape[1]]) % 11 == 0


def _acn(d: np.ndarray) -> np.ndarray:
    return (d @ (np.arange(9) - 8)) % 10 == d[:, 8]


def _abn(d: np.ndarray) -> np.ndarray:
    total = -(d[:, 2:] @ np.arange(3, 20, 2))
    return 11 + (total - 1) % 89 == d[:, 0] * 10 + d[:, 1]


_AU_CHECKS = {8: (_tfn,), 9: (_tfn, _acn), 11: (_abn,)}
_SEPARATORS_RE = re.compile(SEPARATORS)
_DIGITS_RE = re.compile(r"[0-9]+")  # ASCII: the checksums read bytes; other digits go to stdnum


def au_tax_accepted(values: pd.Series) -> np.ndarray:
    """Which values are a valid TFN, ACN or ABN: stdnum's checksums, vectorised (a first pass:
    what it does not accept goes to ``tax_problem``)."""
    numbers = np.array([_SEPARATORS_RE.sub("", v) for v in values], dtype=object)
    lengths = np.fromiter(map(len, numbers), dtype=np.int64, count=len(numbers))
    digits_only = np.fromiter(
        (_DIGITS_RE.fullmatch(n) is not None for n in numbers), dtype=bool, count=len(numbers)
    )
    ok = np.zeros(len(numbers), dtype=bool)
    for length, checks in _AU_CHECKS.items():
        mask = digits_only & (lengths == length)
        if not mask.any():
            continue
        text = "".join(numbers[mask]).encode("ascii")
        d = (np.frombuffer(text, dtype=np.uint8).reshape(-1, length) - 48).astype(np.int64)
        ok[mask] = reduce(or_, (check(d) for check in checks))
    return ok


# --- email addresses ----------------------------------------------------------------------------

_ATOM = r"[A-Za-z0-9_+-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# ASCII atoms, one "@", ASCII labels and a top-level domain of letters.
PLAIN_EMAIL = rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}"
_PLAIN_EMAIL_RE = re.compile(PLAIN_EMAIL)
SPECIAL_USE_DOMAINS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def is_plain_email(value: str) -> bool:
    """A plain address: ``PLAIN_EMAIL`` (at least 6 characters, one "@"), at most 254 characters
    in all and 64 before the "@", no "--", and a top-level domain that is not special-use."""
    return (
        _PLAIN_EMAIL_RE.fullmatch(value) is not None
        and len(value) <= 254
        and value.index("@") <= 64
        and "--" not in value
        and value.rpartition(".")[2].lower() not in SPECIAL_USE_DOMAINS
    )


def plain_emails(values: pd.Series) -> np.ndarray:
    """Plain ASCII addresses email_validator is sure to accept (a first pass, never a refusal)."""
    return np.fromiter(map(is_plain_email, values), dtype=bool, count=len(values))


def email_problem(value: str) -> Problem | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        detail = str(exc).strip()
        return Problem(f"is not a valid email address. {detail}{'' if detail[-1:] == '.' else '.'}")
    return None


# --- phone numbers ------------------------------------------------------------------------------

# A number is valid when it is of any of these types; most are fixed lines or mobiles, tried first
# (the order changes the time taken, never the verdict).
_NUMBER_TYPES = (
    "fixed_line",
    "mobile",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


def _desc_pattern(desc) -> str | None:
    """phonenumbers' ``_is_number_matching_desc`` as one regex: the length (when the description
    gives lengths) and the national number pattern; None when nothing can match."""
    if desc is None or not desc.national_number_pattern:
        return None
    pattern = f"(?:{desc.national_number_pattern})"
    if not desc.possible_length:
        return pattern
    lengths = [n for n in desc.possible_length if n > 0]
    if not lengths:
        return None
    return "(?=(?:" + "|".join(rf"\d{{{n}}}" for n in lengths) + ")$)" + pattern


@lru_cache(maxsize=8)
def _valid_number_pattern(region: str) -> str:
    """A national number of ``region`` that ``is_valid_number`` accepts: it matches the general
    description and one of the number types."""
    meta = PhoneMetadata.metadata_for_region(region)
    general = _desc_pattern(meta.general_desc) or "(?!)"
    types = [p for p in (_desc_pattern(getattr(meta, t)) for t in _NUMBER_TYPES) if p]
    return f"(?=(?:{general})$)(?:{'|'.join(types) or '(?!)'})"


def plain_phones(values: pd.Series, region: str) -> np.ndarray:
    """Which values are valid numbers of ``region`` written plainly, nationally ("(02) 9999 1234")
    or with the country code ("+61 2 9999 1234"): the verdict of ``phonenumbers.parse`` and
    ``is_valid_number``, read from the same metadata without parsing each value. A first pass:
    anything unusual (letters, an extension, "(0)", an international prefix) is left to
    ``phone_problem``."""
    meta = PhoneMetadata.metadata_for_region(region)
    if region not in COUNTRIES or meta is None:
        return np.zeros(len(values), dtype=bool)
    accepted = _plain_phone_check(region)
    return np.fromiter(map(accepted, values), dtype=bool, count=len(values))


_NATIONAL_START_RE = re.compile(r"0[1-9]")
# What may stand between the digits of a plainly written number: after an optional leading "+",
# only digits and these, i.e. the value fullmatches r"\+?[\d\s().-]+".
_PHONE_PUNCTUATION_RE = re.compile(r"[\s().-]")


@lru_cache(maxsize=8)
def _plain_phone_check(region: str) -> Callable[[str], bool]:
    """``plain_phones``' test of one value for ``region`` (its patterns compiled once)."""
    meta = PhoneMetadata.metadata_for_region(region)
    code = str(meta.country_code)
    international_prefix = re.compile(meta.international_prefix)
    national_prefix = re.compile(meta.national_prefix_for_parsing)
    valid = re.compile(_valid_number_pattern(region))

    def accepted(value: str) -> bool:
        plus = value.startswith("+")
        body = value[1:] if plus else value
        digits = _PHONE_PUNCTUATION_RE.sub("", body)
        if not body or not (digits == "" or digits.isdecimal()):  # \d is isdecimal
            return False
        international = plus and digits.startswith(code)
        national = (
            not plus
            and _NATIONAL_START_RE.match(digits) is not None
            and international_prefix.match(digits) is None
        )
        nsn = digits[len(code) :] if international else digits[1:]
        international = international and national_prefix.match(nsn) is None  # parse strips it
        return (international or national) and valid.fullmatch(nsn) is not None

    return accepted


_UNPARSED = {
    NumberParseException.INVALID_COUNTRY_CODE: "it starts with a country code that does not exist",
    NumberParseException.TOO_SHORT_AFTER_IDD: "it has too few digits",
    NumberParseException.TOO_SHORT_NSN: "it has too few digits",
    NumberParseException.TOO_LONG: "it has too many digits (two numbers in one field?)",
}


def _why_invalid(number: phonenumbers.PhoneNumber) -> str:
    meta = PhoneMetadata.metadata_for_region_or_calling_code(
        number.country_code, phonenumbers.region_code_for_country_code(number.country_code)
    )
    usual = set()
    for desc in (meta.fixed_line, meta.mobile) if meta else ():
        usual |= set(desc.possible_length if desc else ()) - {-1}
    length = len(str(number.national_number))
    if usual and length < min(usual):
        return "it has too few digits"
    if usual and length > max(usual):
        return "it has too many digits"
    return "none starts with those digits, so one is probably mistyped"


def repaired_phone(value: str, region: str) -> str:
    """The valid number ``value`` was probably meant to be, in the form the practice writes it
    ("(02) 9999 1234", or "+64 21 123 4567" abroad); "" when no small repair gives one."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("00"):
        candidate = "+" + digits[2:]  # the "00" of other countries written for "+"
    elif not value.lstrip().startswith("+") and not digits.startswith("0") and len(digits) >= 9:
        candidate = "+" + digits  # a country code without its "+"
    else:
        return ""
    try:
        number = phonenumbers.parse(candidate, region)
    except NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    at_home = phonenumbers.region_code_for_number(number) == region
    style = PhoneNumberFormat.NATIONAL if at_home else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def phone_problem(value: str, region: str) -> Problem | None:
    """None when ``value`` is a valid phone number read as ``region``'s."""
    country = COUNTRIES.get(region, f"a {region}")
    try:
        number = phonenumbers.parse(value, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.NOT_A_NUMBER:
            return Problem("is not a phone number.")
        why = _UNPARSED.get(exc.error_type, "it cannot be read as a phone number")
        return Problem(f"cannot be {country} phone number: {why}.", repaired_phone(value, region))
    if phonenumbers.is_valid_number(number):
        return None
    if number.country_code != phonenumbers.country_code_for_region(region):
        abroad = phonenumbers.region_code_for_country_code(number.country_code)
        country = COUNTRIES.get(abroad, f"a +{number.country_code}")
    why = _why_invalid(number)
    return Problem(f"cannot be {country} phone number: {why}.", repaired_phone(value, region))


# --- the rule -----------------------------------------------------------------------------------


def _problems(
    values: pd.Series,
    accepted: Callable[[pd.Series], np.ndarray] | None,
    check: Callable[[str], Problem | None],
) -> dict[str, Problem]:
    """Bad distinct values -> their problem: each distinct value is checked once, the ones the
    first pass (``accepted``) vouches for not at all."""
    distinct = pd.Series(values.unique(), dtype=object)
    distinct = distinct[distinct != ""]
    if accepted is not None and len(distinct):
        distinct = distinct[~accepted(distinct)]
    found = {}
    for value in distinct:
        problem = check(value)
        if problem is not None:
            found[value] = problem
    return found


def bad_values(field: str, values: pd.Series, country: str) -> dict[str, Problem]:
    """The distinct values of an identifier column (stripped) that fail their check."""
    if field == "tax_number":
        if country not in TAX_SCHEMES:
            return {}
        first = au_tax_accepted if country == "AU" else None
        return _problems(values, first, lambda v: tax_problem(v, country))
    if field == "email":
        return _problems(values, plain_emails, email_problem)
    return _problems(
        values, lambda v: plain_phones(v, country), lambda v: phone_problem(v, country)
    )


def _hint(field: str, country: str, problem: Problem) -> str:
    if field == "tax_number" and problem.suggestion:
        return f'Write it as "{problem.suggestion}" in {WHERE}.'
    if field == "tax_number":
        source = TAX_SOURCES.get(country, "the client's records")
        return (
            f"Check the number against {source} and correct it in {WHERE}: a wrong number "
            "can make two clients look like one, or one client look like two."
        )
    if field == "email":
        return (
            f"Correct it in {WHERE}: proposals and invoices sent to this address will not arrive."
        )
    if problem.suggestion:
        return f'Write it as "{problem.suggestion}" in {WHERE}.'
    if problem.reason.startswith("is not a phone number"):
        return f"Put the client's phone number in {WHERE}, or leave the field blank."
    return f"Correct it in {WHERE}; write a number abroad with its country code (+…)."


class IdentifierCheck(Rule):
    code = "C05.W006"
    title = "An identifier that fails its own check"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        country = (ctx.country or "").upper()
        names = t.col("name")
        for field in LABELS:
            if not t.has(field):
                continue
            values = each_distinct(t.col(field), str.strip)
            bad = bad_values(field, values, country)
            if not bad:
                continue
            for index in values.index[values.isin(list(bad))]:
                name = names[index].strip()  # rows without a name are C05.E005's
                if name:
                    yield self._finding(t, index, field, name, values[index], country, bad)

    def _finding(
        self,
        t: Table,
        index,
        field: str,
        name: str,
        value: str,
        country: str,
        bad: dict[str, Problem],
    ) -> Finding:
        problem = bad[value]
        return self.finding(
            f'The {LABELS[field]} "{value}" of "{name}" {problem.reason}',
            hint=_hint(field, country, problem),
            value=value,
            suggestion=problem.suggestion,
            **t.at(index, field),
        )


RULES: tuple[Rule, ...] = (IdentifierCheck(),)
