"""State changes of the wizard. Views, tasks and commands call these; each records an event."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from wizard import events, status
from wizard.checklist import STEPS
from wizard.models import (
    Attestation,
    Onboarding,
    Organisation,
    Practice,
    StepProgress,
    Verb,
)


def create_practice(*, organisation: Organisation, name: str, actor=None, **fields) -> Practice:
    with transaction.atomic():
        practice = Practice.objects.create(organisation=organisation, name=name, **fields)
        events.record(
            organisation=organisation,
            practice=practice,
            verb=Verb.PRACTICE_CREATED,
            actor=actor,
            details={"name": name},
        )
        start_onboarding(practice=practice, actor=actor)
    return practice


def start_onboarding(*, practice: Practice, actor=None, label: str = "") -> Onboarding:
    with transaction.atomic():
        onboarding = Onboarding.objects.create(
            practice=practice,
            label=label or f"Onboarding {date.today():%Y}",
            started_by=actor if actor is not None and actor.is_authenticated else None,
        )
        StepProgress.objects.bulk_create(
            StepProgress(onboarding=onboarding, step_key=s.key, number=s.number) for s in STEPS
        )
        events.record(
            organisation=practice.organisation,
            practice=practice,
            onboarding=onboarding,
            verb=Verb.ONBOARDING_STARTED,
            actor=actor,
            details={"label": onboarding.label},
        )
    return onboarding


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
    onboarding = progress.onboarding
    practice = onboarding.practice
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
            events.record(
                organisation=practice.organisation,
                practice=practice,
                onboarding=onboarding,
                step_key=progress.step_key,
                verb=Verb.ATTESTED,
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
                from wizard.tasks import process_screenshot

                process_screenshot.delay_on_commit(attestation.pk)
    except IntegrityError:
        # Two identical submissions raced past the check above: the first one won.
        return Attestation.objects.get(submission_token=submission_token), False
    return attestation, True


def check_screenshot(attestation: Attestation, max_bytes: int) -> Attestation:
    """Verify a stored screenshot really is an image within the limit, and fingerprint it."""
    from PIL import Image, UnidentifiedImageError

    from wizard.files import IMAGE_TYPES, human_size, sniff

    digest = hashlib.sha256()
    with attestation.screenshot.open("rb") as handle:
        head = handle.read(16)
        handle.seek(0)
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
        size = handle.tell()
        handle.seek(0)
        kind, description = sniff(head)
        error = ""
        if size > max_bytes:
            error = f"The screenshot is {human_size(size)}; the limit is {human_size(max_bytes)}."
        elif kind not in IMAGE_TYPES:
            error = f"The screenshot must be a PNG, JPEG, GIF or WebP image; this is {description}."
        else:
            try:
                with Image.open(handle) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError):
                error = "The screenshot could not be read as an image; it may be damaged."
    attestation.screenshot_sha256 = digest.hexdigest()
    attestation.screenshot_status = (
        Attestation.ScreenshotStatus.REJECTED if error else Attestation.ScreenshotStatus.OK
    )
    attestation.screenshot_error = error
    attestation.save(update_fields=["screenshot_sha256", "screenshot_status", "screenshot_error"])
    progress = attestation.progress
    practice = progress.onboarding.practice
    events.record(
        organisation=practice.organisation,
        practice=practice,
        onboarding=progress.onboarding,
        step_key=progress.step_key,
        verb=Verb.SCREENSHOT_CHECKED,
        details={
            "attestation": attestation.pk,
            "sha256": attestation.screenshot_sha256,
            "status": attestation.screenshot_status,
            "error": error,
        },
    )
    return attestation
