import pytest

from audits.validators import job_states
from tests.audits.validators.rule_helpers import findings


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
    assert [(r.file, r.rows) for r in f.related] == [("xero_invoices.csv", (2,))]


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


def test_it_defaults_exactly_the_checklist_state_names():
    standard, on_hold = job_states.StateType.STANDARD, job_states.StateType.ON_HOLD
    completed, cancelled = job_states.StateType.COMPLETED, job_states.StateType.CANCELLED
    expected = {
        "Planned": standard,
        "Not Started": standard,
        "In Progress": standard,
        "Active": standard,
        "Open": standard,
        "On Hold": on_hold,
        "Paused": on_hold,
        "Completed": completed,
        "Complete": completed,
        "Done": completed,
        "Closed": completed,
        "Cancelled": cancelled,
        "Canceled": cancelled,
    }
    assert dict(job_states.DEFAULT_STATE_TYPES) == expected


def test_it_reads_a_state_map_file_as_bytes_with_semicolons():
    data = "\ufeffWaiting on Client;On Hold\r\nReady to Lodge;Standard\r\n".encode()
    assert job_states.parse_state_map_csv(data) == {
        "Waiting on Client": "on_hold",
        "Ready to Lodge": "standard",
    }


def test_it_refuses_an_unknown_type_on_the_first_line():
    with pytest.raises(ValueError, match='row 1: "Sleeping" is not a job-state type'):
        job_states.parse_state_map_csv("Parked,Sleeping\nWaiting,On Hold\n")


def test_it_refuses_a_state_given_two_types():
    with pytest.raises(ValueError, match="given two types"):
        job_states.parse_state_map_csv("Waiting,On Hold\nwaiting,Standard\n")


def test_it_refuses_a_row_with_one_column():
    with pytest.raises(ValueError, match="row 2: expected two columns"):
        job_states.parse_state_map_csv("State,Type\nWaiting\n")


def test_it_is_quiet_when_every_state_is_mapped():
    jobs = [job("J1", "Waiting on Client"), job("J2", "Closed")]
    assert findings(job_states, state_map={"waitingonclient": "on_hold"}, xpm_jobs=jobs) == []
