"""Queueing a run: the run row and its inputs. Which steps to check, with which uploads, is the
caller's choice (the product knows its checklist); so is sending it to a worker
(``audits.tasks.run_validation.delay_on_commit``), which would otherwise make ``runs`` and
``tasks`` import each other."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from audits.models import Upload, ValidationRun
from audits.signals import run_queued


def queue_run(
    *, practice, onboarding, step_key: str, items: Sequence[int], uploads: Sequence[Upload], actor
) -> ValidationRun:
    """A new run of the rules of ``items`` over ``uploads``, status queued."""
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
    return run
