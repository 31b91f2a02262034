from audits.validators import proposal_billing
from tests.audits.validators.rule_helpers import findings

JOBS = [
    {"job_no": "J1", "client": "Jane Smith", "state": "Planned", "client_order_no": "PROP-1"},
    {"job_no": "J2", "client": "Blue Bell", "state": "Planned", "client_order_no": "PROP-2"},
    {"job_no": "J3", "client": "Blue Bell", "state": "Planned", "client_order_no": "PROP-2"},
]


def line(number, reference, contact="Jane Smith"):
    return {"contact": contact, "invoice_number": number, "reference": reference}


def test_it_flags_a_client_level_reference_once_per_invoice():
    (f,) = findings(
        proposal_billing, "C09.E001", xero_invoices=[line("INV-1", "CLI-77"), line("INV-1", "")]
    )
    assert (f.rows, f.value) == ((2, 3), "CLI-77")
    assert "proposal-level billing" in f.hint


def test_it_flags_a_reference_that_matches_two_jobs():
    (f,) = findings(
        proposal_billing, "C09.E002", xero_invoices=[line("INV-2", "PROP-2")], xpm_jobs=JOBS
    )
    assert f.value == "PROP-2"
    assert f.related[0].rows == (3, 4)


def test_it_flags_a_proposal_reference_with_no_job():
    (f,) = findings(
        proposal_billing, "C09.E003", xero_invoices=[line("INV-3", "PROP-9")], xpm_jobs=JOBS
    )
    assert f.value == "PROP-9"


def test_it_warns_about_an_invoice_without_reference():
    (f,) = findings(proposal_billing, "C09.W004", xero_invoices=[line("INV-4", "")])
    assert (f.value, f.rows) == ("INV-4", (2,))


def test_it_is_quiet_when_each_invoice_reaches_one_job():
    invoices = [line("INV-1", "PROP-1"), line("INV-1", "PROP-1"), line("INV-5", "J2")]
    assert findings(proposal_billing, xero_invoices=invoices, xpm_jobs=JOBS) == []
