"""The path web → queue → worker → database, with a real Celery worker on Redis and PostgreSQL."""

import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import wait_for
from wizard.models import Attestation, AuditEvent, Verb
from wizard.steps.services import record_attestation

pytestmark = pytest.mark.services


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 16), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def _attest(practice, manager, name: str, data: bytes) -> Attestation:
    progress = practice.current_onboarding().steps.get(number=1)
    attestation, _ = record_attestation(
        progress=progress,
        actor=manager,
        checked_by="Priya Patel",
        checked_on=datetime.date(2026, 11, 20),
        screenshot=SimpleUploadedFile(name, data),
    )
    return attestation


def _processed(pk: int):
    attestation = Attestation.objects.get(pk=pk)
    return attestation if attestation.screenshot_status != "pending" else None


def test_it_checks_a_screenshot_in_a_real_worker(celery_worker, practice, manager):
    data = _png()
    attestation = _attest(practice, manager, "privileges.png", data)
    done = wait_for(lambda: _processed(attestation.pk), what="the worker to check the screenshot")
    assert done.screenshot_status == Attestation.ScreenshotStatus.OK
    assert done.screenshot_sha256 == hashlib.sha256(data).hexdigest()
    assert AuditEvent.objects.filter(verb=Verb.SCREENSHOT_CHECKED).count() == 1


def test_it_rejects_a_damaged_image_in_a_real_worker(celery_worker, practice, manager):
    # PNG magic bytes pass the form's quick check; only the worker's full decode finds the damage.
    attestation = _attest(practice, manager, "broken.png", _png()[:40])
    done = wait_for(lambda: _processed(attestation.pk), what="the worker to check the screenshot")
    assert done.screenshot_status == Attestation.ScreenshotStatus.REJECTED
    assert "could not be read as an image" in done.screenshot_error
