"""Signing off steps, waiving errors and acknowledging warnings (docs/checklist.md, "Sign-off").

A step can be signed when its attestation is confirmed (if it has one), its required exports are
present, the latest run has finished, every error is fixed or waived with a reason, and every
warning is acknowledged. A sign-off records who, when, the role, the run and the SHA-256 of every
evidence file; new evidence makes it stale. Waivers and acknowledgements follow their finding
across re-runs by match key (code + normalised value), never by row number.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audits.models import Finding, Severity, ValidationRun
from wizard import events
from wizard.access import Action, can
from wizard.checklist import STEPS
from wizard.models import Acknowledgement, Onboarding, SignOff, StepProgress, Verb, Waiver
from wizard.notifications.services import notify_step_signed
from wizard.signoff import status
from wizard.signoff.selectors import (
    acknowledged_keys,
    active_waivers,
    current_sign_off,
    evidence,
    fingerprint,
    flagged_waivers,
    reportable,
    sign_off_blockers,
    unacknowledged_warnings,
)

MIN_REASON = 20  # characters: a waiver or revocation reason someone else can understand later


class SignOffRefused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


ACK_LISTED = 200  # acknowledged warnings listed by name in a sign-off; the count is always exact


def _summary(progress: StepProgress, run: ValidationRun | None) -> dict:
    """What the signer saw: counts, every waiver (flagged if its data changed since) and the
    acknowledged warnings of the run signed over."""
    if run is None:
        return {}
    waivers = active_waivers(progress.onboarding, progress.step_key)
    flagged = {w.pk for w, _ in flagged_waivers(run)}
    acked = reportable(run).filter(
        severity=Severity.WARNING,
        match_key__in=Acknowledgement.objects.filter(
            onboarding_id=run.onboarding_id, step_key=run.step_key
        ).values("match_key"),
    )
    return {
        "counts": run.counts,
        "waivers": [
            {
                "code": w.code,
                "value": w.value,
                "reason": w.reason,
                "by": w.waived_by_label,
                "at": w.waived_at.isoformat(),
                "flagged": w.pk in flagged,
            }
            for w in waivers.values()
        ],
        "acknowledged_count": acked.count(),
        "acknowledged": [
            {"code": code, "value": value}
            for code, value in acked.order_by("position").values_list("code", "value")[:ACK_LISTED]
        ],
    }


def sign_off(
    *, progress: StepProgress, actor, submission_token: uuid.UUID | None = None
) -> tuple[SignOff, bool]:
    """Sign the step. Returns (sign-off, created); signing twice by accident creates nothing."""
    if not can(actor, Action.SIGN):
        raise PermissionDenied("Only the practice manager signs off steps.")
    if submission_token and (same := SignOff.objects.filter(submission_token=submission_token)):
        return same.get(), False
    with transaction.atomic():
        StepProgress.objects.select_for_update().filter(pk=progress.pk).exists()
        current = current_sign_off(progress)
        if current is not None:
            return current, False
        reasons = sign_off_blockers(progress)
        if reasons:
            raise SignOffRefused(reasons)
        found = evidence(progress)
        record = SignOff.objects.create(
            progress=progress,
            signed_by=actor,
            signed_by_label=events.actor_label(actor),
            role=actor.membership.role,
            run=found.run,
            attestation=found.attestation,
            evidence=found.files,
            summary=_summary(progress, found.run),
            statement=progress.step.attestation,
            submission_token=submission_token,
        )
        events.record_for(
            progress,
            Verb.SIGNED_OFF,
            actor=actor,
            details={"sign_off": record.pk, "run": record.run_id, "evidence": found.files},
        )
        status.refresh(progress)
        notify_step_signed(record)
    return record, True


def countersign(*, sign_off: SignOff, actor) -> SignOff:
    if not can(actor, Action.COUNTERSIGN):
        raise PermissionDenied("Only the onboarding lead countersigns.")
    with transaction.atomic():
        updated = SignOff.objects.filter(
            pk=sign_off.pk, countersigned_at=None, stale_at=None, revoked_at=None
        ).update(countersigned_by=actor, countersigned_at=timezone.now())
        sign_off.refresh_from_db()
        if updated:
            events.record_for(
                sign_off.progress,
                Verb.COUNTERSIGNED,
                actor=actor,
                details={"sign_off": sign_off.pk},
            )
    return sign_off


def revoke(*, sign_off: SignOff, actor, reason: str) -> SignOff:
    if not (can(actor, Action.SIGN) or can(actor, Action.COUNTERSIGN)):
        raise PermissionDenied("Your role cannot revoke sign-offs.")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValueError(f"Give a reason of at least {MIN_REASON} characters.")
    with transaction.atomic():
        updated = SignOff.objects.filter(pk=sign_off.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=actor, revoke_reason=reason
        )
        sign_off.refresh_from_db()
        if updated:
            events.record_for(
                sign_off.progress,
                Verb.SIGN_OFF_REVOKED,
                actor=actor,
                details={"sign_off": sign_off.pk, "reason": reason},
            )
            status.refresh(sign_off.progress)
    return sign_off


def mark_stale(*, onboarding: Onboarding, kinds: set[str], actor, reason: str) -> list[SignOff]:
    """New evidence: current sign-offs of steps reading these kinds need signing again.

    The sign-off itself stays (the history keeps it) with when and why it went stale, e.g.
    "New XPM clients export uploaded (clients.csv) by Ann Lee."
    """
    keys = [s.key for s in STEPS if set(s.all_exports) & set(kinds)]
    if not keys:
        return []
    if actor is not None:
        reason = f"{reason.strip().rstrip('.')} by {events.actor_label(actor)}."
    with transaction.atomic():
        stale = list(
            SignOff.objects.select_for_update()
            .filter(
                progress__onboarding=onboarding,
                progress__step_key__in=keys,
                stale_at=None,
                revoked_at=None,
            )
            .select_related("progress__onboarding__practice__organisation")
        )
        now = timezone.now()
        for record in stale:
            record.stale_at, record.stale_reason = now, reason[:300]
            record.save(update_fields=["stale_at", "stale_reason"])
            events.record_for(
                record.progress,
                Verb.SIGN_OFF_STALE,
                actor=actor,
                details={"sign_off": record.pk, "reason": record.stale_reason},
            )
            status.refresh(record.progress)
    return stale


def waive(
    *,
    finding: Finding,
    actor,
    reason: str,
    onboarding: Onboarding | None = None,
    step_key: str | None = None,
) -> Waiver:
    """Accept an error with a written reason. The waiver is keyed by the finding's match key, so
    it covers the same problem in later runs; if the problem comes back with other data it is
    flagged (``flagged_waivers``), not silently reused."""
    if not can(actor, Action.WAIVE):
        raise PermissionDenied("Only the practice manager or onboarding lead can waive errors.")
    run = finding.run
    if (onboarding is not None and onboarding.pk != run.onboarding_id) or (
        step_key is not None and step_key != run.step_key
    ):
        raise ValueError("That finding belongs to another step.")
    if finding.severity != Severity.ERROR:
        raise ValueError("Only errors are waived; acknowledge warnings instead.")
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise ValueError(
            f"Give a reason of at least {MIN_REASON} characters: it is shown in the report."
        )
    progress = run.onboarding.steps.get(step_key=run.step_key)
    with transaction.atomic():
        StepProgress.objects.select_for_update().filter(pk=progress.pk).exists()
        existing = active_waivers(run.onboarding, run.step_key).get(finding.match_key)
        if existing is not None:
            return existing
        waiver = Waiver.objects.create(
            onboarding=run.onboarding,
            step_key=run.step_key,
            code=finding.code,
            match_key=finding.match_key,
            value=finding.value,
            data_fingerprint=fingerprint(finding),
            reason=reason,
            waived_by=actor,
            waived_by_label=events.actor_label(actor),
        )
        events.record_for(
            progress,
            Verb.WAIVED,
            actor=actor,
            details={
                "waiver": waiver.pk,
                "run": run.pk,
                "code": finding.code,
                "value": finding.value,
                "reason": reason,
            },
        )
        status.refresh(progress)
    return waiver


def acknowledge(*, findings, actor) -> int:
    """Acknowledge warnings (one, or a whole run's): one event, however many. Returns how many
    were newly acknowledged; acknowledging twice is harmless."""
    if not can(actor, Action.ACKNOWLEDGE):
        raise PermissionDenied("Your role cannot acknowledge warnings.")
    warnings = [f for f in findings if f.severity == Severity.WARNING]
    if not warnings:
        return 0
    run = warnings[0].run
    if any(f.run_id != run.pk for f in warnings):
        raise ValueError("Acknowledge the warnings of one check at a time.")
    progress = run.onboarding.steps.get(step_key=run.step_key)
    with transaction.atomic():
        StepProgress.objects.select_for_update().filter(pk=progress.pk).exists()
        done = acknowledged_keys(run.onboarding, run.step_key)
        new = {}
        for finding in warnings:
            if finding.match_key not in done:
                new.setdefault(finding.match_key, finding)
        Acknowledgement.objects.bulk_create(
            [
                Acknowledgement(
                    onboarding_id=run.onboarding_id,
                    step_key=run.step_key,
                    match_key=key,
                    code=finding.code,
                    acknowledged_by=actor,
                )
                for key, finding in new.items()
            ],
            batch_size=2000,
        )
        if new:
            events.record_for(
                progress,
                Verb.ACKNOWLEDGED,
                actor=actor,
                details={
                    "run": run.pk,
                    "count": len(new),
                    "codes": sorted({f.code for f in new.values()}),
                },
            )
            status.refresh(progress)
    return len(new)


def acknowledge_run(*, run: ValidationRun, actor) -> int:
    """Bulk: every warning of the run not yet acknowledged."""
    pending = list(unacknowledged_warnings(run).select_related("run__onboarding"))
    return acknowledge(findings=pending, actor=actor)
