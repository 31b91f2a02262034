"""Recording what a person confirms on a step (the attestation); the screenshot attached to it
is checked by a worker (``screenshots.py``)."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from wizard import events
from wizard.models import Attestation, StepProgress, Verb
from wizard.signoff import status
from wizard.steps.tasks import process_screenshot


def record_attestation(
    *,
    progress: StepProgress,
    actor,
    checked_by: str,
    checked_on: date,
    note: str = "",
    screenshot: UploadedFile | None = None,
    submission_token: uuid.UUID | None = None,
) -> tuple[Attestation, bool]:
    """Record that a person confirmed the step's setting. Returns (attestation, created);
    the same submission token twice returns the first attestation (a double-submit)."""
    if submission_token is not None:
        existing = Attestation.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            attestation = Attestation(
                progress=progress,
                checked_by=checked_by,
                checked_on=checked_on,
                note=note,
                recorded_by=actor,
                submission_token=submission_token,
            )
            if screenshot is not None:
                attestation.screenshot = screenshot
                attestation.screenshot_name = screenshot.name[:255]
                attestation.screenshot_status = Attestation.ScreenshotStatus.PENDING
            attestation.save()
            events.record_for(
                progress,
                Verb.ATTESTED,
                actor=actor,
                details={
                    "checked_by": checked_by,
                    "checked_on": checked_on.isoformat(),
                    "note": note,
                    "screenshot": attestation.screenshot_name,
                },
            )
            status.refresh(progress)
            if screenshot is not None:
                process_screenshot.delay_on_commit(attestation.pk)
    except IntegrityError:
        # Two identical submissions raced past the check above: the first one won.
        return Attestation.objects.get(submission_token=submission_token), False
    return attestation, True
