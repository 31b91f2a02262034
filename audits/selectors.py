"""Reads of uploads and runs that views and the wizard's status logic share."""

from __future__ import annotations

from audits.models import Upload, UploadStatus, ValidationRun


def current_uploads(onboarding) -> dict[str, Upload]:
    """The newest accepted upload of each kind: what the next run reads."""
    uploads = (
        Upload.objects.filter(
            onboarding=onboarding, status=UploadStatus.ACCEPTED, superseded_at__isnull=True
        )
        .select_related("stored_file")
        .order_by("kind", "-uploaded_at", "-pk")
    )
    current: dict[str, Upload] = {}
    for upload in uploads:
        current.setdefault(upload.kind, upload)
    return current


def latest_run(onboarding, step_key: str) -> ValidationRun | None:
    return (
        ValidationRun.objects.filter(onboarding=onboarding, step_key=step_key)
        .order_by("-created_at", "-pk")
        .first()
    )


def uploads_being_read(onboarding) -> list[tuple[str, str]]:
    """(kind, step key) of each upload a worker is still reading; kind is "" until it is known."""
    return list(
        Upload.objects.filter(onboarding=onboarding, status=UploadStatus.READING).values_list(
            "kind", "step_key"
        )
    )
