"""The pull task: thin, takes an id, calls ``audits.xero.pulling``; a transient failure (5xx,
timeout, a long 429) is retried after the wait Xero asked for, resuming at the stored cursor."""

from __future__ import annotations

from celery import shared_task

from audits.xero import pulling, sending


@shared_task(bind=True, acks_late=True, max_retries=20)
def pull(self, pull_id: int) -> str:
    try:
        return pulling.run_pull(pull_id)
    except pulling.Transient as transient:
        if self.request.is_eager:
            return "interrupted"
        raise self.retry(countdown=transient.retry_after) from None


@shared_task(acks_late=True)
def send_fixes(onboarding_id: int) -> dict:
    """Send the onboarding's fixes marked "sending" (``audits.xero.sending``)."""
    return sending.send_all(onboarding_id, queue=pull.delay_on_commit)


@shared_task
def sweep_stale_sends() -> list[int]:
    """Hand over again the sends whose task was lost (``sending.stale_sends``); run by beat."""
    onboardings = sending.stale_sends()
    for onboarding_id in onboardings:
        send_fixes.delay(onboarding_id)
    return onboardings
