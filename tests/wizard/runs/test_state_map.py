import pytest
from django.urls import reverse

from audits.models import StateMapping, ValidationRun
from tests.audits.runs.factories import make_upload

# Until audits/loading.py lands (another engineer is writing it against the agreed API).

JOBS = (
    b"Job No.,Client,State\r\n"
    b"J1,Jane Smith,In Progress\r\n"
    b"J2,Jane Smith,WIP Review\r\n"
    b"J3,Blue Bell Group Ltd,in  progress\r\n"
)


@pytest.fixture
def jobs(practice):
    return make_upload(practice.current_onboarding(), "xpm_jobs", JOBS, name="jobs.csv")


def test_it_lists_the_states_of_the_jobs_upload(client_for, manager, practice, jobs):
    body = client_for(manager).get(reverse("wizard:state_map", args=(practice.pk,))).content
    body = body.decode()
    assert "In Progress" in body and "WIP Review" in body
    assert body.count("<select") == 2  # "in  progress" is the same state, folded


def test_it_saves_the_confirmed_types_and_checks_again(client_for, manager, practice, jobs):
    client = client_for(manager)
    response = client.post(
        reverse("wizard:save_state_map", args=(practice.pk,)),
        {"type-0": "standard", "type-1": "on_hold"},
    )
    assert response.status_code == 302
    saved = dict(StateMapping.objects.values_list("state_name", "state_type"))
    assert saved == {"In Progress": "standard", "WIP Review": "on_hold"}
    assert ValidationRun.objects.get().step_key == "job-states"


def test_it_ignores_unknown_types(client_for, manager, practice, jobs):
    client_for(manager).post(
        reverse("wizard:save_state_map", args=(practice.pk,)), {"type-0": "sideways"}
    )
    assert not StateMapping.objects.exists()


def test_it_hides_the_state_map_from_other_tenants(client_for, outsider, practice, jobs):
    client = client_for(outsider)
    assert client.get(reverse("wizard:state_map", args=(practice.pk,))).status_code == 404
    response = client.post(
        reverse("wizard:save_state_map", args=(practice.pk,)), {"type-0": "standard"}
    )
    assert response.status_code == 404
    assert not StateMapping.objects.exists()
