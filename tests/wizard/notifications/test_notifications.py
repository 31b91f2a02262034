import datetime
import uuid

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audits.models import RunStatus, ValidationRun
from wizard.models import NotificationPreference, StuckNotice
from wizard.notifications.services import notify_stuck_practices
from wizard.signoff import services as signoff
from wizard.steps.services import record_attestation


def _sign_step_one(practice, manager):
    progress = practice.current_onboarding().steps.get(number=1)
    record_attestation(
        progress=progress, actor=manager, checked_by="P", checked_on=datetime.date(2026, 11, 2)
    )
    signoff.sign_off(progress=progress, actor=manager, submission_token=uuid.uuid4())


def test_it_emails_the_lead_and_manager_when_a_step_is_signed(
    practice, manager, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_step_one(practice, manager)
    (message,) = mail.outbox
    assert message.subject == "Harbour & Co: step 1 signed off"
    assert sorted(message.to) == [lead.email, manager.email]


def test_it_respects_a_switched_off_preference(
    practice, manager, lead, client_for, django_capture_on_commit_callbacks
):
    client_for(lead).post(
        reverse("wizard:notification_settings"), {"run_failed": "on", "practice_stuck": "on"}
    )
    assert NotificationPreference.objects.get(user=lead).step_signed is False
    with django_capture_on_commit_callbacks(execute=True):
        _sign_step_one(practice, manager)
    assert mail.outbox[0].to == [manager.email]


def test_it_emails_when_a_check_fails(practice, manager, django_capture_on_commit_callbacks):
    from audits.runs.execution import _fail

    run = ValidationRun.objects.create(
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key="client-names",
        status=RunStatus.RUNNING,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _fail(run, None, "We could not read your export: clients.csv has no data rows.")
    assert "no data rows" in mail.outbox[0].body


def test_it_tells_about_a_stuck_practice_once(practice, lead):
    later = timezone.now() + datetime.timedelta(days=10)
    assert notify_stuck_practices(days=7, now=later) == 1
    assert notify_stuck_practices(days=7, now=later) == 0
    assert StuckNotice.objects.count() == 1 and len(mail.outbox) == 1
    assert "no activity for 10 days" in mail.outbox[0].subject


def test_it_leaves_active_practices_alone(practice, lead):
    assert notify_stuck_practices(days=7) == 0
    assert mail.outbox == []
