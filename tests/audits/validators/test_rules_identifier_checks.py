"""C05.W006: tax and company numbers, email addresses and phone numbers that fail their own check,
as the practice's country sees them."""

import random
import re

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneMetadata
from stdnum.au import abn, acn, tfn

from audits.validators import identifier_checks
from audits.validators.identifier_checks import (
    _valid_number_pattern,
    au_tax_accepted,
    is_plain_email,
    plain_emails,
    plain_phones,
)
from tests.audits.validators.rule_helpers import findings

CODE = "C05.W006"


def client(name, **fields):
    return {"name": name, "status": "Active", **fields}


def found(rows, country="AU"):
    return findings(identifier_checks, CODE, country=country, xpm_clients=rows)


def test_it_keeps_quiet_on_valid_identifiers():
    rows = [
        client("Harbour Dental Pty Ltd", tax_number="51 824 753 556", phone="(02) 9999 1234"),
        client("Jane Smith", tax_number="123 456 782", email="jane.smith@mail.example"),
        client("Acme Pty Ltd", tax_number="004 085 616", phone="0412 345 678"),  # an ACN
        client("Abroad Ltd", phone="+64 21 123 4567", email="Zoë.Müller@bücher.example"),
        client("Short Code", phone="1300 123 456", email="a_b+c@x.com.au"),
    ]
    assert found(rows) == []


def test_it_flags_a_tax_number_with_a_mistyped_digit():
    (f,) = found([client("Harbour Dental Pty Ltd", tax_number="12 345 678 901")])
    assert f.message == (
        'The tax number "12 345 678 901" of "Harbour Dental Pty Ltd" is not a valid ABN, TFN or '
        "ACN: a digit is probably mistyped."
    )
    assert "XPM → Clients → (the client) → Edit Client" in f.hint
    assert (f.rows, f.column, f.value, f.suggestion) == ((2,), "tax_number", "12 345 678 901", "")
    assert (f.severity.value, f.item) == ("warning", 5)


def test_it_accepts_a_number_valid_as_any_scheme_of_the_country():
    # 9 digits: a TFN or an ACN; each is valid as one of them only.
    assert tfn.is_valid("123456782") and not acn.is_valid("123456782")
    assert acn.is_valid("004085616") and not tfn.is_valid("004085616")
    rows = [client("A", tax_number="123456782"), client("B", tax_number="004-085-616")]
    assert found(rows) == []
    (f,) = found([client("C", tax_number="123 456 789")])
    assert "not a valid ABN, TFN or ACN" in f.message


def test_it_says_how_a_tax_number_is_wrong():
    rows = [
        client("A", tax_number="12 345"),
        client("B", tax_number="N/A"),
        client("C", tax_number="ABN 51 824 753 556"),
    ]
    short, none, labelled = found(rows)
    assert "it has 5 digits, where an ABN has 11, a TFN 8 or 9, an ACN 9" in short.message
    assert "it has no digits" in none.message
    assert "with a label in front" in labelled.message
    assert labelled.suggestion == "51 824 753 556"


def test_it_checks_tax_numbers_as_the_practices_country():
    ird = client("Kiwi Ltd", tax_number="49-091-850")  # a valid NZ IRD number
    assert found([ird], country="NZ") == []
    (f,) = found([ird], country="AU")
    assert "not a valid ABN, TFN or ACN" in f.message
    (f,) = found([client("Kiwi Ltd", tax_number="136410133")], country="NZ")
    assert "is not a valid IRD number or NZBN: a digit is probably mistyped" in f.message
    assert "Inland Revenue" in f.hint


def test_it_checks_uk_numbers():
    rows = [
        client("A", tax_number="1955839661"),  # UTR
        client("B", tax_number="SC123456"),  # company number (no check digit: its form)
        client("C", tax_number="GB 980 7806 84"),  # VAT number
        client("D", tax_number="2955839661"),
    ]
    (f,) = found(rows, country="GB")
    assert f.rows == (5,)
    assert "is not a valid UTR, company number or VAT number" in f.message


def test_it_flags_an_email_that_is_not_valid_syntax():
    rows = [client("Jane Smith", email="jane.smith@@mail"), client("Bo Li", email="bo li@x.com")]
    broken, spaced = found(rows)
    assert broken.message.startswith(
        'The email address "jane.smith@@mail" of "Jane Smith" is not a valid email address. '
    )
    assert (broken.column, broken.value) == ("email", "jane.smith@@mail")
    assert "Edit Client" in broken.hint
    assert spaced.rows == (3,)


def test_it_flags_a_phone_that_cannot_be_a_number_of_the_country():
    (f,) = found([client("Jane Smith", phone="0412 345 6")])
    assert f.message == (
        'The phone number "0412 345 6" of "Jane Smith" cannot be an Australian phone number: '
        "it has too few digits."
    )
    assert (f.column, f.value, f.suggestion) == ("phone", "0412 345 6", "")


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("0061 2 9999 1234", "(02) 9999 1234"),  # "00" written for "+"
        ("0061 412 345 678", "0412 345 678"),
        ("64 21 123 4567", "+64 21 123 4567"),  # a country code without its "+"
    ],
)
def test_it_suggests_the_normalised_phone_number(typed, suggestion):
    (f,) = found([client("Jane Smith", phone=typed)])
    assert f.suggestion == suggestion
    assert f'Write it as "{suggestion}"' in f.hint


def test_it_reads_phones_as_the_practices_country():
    assert found([client("A", phone="021 123 4567")], country="NZ") == []
    assert found([client("A", phone="020 7946 0958")], country="GB") == []
    (f,) = found([client("A", phone="020 7946 0958")], country="AU")
    assert "cannot be an Australian phone number" in f.message
    (f,) = found([client("A", phone="+64 21 123 456 789 0")], country="AU")
    assert "cannot be a New Zealand phone number" in f.message


def test_it_says_what_is_not_a_phone_number():
    (f,) = found([client("A", phone="TBA")])
    assert f.message == 'The phone number "TBA" of "A" is not a phone number.'
    assert "leave the field blank" in f.hint


def test_it_ignores_blanks_and_rows_without_a_name():
    rows = [
        client("Jane Smith", tax_number="", email="  ", phone=""),
        client("", tax_number="12 345 678 901", email="x@@y", phone="12"),
    ]
    assert found(rows) == []


def test_it_reports_each_row_of_a_repeated_bad_value_but_checks_it_once(monkeypatch):
    calls = []
    check = identifier_checks.email_problem
    monkeypatch.setattr(identifier_checks, "email_problem", lambda v: calls.append(v) or check(v))
    rows = [client(f"Client {i}", email="shared@@mail") for i in range(3)]
    rows.append(client("Fine", email="fine@mail.example"))
    assert [f.rows for f in found(rows)] == [(2,), (3,), (4,)]
    assert calls == ["shared@@mail"]  # once; the valid address never reaches the library


def test_it_strips_values_before_checking_and_reporting():
    (f,) = found([client("A", tax_number="  12 345 678 901 ")])
    assert f.value == "12 345 678 901"


# --- the vectorised first pass only ever accepts what the libraries accept ----------------------


def test_the_au_checksums_agree_with_stdnum():
    rng = random.Random(5)
    values = [str(rng.randrange(10**7, 10**8)) for _ in range(3000)]
    values += [str(rng.randrange(10**8, 10**9)) for _ in range(3000)]
    values += [str(rng.randrange(10**10, 10**11)) for _ in range(3000)]
    values += ["51 824 753 556", "004 085 616", "123 456 782", "12-345-678-901", "ABN 51"]
    spaced = [v.replace("-", " ") for v in values]  # stdnum takes spaces, Liftoff dashes too
    expected = [tfn.is_valid(v) or acn.is_valid(v) or abn.is_valid(v) for v in spaced]
    assert list(au_tax_accepted(pd.Series(values))) == expected
    assert sum(expected) > 500  # the sample has valid numbers of every length


@pytest.mark.parametrize("region", ["AU", "NZ", "GB"])
def test_the_phone_patterns_agree_with_phonenumbers(region):
    rng = random.Random(region)
    code = str(phonenumbers.country_code_for_region(region))
    values = []
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 11)))
        values += [f"0{digits}", f"({digits[:2]}) {digits[2:]}", f"+{code} {digits}"]
    values += ["0011 64 21 123 4567", "+61 (0)2 9999 1234", "02 9999 1234 ext 5", "0161 234"]
    accepted = plain_phones(pd.Series(values), region)
    valid = []
    for value in values:
        try:
            valid.append(phonenumbers.is_valid_number(phonenumbers.parse(value, region)))
        except phonenumbers.NumberParseException:
            valid.append(False)
    wrongly = [v for v, a, ok in zip(values, accepted, valid, strict=True) if a and not ok]
    assert wrongly == []
    plain = [v for v in values if v.startswith("0")]
    assert sum(accepted) > 0.9 * sum(ok for v, ok in zip(values, valid, strict=True) if v in plain)


@pytest.mark.parametrize(
    "value",
    [
        "+",
        "()",
        "++61 2 9999 1234",
        "+61 2 9999 1234",
        "(02) 9999-1234",
        "02.9999.1234",
        "02\u00a09999 1234",  # a non-breaking space is a space
        "0\uff12 9999 1234",  # a fullwidth digit is a digit
        "\u0660\u0662 9999 1234",
        "02 9999 1234 x",
        "02/9999/1234",
    ],
)
def test_the_phone_shape_is_a_plus_then_digits_spaces_and_brackets(value):
    r"""The first pass reads a value only when it is shaped r"\+?[\d\s().-]+"; what it then
    accepts is a valid number."""
    (accepted,) = plain_phones(pd.Series([value]), "AU")
    if accepted:
        assert re.fullmatch(r"\+?[\d\s().-]+", value)
        assert phonenumbers.is_valid_number(phonenumbers.parse(value, "AU"))


def test_the_email_pattern_accepts_only_what_email_validator_accepts():
    values = [
        "jane.smith@mail.example",
        "A.B@X.COM",
        "a_b+c@x.com.au",
        "-a@x.com",
        "a..b@x.com",
        "a@ab--cd.com",
        "a@x.local",
        "a@localhost",
        "a@x.co1",
        "a@-x.com",
        "a@x-.com",
        ".a@x.com",
        "a.@x.com",
        "a@x",
        "a" * 65 + "@x.com",
        "a@" + "b" * 64 + ".com",
        "a@" + ".".join(["b" * 63] * 4) + ".com",
        "jane.smith@@mail",
    ]
    accepted = plain_emails(pd.Series(values))
    for value, yes in zip(values, accepted, strict=True):
        if yes:
            validate_email(value, check_deliverability=False)  # raises if the pattern was wrong
    assert list(accepted[:4]) == [True, True, True, True]
    with pytest.raises(EmailNotValidError):
        validate_email("a@ab--cd.com", check_deliverability=False)


_OLD_PLAIN_EMAIL = re.compile(  # the first pass as one pattern, before its checks were split up
    r"(?=[^@]{1,64}@)(?=.{3,254}$)[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_OLD_SPECIAL_USE = re.compile(r"(?:^|[.@])(?:arpa|invalid|local|localhost|onion|test)$")


@pytest.mark.parametrize(
    "value",
    [
        "jane.smith@mail.example",
        "a@x.LOCAL",
        "a@x.Test",
        "a@b.c.onion",
        "a@test.com",
        "a@xtest",
        "a@x.xtest",
        "a@x.com\n",
        "a\n@x.com",
        "a--b@x.com",
        "a" * 64 + "@x.com",
        "a" * 65 + "@x.com",
        "a@" + ".".join(["b" * 61] * 4) + ".coms",  # 254 characters
        "a@" + ".".join(["b" * 61] * 4) + ".comss",  # 255
        "a@b.co",
    ],
)
def test_is_plain_email_is_the_single_pattern_it_replaced(value):
    old = (
        _OLD_PLAIN_EMAIL.fullmatch(value) is not None
        and "--" not in value
        and _OLD_SPECIAL_USE.search(value.lower()) is None
    )
    assert is_plain_email(value) is old


def _old_plain_phones(values: pd.Series, region: str) -> np.ndarray:
    """The phone first pass as it was written with pandas string methods, for comparison."""
    meta = PhoneMetadata.metadata_for_region(region)
    code = str(meta.country_code)
    plus = values.str.startswith("+")
    digits = values.str.replace(r"\D", "", regex=True)
    international = plus & digits.str.startswith(code)
    national = ~plus & digits.str.match(r"0[1-9]") & ~digits.str.match(meta.international_prefix)
    nsn = digits.str[len(code) :].where(international, digits.str[1:])
    international &= ~nsn.str.match(meta.national_prefix_for_parsing)
    candidate = values.str.fullmatch(r"\+?[\d\s().-]+") & (international | national)
    valid = nsn.where(candidate, "").str.fullmatch(_valid_number_pattern(region))
    return (candidate & valid).to_numpy(dtype=bool)


@pytest.mark.parametrize("region", ["AU", "NZ", "GB"])
def test_plain_phones_gives_the_verdicts_of_the_pandas_version(region):
    rng = random.Random(f"old-{region}")
    code = str(phonenumbers.country_code_for_region(region))
    values = ["+", "()", "++61 2 9999 1234", "0\uff12 9999 1234", "02\u00a09999 1234", "02/9999"]
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 11)))
        values += [f"0{digits}", f"({digits[:2]}) {digits[2:]}-", f"+{code} {digits}", f"+{digits}"]
    series = pd.Series(values, dtype=object)
    assert list(plain_phones(series, region)) == list(_old_plain_phones(series, region))


def test_the_tax_first_pass_leaves_digits_of_other_scripts_to_stdnum():
    """Eight Arabic-Indic digits once crashed the rule (the checksums read ASCII bytes)."""
    values = pd.Series(["\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "51 824 753 556"])
    assert list(au_tax_accepted(values)) == [False, True]
    rows = [client("Jane Smith", tax_number=values[0])]
    assert [f.code for f in findings(identifier_checks, country="AU", xpm_clients=rows)] == [CODE]
