"""Checking an attestation's screenshot in a worker (the person does not wait for it)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction

from wizard.models import Attestation
from wizard.steps.screenshots import check_screenshot


# The name it had before the feature packages, so queued messages still find it.
@shared_task(name="wizard.tasks.process_screenshot", acks_late=True)
def process_screenshot(attestation_id: int) -> None:
    with transaction.atomic():
        attestation = (
            Attestation.objects.select_for_update(of=("self",))
            .filter(pk=attestation_id, screenshot_status=Attestation.ScreenshotStatus.PENDING)
            .select_related("progress__onboarding__practice__organisation")
            .first()
        )
        if attestation is None:  # gone, or already processed: running twice is harmless
            return
        check_screenshot(attestation, settings.LIFTOFF_SCREENSHOT_MAX_BYTES)
