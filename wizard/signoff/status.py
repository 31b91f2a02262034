"""What a step's status is, derived from its attestations, uploads, runs and sign-offs.

Status is stored on ``StepProgress`` (so lists are cheap) but always recomputed here after a state
change, never set by hand elsewhere.
"""

from __future__ import annotations

from django.utils import timezone

from audits.kinds import KINDS
from audits.models import RunStatus
from audits.selectors import current_uploads, latest_run, uploads_being_read
from wizard.models import StepProgress, StepStatus
from wizard.signoff.selectors import open_errors, unacknowledged_warnings


def compute(
    progress: StepProgress, uploads: dict | None = None, reading: list | None = None
) -> tuple[StepStatus, str]:
    """(status, a one-line note saying what to do next).

    A current sign-off wins. A stale one (new evidence since) comes next: the step was signed and
    must be signed again, whatever else is now open. A waived error is not open; an
    acknowledged warning no longer holds the step back. An upload still being read
    (``reading``: kind and step of each) is not a current export: the step says it is reading it.
    """
    step = progress.step
    onboarding = progress.onboarding
    latest_sign_off = progress.sign_offs.filter(revoked_at=None).first()
    if latest_sign_off is not None and latest_sign_off.stale_at is None:
        when = timezone.localtime(latest_sign_off.signed_at)
        return (
            StepStatus.SIGNED_OFF,
            f"Signed by {latest_sign_off.signed_by_label}, {when:%d %b %Y}.",
        )
    uploads = current_uploads(onboarding) if uploads is None else uploads
    attested = step.needs_attestation and progress.attestations.exists()
    present = [k for k in step.all_exports if k in uploads]
    missing = [k for k in step.exports if k not in uploads]
    run = latest_run(onboarding, step.key) if step.all_exports else None
    being_read = _being_read(step, onboarding, reading)
    todo = _todo(step, attested, missing, being_read)
    errors, warnings = _open(run)
    if latest_sign_off is not None:  # signed, then made stale by new evidence
        return StepStatus.STALE, _sign_again(latest_sign_off.stale_reason, todo, errors, warnings)
    if not attested and not present and run is None and not being_read:
        return StepStatus.NOT_STARTED, todo
    return _working(todo, bool(present), run, errors, warnings)


def _working(todo: str, present: bool, run, errors: int, warnings: int) -> tuple[StepStatus, str]:
    """A started step that is not signed: what holds it back, worst first."""
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


def _open(run) -> tuple[int, int]:
    """Open errors and unacknowledged warnings of a finished run (0, 0 otherwise)."""
    if run is None or run.status != RunStatus.SUCCEEDED:
        return 0, 0
    return open_errors(run).count(), unacknowledged_warnings(run).count()


def _sign_again(reason: str, todo: str, errors: int, warnings: int) -> str:
    then = [todo.rstrip(".")] if todo else []
    if errors:
        then.append(f"{errors} error(s) to fix or waive")
    elif warnings:
        then.append(f"{warnings} warning(s) to acknowledge")
    after = (" Then: " + "; ".join(then) + ".") if then else ""
    return f"Sign again: {reason}{after}"[:300]


def _being_read(step, onboarding, reading: list | None) -> list[str]:
    """Kinds of this step's exports being read ("" for a file on this step of a kind not known
    yet)."""
    reading = uploads_being_read(onboarding) if reading is None else reading
    kinds = [k for k, key in reading if k in step.all_exports or (not k and key == step.key)]
    return sorted(set(kinds), key=lambda k: (not k, k))


def _reading_note(being_read: list[str]) -> str:
    if not being_read:
        return ""
    named = [KINDS[k].label for k in being_read if k]
    what = ", ".join(named) + (" export" if len(named) == 1 else " exports") if named else ""
    if "" in being_read:
        what = f"{what} and your upload" if what else "your upload"
    return f"Reading {what}… "


def _todo(step, attested: bool, missing: list[str], being_read: list[str]) -> str:
    parts = []
    if step.needs_attestation and not attested:
        parts.append("Confirm the setting")
    # A file of a kind not known yet may be the missing export: do not ask for it meanwhile.
    to_upload = [] if "" in being_read else [k for k in missing if k not in being_read]
    if to_upload:
        parts.append("Upload " + ", ".join(KINDS[k].label for k in to_upload))
    todo = "; ".join(parts) + ("." if parts else "")
    return (_reading_note(being_read) + todo).strip()


def refresh(
    progress: StepProgress, uploads: dict | None = None, reading: list | None = None
) -> StepProgress:
    status, note = compute(progress, uploads, reading)
    if (status, note) != (progress.status, progress.status_note):
        progress.status, progress.status_note = status, note
        progress.updated_at = timezone.now()
        progress.save(update_fields=["status", "status_note", "updated_at"])
    return progress


def refresh_all(onboarding) -> None:
    uploads, reading = current_uploads(onboarding), uploads_being_read(onboarding)
    for progress in onboarding.steps.all():
        refresh(progress, uploads, reading)
