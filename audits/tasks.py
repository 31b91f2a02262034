"""Celery tasks of the audits app: thin, take ids, call one service (``audits.runs``,
``audits.reading``)."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from audits import reading
from audits.runs import execution

# Both tasks: redelivered if the worker dies, and a transient database or broker error (the
# broker's own connection errors too) retried like a database hiccup.
RETRIED = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, BrokerError, ConnectionError),
    "max_retries": 3,
    "retry_backoff": True,
    "retry_jitter": True,
}


@shared_task(bind=True, **RETRIED)
def run_validation(self, run_id: int) -> str:
    outcome = execution.execute_run(run_id)
    if outcome == execution.Outcome.BUSY and not self.request.is_eager:
        # Another worker holds the run. If that worker died (the message came back to us because
        # it was killed), the heartbeat goes quiet; look again then, and take the run over.
        run_validation.apply_async((run_id,), countdown=execution.quiet_after().total_seconds() + 1)
    return outcome.value


@shared_task(acks_late=True)
def sweep_stale_runs() -> dict[str, int]:
    swept = execution.sweep_stale_runs()
    for run_id in swept.to_send:
        run_validation.delay(run_id)
    return swept.counts()


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that starts may be replacing one that was killed together with its beat: the
    killed one's messages stay unacknowledged in the broker for its visibility timeout (minutes),
    so do not wait for them, nor for a beat that may not be running. Sweep now, and again once a
    dead worker's heartbeat has had time to go quiet."""
    sweep_stale_runs.delay()
    sweep_stale_runs.apply_async(countdown=execution.quiet_after().total_seconds() + 1)


@shared_task(**RETRIED)
def read_upload(upload_id: int) -> str:
    """Parse a stored upload off the web request; safe to run twice (``reading.read_upload``)."""
    return reading.read_upload(upload_id)
