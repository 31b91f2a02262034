import pytest

from audits.validators import job_states
from tests.audits.rule_helpers import findings


def job(no, state, order="", client="Jane Smith"):
    return {
        "job_no": no,
        "client": client,
        "name": "Annual 2025",
        "state": state,
        "client_order_no": order,
    }


def test_it_flags_an_invoiced_job_on_hold():
    (f,) = findings(
        job_states,
        "C11.E001",
        xpm_jobs=[job("J1", "In Progress"), job("J2", "On Hold")],
        xero_invoices=[{"contact": "Jane Smith", "invoice_number": "INV-1", "reference": "J2"}],
    )
    assert (f.rows, f.value) == ((3,), "On Hold")
    assert "Business → Settings → Job states" in f.hint


def test_it_flags_a_job_carrying_an_ignition_reference_in_a_completed_state():
    (f,) = findings(job_states, "C11.E001", xpm_jobs=[job("J1", "completed", "PROP-1")])
    assert f.value == "completed"


def test_it_leaves_a_finished_job_without_reference_or_invoice_alone():
    assert findings(job_states, xpm_jobs=[job("J1", "Completed"), job("J2", "Cancelled")]) == []


def test_it_uses_the_practices_own_state_types():
    jobs = [job("J1", "Waiting on Client", "PROP-1")]
    assert findings(job_states, state_map={"waiting on client": "standard"}, xpm_jobs=jobs) == []
    (f,) = findings(job_states, state_map={"waiting on client": "on_hold"}, xpm_jobs=jobs)
    assert f.code == "C11.E001"


def test_it_reports_each_unmapped_state_once_with_all_its_rows():
    (f,) = findings(
        job_states,
        "C11.E002",
        xpm_jobs=[
            job("J1", "Waiting on Client"),
            job("J2", "Planned"),
            job("J3", "waiting on client"),
        ],
    )
    assert (f.rows, f.value) == ((2, 4), "Waiting on Client")


def test_it_ignores_case_and_spaces_in_state_names():
    assert findings(job_states, xpm_jobs=[job("J1", "in  progress"), job("J2", "InProgress")]) == []


def test_it_overlays_the_practices_choices_on_the_defaults():
    merged = job_states.effective_state_map({"Paused": "standard", "With client": "on_hold"})
    assert (merged["Paused"], merged["With client"], merged["Planned"]) == (
        "standard",
        "on_hold",
        "standard",
    )


def test_it_parses_a_state_map_csv_with_a_header():
    text = "State,Type\nWaiting on Client,On Hold\nReady to Lodge,standard\n"
    assert job_states.parse_state_map_csv(text) == {
        "Waiting on Client": "on_hold",
        "Ready to Lodge": "standard",
    }


def test_it_refuses_an_unknown_state_type():
    with pytest.raises(ValueError, match='row 2: "Sleeping" is not a job-state type'):
        job_states.parse_state_map_csv("State,Type\nParked,Sleeping\n")
