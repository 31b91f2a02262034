import pytest

from audits.validators import client_names
from tests.audits.validators.rule_helpers import findings


def person(name, first="Jane", last="Smith", structure="Individual"):
    return {"name": name, "first_name": first, "last_name": last, "business_structure": structure}


@pytest.mark.parametrize(
    ("name", "code", "suggestion"),
    [
        ("Smith, Jane", "C03.E001", "Jane Smith"),
        ("Mrs Jane Smith", "C03.W003", "Jane Smith"),
        ("JANE SMITH", "C03.W004", "Jane Smith"),
        ("jane smith", "C03.W004", "Jane Smith"),
        ("Jane  Smith", "C03.W004", "Jane Smith"),
        ("Jane Brown", "C03.E002", "Jane Smith"),
    ],
)
def test_it_reports_the_most_specific_problem_with_a_suggestion(name, code, suggestion):
    (f,) = findings(client_names, xpm_clients=[person(name)])
    assert (f.code, f.value, f.suggestion, f.rows) == (code, name, suggestion, (2,))


def test_it_is_quiet_on_first_last_names():
    assert (
        findings(
            client_names, xpm_clients=[person("Jane Smith"), person("Zoë Müller", "Zoë", "Müller")]
        )
        == []
    )


def test_it_leaves_organisations_alone():
    rows = [
        person("SMITH & JONES, LAWYERS", "", "", "Partnership"),
        person("Dr Who Pty Ltd", "", "", "Company"),
    ]
    assert findings(client_names, xpm_clients=rows) == []


def test_it_reads_individuals_from_name_fields_without_a_structure_column():
    (f,) = findings(
        client_names,
        xpm_clients=[{"name": "Smith, Jane", "first_name": "Jane", "last_name": "Smith"}],
    )
    assert f.code == "C03.E001"


def test_it_suggests_irish_and_scottish_capitals():
    (f,) = findings(
        client_names, xpm_clients=[person("MARY MCDONALD-O'NEIL", "MARY", "MCDONALD-O'NEIL")]
    )
    assert f.suggestion == "Mary McDonald-O'Neil"


def test_it_reads_a_title_after_the_comma_as_last_comma_first():
    (f,) = findings(client_names, xpm_clients=[person("Smith, Mrs Jane")])
    assert (f.code, f.suggestion) == ("C03.E001", "Jane Smith")


def test_it_finds_a_title_in_brackets():
    (f,) = findings(client_names, xpm_clients=[person("Jane Smith (Mrs)")])
    assert (f.code, f.suggestion) == ("C03.W003", "Jane Smith")


def test_it_allows_a_middle_initial():
    assert findings(client_names, xpm_clients=[person("Jane A. Smith")]) == []


def test_it_suggests_the_name_fields_when_the_surname_differs():
    (f,) = findings(client_names, xpm_clients=[person("Jane Brown", "JANE", "SMITH")])
    assert (f.code, f.value, f.suggestion) == ("C03.E002", "Jane Brown", "Jane Smith")


def test_it_reads_a_blank_structure_cell_from_the_name_fields():
    rows = [person("JANE SMITH", structure=""), person("BLUE BELL PTY LTD", "", "", "")]
    (f,) = findings(client_names, xpm_clients=rows)
    assert (f.code, f.rows) == ("C03.W004", (2,))


def test_it_reports_each_row_once_with_the_most_specific_code():
    (f,) = findings(client_names, xpm_clients=[person("MR SMITH,  JANE")])
    assert (f.code, f.suggestion) == ("C03.E001", "Jane Smith")


@pytest.mark.parametrize(
    ("name", "first", "last", "plain"),
    [
        ("Jane Smith", "Jane", "Smith", True),
        ("Jane Smith", " Jane ", "Smith ", True),
        ("Dr Smith", "Dr", "Smith", False),  # a title: parsed
        ("Jane Mrs", "Jane", "Mrs", False),
        ("Jane Brown", "Jane", "Smith", False),
        ("Jane Smith", "jane", "smith", False),
        ("JANE SMITH", "JANE", "SMITH", False),
        ("Jane  Smith", "Jane", " Smith", False),
        ("Jo Li", "Jo", "Li", True),
        ("Zoë Müller", "Zoë", "Müller", True),
        ("Benjamin O'Neill", "Benjamin", "O'Neill", True),
        ("Mary Ann King-Walker", "Mary Ann", "King-Walker", True),
        ("Carmen McDonald", "Carmen", "McDonald", True),
        ("Jane Smith-Dr", "Jane", "Smith-Dr", True),
        ("Jane Dr.", "Jane", "Dr.", False),
        ("Jane MRS", "Jane", "MRS", False),
        ("Mrſ Smith", "Mrſ", "Smith", False),  # the title pattern ignores case as Unicode does
        ("Smith, Jane", "Smith,", "Jane", False),
        ("Jane J Smith", "Jane J", "Smith", False),
        ("Jane\u00a0Smith", "Jane", "Smith", False),
    ],
)
def test_plainly_fine_names_are_the_ones_classify_passes(name, first, last, plain):
    """The shortcut never skips a name ``classify`` would report."""
    assert client_names.plainly_fine(name, first, last) is plain
    if plain:
        assert client_names.classify(name, first, last) is None
