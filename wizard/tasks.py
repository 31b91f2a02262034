"""Celery tasks of the wizard: thin, take ids, call one service, quiet if the row is gone."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction

from wizard.models import Attestation
from wizard.notifications import services as notifications
from wizard.steps.screenshots import check_screenshot


@shared_task(acks_late=True)
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


@shared_task
def notify_stuck_practices() -> int:
    return notifications.notify_stuck_practices(days=settings.LIFTOFF_STUCK_AFTER_DAYS)
