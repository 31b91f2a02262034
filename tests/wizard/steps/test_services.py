import datetime
import uuid

import pytest

from wizard.models import Attestation, AuditEvent, StepProgress, StepStatus, Verb
from wizard.practices.services import create_practice, start_onboarding
from wizard.signoff import status
from wizard.steps.services import record_attestation


def test_it_creates_a_practice_with_an_onboarding_of_fifteen_steps(organisation):
    practice = create_practice(organisation=organisation, name="Fern Accounting")
    onboarding = practice.current_onboarding()
    assert onboarding is not None
    steps = list(onboarding.steps.values_list("number", "status"))
    assert steps == [(n, StepStatus.NOT_STARTED) for n in range(1, 16)]


def test_it_records_events_for_a_new_practice(organisation):
    practice = create_practice(organisation=organisation, name="Fern Accounting")
    verbs = list(practice.audit_events.values_list("verb", flat=True))
    assert verbs == [Verb.PRACTICE_CREATED, Verb.ONBOARDING_STARTED]


def test_it_starts_a_fresh_onboarding_and_keeps_the_old_one(practice):
    first = practice.current_onboarding()
    second = start_onboarding(practice=practice, label="Re-check 2027")
    assert practice.current_onboarding() == second
    assert StepProgress.objects.filter(onboarding=first).count() == 15


def _step1(practice) -> StepProgress:
    return practice.current_onboarding().steps.get(number=1)


def test_it_marks_an_attested_step_ready(practice, manager):
    progress = _step1(practice)
    record_attestation(
        progress=progress, actor=manager, checked_by="Priya", checked_on=datetime.date(2026, 11, 2)
    )
    progress.refresh_from_db()
    assert progress.status == StepStatus.READY


def test_it_ignores_a_double_submit(practice, manager):
    token = uuid.uuid4()
    kwargs = dict(
        progress=_step1(practice),
        actor=manager,
        checked_by="Priya",
        checked_on=datetime.date(2026, 11, 2),
        submission_token=token,
    )
    first, created_first = record_attestation(**kwargs)
    second, created_second = record_attestation(**kwargs)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Attestation.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.ATTESTED).count() == 1


def test_it_leaves_data_steps_not_started_without_uploads(practice):
    progress = practice.current_onboarding().steps.get(number=3)
    assert progress.status == StepStatus.NOT_STARTED
    assert "Upload XPM clients" in status.compute(progress)[1]


@pytest.mark.parametrize("number", [1, 2, 6])
def test_it_asks_to_confirm_attestation_steps(practice, number):
    progress = practice.current_onboarding().steps.get(number=number)
    assert status.compute(progress)[1] == "Confirm the setting."
