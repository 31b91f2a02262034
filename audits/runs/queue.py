"""Queueing a run: the run row, its inputs, and the message to a worker once the transaction
commits. Which steps to check, and with which uploads, is the caller's choice (the product knows
its checklist)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from audits.models import Upload, ValidationRun
from audits.signals import run_queued
from audits.tasks import run_validation


def queue_run(
    *, practice, onboarding, step_key: str, items: Sequence[int], uploads: Sequence[Upload], actor
) -> ValidationRun:
    """A new run of the rules of ``items`` over ``uploads``; a worker picks it up after commit."""
    with transaction.atomic():
        run = ValidationRun.objects.create(
            practice=practice,
            onboarding=onboarding,
            step_key=step_key,
            items=list(items),
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )
        run.uploads.set(uploads)
        run_queued.send(ValidationRun, run=run, actor=actor, uploads=list(uploads))
        run_validation.delay_on_commit(run.pk)
    return run
