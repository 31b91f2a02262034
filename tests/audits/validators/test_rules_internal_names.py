import pytest

from audits.validators import internal_names
from audits.validators.names import strip_internal_code
from tests.audits.validators.rule_helpers import findings


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("1478 Blue Bell Group", "Blue Bell Group"),
        ("BBG01 - Blue Bell", "Blue Bell"),
        ("Blue Bell (BBG01)", "Blue Bell"),
        ("Blue Bell [SCP07]", "Blue Bell"),
        ("zz Blue Bell", "Blue Bell"),
        ("xx Blue Bell Pty Ltd", "Blue Bell Pty Ltd"),
        ("Blue Bell - DO NOT USE", "Blue Bell"),
        ("Blue Bell (old)", "Blue Bell"),
        ("Harbourside Physiotherapy Pty Ltd (HSP)", "Harbourside Physiotherapy Pty Ltd"),
    ],
)
def test_it_strips_internal_codes(name, clean):
    assert strip_internal_code(name) == clean


@pytest.mark.parametrize(
    "name",
    [
        "Old Mill Bakery",
        "7-Eleven Franchise",
        "Blue Bell Group",
        "3M Australia",
        "Blue Bell (NSW) Pty Ltd",
        "Smith Super Fund (SMSF)",
        "Jones (Aust) Pty Ltd",
    ],
)
def test_it_keeps_real_names(name):
    assert strip_internal_code(name) == name


def test_it_flags_a_coded_name_with_the_clean_suggestion():
    (f,) = findings(internal_names, xpm_clients=[{"name": "1478 Blue Bell Group"}])
    assert (f.code, f.suggestion) == ("C12.E001", "Blue Bell Group")


def test_it_flags_a_name_that_differs_from_xero_only_by_a_code():
    got = findings(
        internal_names,
        "C12.E002",
        xpm_clients=[{"name": "BBG01 - Blue Bell"}],
        xero_contacts=[{"name": "Other"}, {"name": "Blue Bell"}],
    )
    (f,) = got
    assert (f.value, f.suggestion, f.related[0].rows) == ("BBG01 - Blue Bell", "Blue Bell", (3,))


def test_it_does_not_report_e002_when_xero_has_the_same_coded_name():
    rows = {"xpm_clients": [{"name": "zz Blue Bell"}], "xero_contacts": [{"name": "zz Blue Bell"}]}
    assert findings(internal_names, "C12.E002", **rows) == []


def test_it_is_quiet_on_clean_names():
    assert findings(internal_names, xpm_clients=[{"name": "Blue Bell Group"}]) == []


def test_it_flags_a_coded_xero_contact_against_a_clean_xpm_name():
    (f,) = findings(
        internal_names,
        "C12.E002",
        xpm_clients=[{"name": "Blue Bell Group"}],
        xero_contacts=[{"name": "1478 Blue Bell Group"}],
    )
    assert (f.rows, f.value, f.suggestion) == ((2,), "Blue Bell Group", "Blue Bell Group")
    assert (f.related[0].file, f.related[0].rows) == ("xero_contacts.csv", (2,))


def test_it_compares_with_ignition_proposal_clients():
    (f,) = findings(
        internal_names,
        "C12.E002",
        xpm_clients=[{"name": "Blue Bell [BBG01]"}],
        ignition_proposals=[{"proposal": "PROP-1", "client": "Blue Bell", "service": "Tax"}],
    )
    assert (f.suggestion, f.related[0].file) == ("Blue Bell", "ignition_proposals.csv")


def test_it_keeps_a_company_named_after_its_address():
    assert findings(internal_names, xpm_clients=[{"name": "101 Collins Street Pty Ltd"}]) == []


def test_it_is_quiet_on_e002_when_the_names_match_without_codes():
    rows = {"xpm_clients": [{"name": "Blue Bell"}], "xero_contacts": [{"name": "Blue Bell"}]}
    assert findings(internal_names, "C12.E002", **rows) == []


def test_a_bracketed_code_differs_from_the_ignition_name_only_by_the_code():
    xpm = [{"name": "Harbourside Physiotherapy Pty Ltd (HSP)", "status": "Active"}]
    ignition = [{"name": "Harbourside Physiotherapy Pty Ltd"}]
    (f,) = findings(internal_names, "C12.E002", xpm_clients=xpm, ignition_clients=ignition)
    assert f.suggestion == "Harbourside Physiotherapy Pty Ltd"
