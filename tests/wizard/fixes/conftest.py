"""A practice connected to the fake with "Write fixes back" on (the write scopes granted), its
data pulled and checked through the real pull → upload → run path, and its fix list derived."""

import pytest
from django.urls import reverse

from audits.models import Connection, StateMapping, StateType
from tests.wizard.connect.helpers import connect
from wizard.connect import fixes


def run_queued(captured, capture) -> None:
    """Run what a worker would: each queued task, and what those queue in turn."""
    while captured:
        with capture(execute=False) as more:
            for callback in captured:
                callback()
        captured = list(more)


@pytest.fixture
def writable(client, manager, practice, fake_xero) -> Connection:
    """Connected by the manager with the write scopes (switched on, then connected again)."""
    client.force_login(manager)
    connection = connect(client, fake_xero, practice)
    fixes.switch_write_back(practice=practice, on=True, actor=manager)
    connection = connect(client, fake_xero, practice)
    assert fixes.can_write(connection)
    return connection


def map_states(practice, manager, fake) -> None:
    """Step 11's mapping: the fake's job states typed (one On Hold, the rest Standard)."""
    names = sorted({j["state"] for j in fake.jobs if j["state"]})
    for name in names:
        kind = StateMapping.objects.get_or_create(
            practice=practice,
            state_name=name,
            defaults={"state_type": _type_of(name), "confirmed_by": manager},
        )
        assert kind


def _type_of(name: str) -> str:
    lowered = name.lower()
    if "hold" in lowered or "waiting" in lowered:
        return StateType.ON_HOLD
    if "complete" in lowered or "cancel" in lowered:
        return StateType.COMPLETED if "complete" in lowered else StateType.CANCELLED
    return StateType.STANDARD


@pytest.fixture
def pulled(client, practice, manager, writable, fake_xero, django_capture_on_commit_callbacks):
    """Every kind pulled from the fake and checked; the fix list derived."""
    map_states(practice, manager, fake_xero)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("wizard:recheck", args=[practice.pk]))
    assert response.status_code == 302
    run_queued(list(queued), django_capture_on_commit_callbacks)
    onboarding = practice.current_onboarding()
    return fixes.refresh(practice=practice, onboarding=onboarding, actor=manager)
