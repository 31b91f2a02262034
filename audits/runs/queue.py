"""Queueing a run: the run row and its inputs. Which steps to check, with which uploads, is the
caller's choice (the product knows its checklist); so is sending it to a worker
(``audits.tasks.run_validation.delay_on_commit``), which would otherwise make ``runs`` and
``tasks`` import each other."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from audits.models import RunStatus, Upload, ValidationRun
from audits.signals import run_queued


def queue_run(
    *, practice, onboarding, step_key: str, items: Sequence[int], uploads: Sequence[Upload], actor
) -> tuple[ValidationRun, bool]:
    """A run of the rules of ``items`` over ``uploads``, status queued: (run, created).

    A run of the same step over the same inputs that is still waiting in the queue is that run:
    eight quick clicks on "Run again" make one run, not eight. The onboarding's row is locked
    first, so simultaneous requests take turns and the second sees the first's run.
    """
    upload_ids = sorted(upload.pk for upload in uploads)
    with transaction.atomic():
        type(onboarding).objects.select_for_update().filter(pk=onboarding.pk).exists()
        waiting = _waiting_run(onboarding, step_key, list(items), upload_ids)
        if waiting is not None:
            return waiting, False
        run = ValidationRun.objects.create(
            practice=practice,
            onboarding=onboarding,
            step_key=step_key,
            items=list(items),
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )
        run.uploads.set(uploads)
        run_queued.send(ValidationRun, run=run, actor=actor, uploads=list(uploads))
    return run, True


def _waiting_run(onboarding, step_key: str, items: list[int], upload_ids: list[int]):
    queued = ValidationRun.objects.filter(
        onboarding=onboarding, step_key=step_key, status=RunStatus.QUEUED
    ).prefetch_related("uploads")
    for run in queued.order_by("pk"):
        if run.items == items and sorted(u.pk for u in run.uploads.all()) == upload_ids:
            return run
    return None
