import pandas as pd
import pytest

from audits.validators.names import (
    ORGANISATION_WORDS,
    individual_mask,
    is_organisation,
    match_name,
    normalise_name,
    normalise_series,
    parse_individual,
    proper_case,
    strip_by_patterns,
    strip_internal_code,
    strip_internal_codes,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Blue Bell Pty Ltd", "blue  bell limited"),
        ("Blue Bell Pty. Ltd.", "BLUE BELL CO"),
        ("Smith & Jones", "Smith and Jones"),
        ("O'Neil Trust", "ONeil Pty Ltd"),
        ("Ｂｌｕｅ Bell", "Blue Bell"),  # NFKC: full-width letters
    ],
)
def test_it_treats_spellings_as_the_same_name(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_it_folds_legal_suffixes_only_at_the_end():
    assert normalise_name("Trust Co Ltd Holdings") == "trust co ltd holdings"
    assert normalise_name("Trust Co Ltd Holdings Pty Ltd") == "trust co ltd holdings <legal>"


def test_it_never_reduces_a_name_to_the_suffix_class():
    assert normalise_name("Trust Co") == "trust <legal>"
    assert normalise_name("Trust Co") != normalise_name("Company Ltd")


def test_it_normalises_a_column_like_one_name_at_a_time():
    names = ["Blue Bell Pty. Ltd.", "Smith & Co", "  Zoë  Müller ", "", "Trust Co Ltd Holdings"]
    assert list(normalise_series(pd.Series(names))) == [normalise_name(n) for n in names]


def test_it_folds_accents_and_the_for_fuzzy_forms_only():
    assert match_name("The Zoë Müller Trust") == "zoe muller"
    assert normalise_name("Zoë Müller") != normalise_name("Zoe Muller")


@pytest.mark.parametrize(
    ("name", "comma", "title", "suggestion"),
    [
        ("Smith, Jane", True, "", "Jane Smith"),
        ("Smith, Mrs Jane", True, "Mrs", "Jane Smith"),
        ("Dr. Jane Smith", False, "Dr.", "Jane Smith"),
        ("Jane Smith (Mrs)", False, "Mrs", "Jane Smith"),
        ("PROF JANE SMITH", False, "PROF", "Jane Smith"),
        ("Jane Smith, Jr", False, "", "Jane Smith Jr"),
    ],
)
def test_it_parses_individual_names(name, comma, title, suggestion):
    parsed = parse_individual(name)
    assert (parsed.last_comma_first, parsed.title, parsed.first_last) == (comma, title, suggestion)


def test_it_sees_capitals_and_stray_spaces():
    assert parse_individual("JANE SMITH").badly_cased
    assert parse_individual("jane smith").badly_cased
    assert parse_individual("Jane  Smith").stray_spaces
    assert parse_individual("Jane Smith ").stray_spaces
    assert not parse_individual("Jane Smith").badly_cased


@pytest.mark.parametrize(
    ("text", "cased"),
    [
        ("MARY MCDONALD-O'NEIL", "Mary McDonald-O'Neil"),
        ("zoë müller", "Zoë Müller"),
        ("LUDWIG VAN BEETHOVEN", "Ludwig van Beethoven"),
        ("jean d'arcy", "Jean D'Arcy"),
        ("Jane DeVito", "Jane DeVito"),
        ("JANE  smith", "Jane Smith"),
    ],
)
def test_it_suggests_sensible_capitals(text, cased):
    assert proper_case(text) == cased


def test_it_reads_individuals_by_structure_or_name_fields():
    names = pd.Series(["Jane Smith", "Smith Family Trust", "Bob Lee", "Ann Wu", "Blue Pty Ltd"])
    first = pd.Series(["Jane", "", "Bob", "Ann", "Blue"])
    last = pd.Series(["Smith", "", "Lee", "Wu", "Pty"])
    structure = pd.Series(["Individual", "Trust", "Company", "", ""])
    assert list(individual_mask(names, first, last, structure)) == [
        True,
        False,
        False,
        True,  # blank structure cell: read from the name fields
        False,  # organisation words
    ]
    assert list(individual_mask(names, first, last, None)) == [True, False, True, True, False]


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("1478 Blue Bell Group", "Blue Bell Group"),
        ("BBG01 - Blue Bell", "Blue Bell"),
        ("Blue Bell (BBG01)", "Blue Bell"),
        ("zz Blue Bell", "Blue Bell"),
        ("XX-Blue Bell", "Blue Bell"),
        ("Blue Bell - DO NOT USE", "Blue Bell"),
        ("Blue Bell (old)", "Blue Bell"),
        ("Blue Bell - ARCHIVED", "Blue Bell"),
        ("OLD - Blue Bell", "Blue Bell"),
        ("Blue Bell 1478", "Blue Bell"),
        ("zz 1478 Blue Bell (old)", "Blue Bell"),
        ("3132 Compass Wharf Veterinary Pty Ltd", "Compass Wharf Veterinary Pty Ltd"),
    ],
)
def test_it_strips_internal_codes(name, clean):
    assert strip_internal_code(name) == clean


@pytest.mark.parametrize(
    "name",
    [
        "Old Mill Bakery",
        "7-Eleven Franchise",
        "3M Australia",
        "101 Collins Street Pty Ltd",
        "Strata Plan 12345",
        "Smith Family Trust 2019",
        "DO NOT USE",
    ],
)
def test_it_keeps_real_names(name):
    assert strip_internal_code(name) == name


def test_it_strips_a_column_once_per_value():
    names = pd.Series(["zz Blue Bell", "Blue Bell", "zz Blue Bell"])
    assert list(strip_internal_codes(names)) == ["Blue Bell", "Blue Bell", "Blue Bell"]


TRICKY_NAMES = [
    "Smith & Co",
    "co2 Ltd",
    "Mc_Co",
    "co_op",
    "Andrew Sandford",
    "Ltd.",
    "Unit ٣",
    "ÀND Partners",
    "Blue Bell -",
    "-zz Blue Bell",
    "ZZ_Blue Bell",
    "Harbourside Physiotherapy Pty Ltd (HSP)",
    "Blue Bell DO NOT USE",
    "OLD: Blue Bell",
    "  Jane   Smith ",
    "Goldsmith Holdings",
    "Dnu Nguyen",
    "ACME İNC",
    "Blue Truſt",
]


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_organisation_words_by_set_agree_with_the_pattern(name):
    assert is_organisation(name) == bool(ORGANISATION_WORDS.search(name))


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_the_shortcut_for_code_free_names_changes_no_result(name):
    expected = strip_by_patterns(name)
    if not expected or expected == " ".join(name.split()):
        expected = name
    assert strip_internal_code(name) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "Kennedy Carpentry Pty Limiyed",  # a wrong letter
        "Kennedy Carpentry Pty Limietd",  # two letters swapped
        "Kennedy Carpentry Pty Liited",  # a letter left out
        "Kennedy Carpentry Limitd Pty",  # a suffix word after it
        "Kennedy Carpentry Compnay",
    ],
)
def test_a_long_legal_suffix_with_one_slip_is_still_set_aside_for_matching(typed):
    assert match_name(typed) == match_name("Kennedy Carpentry Pty Limited") == "kennedy carpentry"


@pytest.mark.parametrize("name", ["Ace Limitless", "Smith Truss", "Acme Limiting", "Limited"])
def test_a_word_that_is_no_slip_of_a_long_legal_suffix_stays(name):
    assert match_name(name) == name.lower()
