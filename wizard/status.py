"""What a step's status is, derived from its attestations, uploads, runs and sign-offs.

Status is stored on ``StepProgress`` (so lists are cheap) but always recomputed here after a state
change, never set by hand elsewhere.
"""

from __future__ import annotations

from django.utils import timezone

from audits.kinds import KINDS
from audits.models import RunStatus
from audits.selectors import current_uploads, latest_run
from wizard.models import StepProgress, StepStatus


def compute(progress: StepProgress, uploads: dict | None = None) -> tuple[StepStatus, str]:
    """(status, a one-line note saying what to do next).

    A current sign-off wins. A stale one (new evidence since) comes next: the step was signed and
    must be signed again, whatever else is now open. A waived error is not open; an
    acknowledged warning no longer holds the step back.
    """
    step = progress.step
    onboarding = progress.onboarding
    uploads = current_uploads(onboarding) if uploads is None else uploads
    attested = step.needs_attestation and progress.attestations.exists()
    present = [k for k in step.all_exports if k in uploads]
    missing = [k for k in step.exports if k not in uploads]
    run = latest_run(onboarding, step.key) if step.all_exports else None

    from wizard.signoff import open_errors, unacknowledged_warnings

    latest_sign_off = progress.sign_offs.filter(revoked_at=None).first()
    if latest_sign_off is not None and latest_sign_off.stale_at is None:
        when = timezone.localtime(latest_sign_off.signed_at)
        return (
            StepStatus.SIGNED_OFF,
            f"Signed by {latest_sign_off.signed_by_label}, {when:%d %b %Y}.",
        )
    stale = latest_sign_off is not None and latest_sign_off.stale_at is not None
    todo = _todo(step, attested, missing)
    errors = warnings = 0
    if run is not None and run.status == RunStatus.SUCCEEDED:
        errors = open_errors(run).count()
        warnings = unacknowledged_warnings(run).count()
    if stale:
        then = [todo.rstrip(".")] if todo else []
        if errors:
            then.append(f"{errors} error(s) to fix or waive")
        elif warnings:
            then.append(f"{warnings} warning(s) to acknowledge")
        after = (" Then: " + "; ".join(then) + ".") if then else ""
        return StepStatus.STALE, f"Sign again: {latest_sign_off.stale_reason}{after}"[:300]
    if not attested and not present and run is None:
        return StepStatus.NOT_STARTED, todo
    if run is not None and run.status == RunStatus.FAILED:
        return StepStatus.NEEDS_ATTENTION, "The last check failed to run. Run it again."
    if errors:
        return StepStatus.NEEDS_ATTENTION, f"{errors} error(s) to fix or waive."
    if todo:
        return StepStatus.IN_PROGRESS, todo
    if present and (run is None or not run.is_finished):
        return StepStatus.IN_PROGRESS, "Checking your exports…"
    if warnings:
        return StepStatus.IN_PROGRESS, f"{warnings} warning(s) to acknowledge."
    return StepStatus.READY, "Everything is in place: sign it off."


def _todo(step, attested: bool, missing: list[str]) -> str:
    parts = []
    if step.needs_attestation and not attested:
        parts.append("Confirm the setting")
    if missing:
        parts.append("Upload " + ", ".join(KINDS[k].label for k in missing))
    return "; ".join(parts) + ("." if parts else "")


def refresh(progress: StepProgress, uploads: dict | None = None) -> StepProgress:
    status, note = compute(progress, uploads)
    if (status, note) != (progress.status, progress.status_note):
        progress.status, progress.status_note = status, note
        progress.updated_at = timezone.now()
        progress.save(update_fields=["status", "status_note", "updated_at"])
    return progress


def refresh_all(onboarding) -> None:
    uploads = current_uploads(onboarding)
    for progress in onboarding.steps.all():
        refresh(progress, uploads)
