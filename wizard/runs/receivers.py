"""What the product does when the engine reports on a run: an audit event in the same
transaction, the step's status, and an email when a check could not run."""

from __future__ import annotations

from django.dispatch import receiver

from audits.signals import run_failed, run_finished, run_queued
from wizard import events
from wizard.models import Verb
from wizard.notifications.services import notify_run_failed
from wizard.signoff import status


def _refresh_step(run) -> None:
    progress = run.onboarding.steps.filter(step_key=run.step_key).first()
    if progress is not None:
        status.refresh(progress)


@receiver(run_queued, dispatch_uid="wizard.run_queued")
def on_run_queued(sender, run, actor, uploads, **kwargs) -> None:
    details = {"run": run.pk, "files": [u.original_name for u in uploads]}
    events.record_for(run, Verb.RUN_QUEUED, actor=actor, details=details)
    _refresh_step(run)


@receiver(run_finished, dispatch_uid="wizard.run_finished")
def on_run_finished(sender, run, counts, **kwargs) -> None:
    events.record_for(run, Verb.RUN_FINISHED, details={"run": run.pk, **counts})
    _refresh_step(run)


@receiver(run_failed, dispatch_uid="wizard.run_failed")
def on_run_failed(sender, run, reason, **kwargs) -> None:
    events.record_for(run, Verb.RUN_FAILED, details={"run": run.pk, "reason": reason})
    _refresh_step(run)
    notify_run_failed(run)
