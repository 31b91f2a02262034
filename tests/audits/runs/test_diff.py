"""A run's diff against the previous successful run of its step, stored when its findings are."""

import pytest

from audits.models import RunStatus
from audits.runs import diff, execution
from audits.validators import registry
from audits.validators.base import Registry
from tests.audits.runs.factories import CLIENTS_CSV, make_run, make_upload
from tests.audits.runs.test_runs import CommaNames, EveryName
from wizard.runs import services as run_services


@pytest.fixture
def onboarding(practice, monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", Registry([CommaNames(), EveryName()]))
    return practice.current_onboarding()


def executed(onboarding):
    """A run of step 3 over CLIENTS_CSV (Jane Smith; "Smith, John"; Blue Bell Group Ltd),
    executed by the engine as a worker would."""
    make_upload(onboarding, "xpm_clients", CLIENTS_CSV, name="clients.csv")
    run = run_services.start_run(onboarding=onboarding, step_key="client-names", actor=None)
    assert execution.execute_run(run.pk) == execution.Outcome.DONE
    run.refresh_from_db()
    return run


def test_it_stores_the_diff_when_the_run_finishes(practice, onboarding):
    previous = make_run(
        practice,
        findings=[
            {"code": "C03.E901", "value": "smith,  JOHN", "rows": [9]},  # same key: still open
            {"code": "C03.E901", "value": "Doe, Jane", "rows": [4]},  # gone: fixed
            {"code": "C03.I903", "value": "Jane Smith", "rows": [2]},  # still open
        ],
    )
    run = executed(onboarding)
    assert run.diff["previous"]["id"] == previous.pk
    assert (run.diff["fixed_count"], run.diff["new_count"], run.diff["open_count"]) == (1, 2, 2)
    (fixed,) = run.diff["fixed"]
    assert fixed["code"] == "C03.E901" and fixed["value"] == "Doe, Jane"
    assert fixed["rows"] == [4] and fixed["position"] == 1 and fixed["message"]
    assert [(f["code"], f["value"]) for f in run.diff["new"]] == [
        ("C03.I903", "Smith, John"),
        ("C03.I903", "Blue Bell Group Ltd"),
    ]
    assert run.diff["new"][0]["file"] == "clients.csv" and run.diff["new"][0]["rows"] == [3]


def test_it_stores_no_comparison_for_the_first_run_of_a_step(practice, onboarding):
    make_run(practice, step_key="clean-data", items=(5,), findings=[{"value": "Jane Smith"}])
    assert executed(onboarding).diff == {"previous": None}


def test_it_compares_with_the_last_successful_run_only(practice, onboarding):
    succeeded = make_run(practice, findings=[{"code": "C03.E901", "value": "Doe, Jane"}])
    make_run(practice, status=RunStatus.FAILED)
    run = executed(onboarding)
    assert run.diff["previous"]["id"] == succeeded.pk
    assert run.diff["fixed_count"] == 1


def test_it_lists_at_most_twenty_of_each_by_position(practice):
    make_run(practice, findings=[{"value": f"Old {i}"} for i in range(25)])
    run = make_run(practice, findings=[{"value": f"New {i}"} for i in range(30)])
    stored = diff.diff_against_previous(run)
    assert (stored["fixed_count"], stored["new_count"], stored["open_count"]) == (25, 30, 0)
    assert [f["value"] for f in stored["fixed"]] == [f"Old {i}" for i in range(20)]
    assert [f["position"] for f in stored["new"]] == list(range(20))
