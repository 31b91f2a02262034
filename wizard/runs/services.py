"""Which checks to run: the product's checklist decides which steps read which exports; the
engine (``audits.runs``) queues and executes them."""

from __future__ import annotations

from django.db import transaction

from audits.models import Upload, ValidationRun
from audits.runs.queue import queue_run
from audits.selectors import current_uploads
from audits.tasks import run_validation
from wizard.checklist import STEPS, Step, get_step


def start_runs_for_kinds(*, onboarding, kinds: set[str], actor=None) -> list[ValidationRun]:
    """Queue a run for every step that reads one of ``kinds`` and has all its required exports."""
    uploads = current_uploads(onboarding)
    runs = []
    for step in STEPS:
        if not set(step.all_exports) & set(kinds):
            continue
        if any(k not in uploads for k in step.exports):
            continue
        runs.append(_queue(onboarding, step, uploads, actor))
    return runs


def start_run(*, onboarding, step_key: str, actor) -> ValidationRun | None:
    """Queue a run of one step ("Run again"); None when a required export is missing."""
    step = get_step(step_key)
    uploads = current_uploads(onboarding)
    if not step.all_exports or any(k not in uploads for k in step.exports):
        return None
    if not any(k in uploads for k in step.all_exports):
        return None
    return _queue(onboarding, step, uploads, actor)


def _queue(onboarding, step: Step, uploads: dict[str, Upload], actor) -> ValidationRun:
    with transaction.atomic():
        run, created = queue_run(
            practice=onboarding.practice,
            onboarding=onboarding,
            step_key=step.key,
            items=[step.number],
            uploads=[uploads[k] for k in step.all_exports if k in uploads],
            actor=actor,
        )
        if created:  # a reused run's message is already on its way to a worker
            run_validation.delay_on_commit(run.pk)
    return run
