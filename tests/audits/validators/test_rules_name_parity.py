import pytest

from audits.validators import name_parity
from audits.validators.name_parity import spelling_to_use
from tests.audits.validators.rule_helpers import findings


def test_it_flags_a_near_match_with_the_spelling_to_use():
    (f,) = findings(
        name_parity,
        "C13.E001",
        xpm_clients=[{"name": "Blue Bell Group Ltd"}],
        xero_contacts=[{"name": "Blue Bell Group Limited"}],
    )
    assert (f.value, f.suggestion, f.related[0].rows) == (
        "Blue Bell Group Ltd",
        "Blue Bell Group Limited",
        (2,),
    )


def test_it_treats_a_typo_as_a_near_match():
    (f,) = findings(
        name_parity,
        "C13.E001",
        xpm_clients=[{"name": "Bluebell Plumbing Services"}],
        xero_contacts=[{"name": "Blue Bell Plumbing Services"}],
    )
    assert f.suggestion == "Blue Bell Plumbing Services"


def test_it_warns_about_a_client_with_no_xero_contact():
    (f,) = findings(
        name_parity,
        "C13.W002",
        xpm_clients=[{"name": "Jane Smith"}, {"name": "Heidi Okafor"}],
        xero_contacts=[{"name": "Jane Smith"}],
    )
    assert (f.value, f.rows) == ("Heidi Okafor", (3,))


def test_it_warns_about_an_invoiced_contact_with_no_client():
    (f,) = findings(
        name_parity,
        "C13.W003",
        xpm_clients=[{"name": "Jane Smith"}],
        xero_contacts=[
            {"name": "Jane Smith"},
            {"name": "Gupta Family Trust"},
            {"name": "Office Supplies Co"},
        ],
        xero_invoices=[{"contact": "Gupta Family Trust", "invoice_number": "INV-1"}],
    )
    assert f.value == "Gupta Family Trust"


def test_it_flags_an_ignition_client_that_will_not_link():
    (f,) = findings(
        name_parity,
        "C13.E005",
        xpm_clients=[{"name": "Baker Marketing Pty Ltd"}],
        ignition_clients=[
            {"name": "Baker Marketing Pty. Ltd."},
            {"name": "Baker Marketing Pty. Ltd."},
        ],
    )
    assert (f.rows, f.suggestion) == ((2, 3), "Baker Marketing Pty Ltd")


def test_it_warns_about_namesakes():
    rows = [
        {"name": "Bruce Sullivan", "date_of_birth": "1970-01-01"},
        {"name": "Bruce Sullivan", "date_of_birth": "1985-05-05"},
    ]
    (f,) = findings(name_parity, "C13.W004", xpm_clients=rows)
    assert (f.rows, f.value) == ((2, 3), "Bruce Sullivan")


def test_it_is_quiet_when_names_match_exactly():
    same = [{"name": "Jane Smith"}, {"name": "Blue Bell Group Ltd"}]
    assert (
        findings(
            name_parity,
            xpm_clients=same,
            xero_contacts=same,
            ignition_clients=same,
            xero_invoices=[{"contact": "Jane Smith", "invoice_number": "1"}],
        )
        == []
    )


def test_it_suggests_the_properly_cased_spelling():
    (f,) = findings(
        name_parity,
        "C13.E001",
        xpm_clients=[{"name": "Oakwood Star Family Trust"}],
        xero_contacts=[{"name": "OAKWOOD STAR FAMILY TRUST"}],
    )
    assert f.suggestion == "Oakwood Star Family Trust"


def test_it_near_matches_a_coded_name_on_its_name_without_the_code():
    (f,) = findings(
        name_parity,
        "C13.E001",
        xpm_clients=[{"name": "1478 Blue Bell Group Ltd"}],
        xero_contacts=[{"name": "Blue Bell Group Limited"}],
    )
    assert f.suggestion == "Blue Bell Group Limited"


def test_it_leaves_a_difference_only_by_a_code_to_step_12():
    rows = {
        "xpm_clients": [{"name": "1478 Blue Bell Group"}],
        "xero_contacts": [{"name": "Blue Bell Group"}],
        "ignition_clients": [{"name": "Blue Bell Group"}],
        "xero_invoices": [{"contact": "Blue Bell Group", "invoice_number": "INV-1"}],
    }
    assert findings(name_parity, **rows) == []


def test_it_suggests_a_middle_initial_for_namesakes():
    rows = [
        {"name": "Bruce Sullivan", "tax_number": "123456789"},
        {"name": "Bruce Sullivan", "tax_number": "987654321"},
    ]
    (f,) = findings(name_parity, "C13.W004", xpm_clients=rows)
    assert f.suggestion == "Bruce <middle initial> Sullivan"
    assert "internal code" in f.hint


def test_it_is_quiet_on_namesakes_for_exact_duplicates():
    rows = [{"name": "Bruce Sullivan", "email": "b@x.com"}, {"name": "Bruce Sullivan"}]
    assert findings(name_parity, "C13.W004", xpm_clients=rows) == []


def test_it_finds_near_matches_among_many_names():
    xpm = [{"name": f"Client {i:05d} Holdings"} for i in range(2_000)]
    xero = [{"name": f"Client {i:05d} Holdings"} for i in range(1, 2_000)]
    xpm.append({"name": "Bluebell Plumbing Services"})
    xero.append({"name": "Blue Bell Plumbing Services"})
    got = findings(name_parity, "C13.E001", xpm_clients=xpm, xero_contacts=xero)
    assert [f.value for f in got] == ["Bluebell Plumbing Services"]


@pytest.mark.parametrize(
    ("spellings", "use"),
    [
        (("Harper SHARMA", "Harper Sharma"), "Harper Sharma"),
        (("Harper Sharma", "Harper SHARMA"), "Harper Sharma"),
        (("HARPER SHARMA", "harper sharma"), "Harper Sharma"),
        (("KPMG Advisory", "Kpmg Advisory"), "KPMG Advisory"),
        (("JOHN SMITH", "Jon Smith"), "Jon Smith"),
        (("blue bell group", "Blue Bell Group Pty Ltd"), "Blue Bell Group Pty Ltd"),
        (("Lily Warnock", "Liyl Warnock"), "Lily Warnock"),
    ],
)
def test_it_suggests_a_spelling_step_3_accepts(spellings, use):
    """The suggestion never contradicts step 3's capitals rule (C03.W004)."""
    assert spelling_to_use(*spellings) == use
