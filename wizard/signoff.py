"""Signing off steps, waiving errors and acknowledging warnings (shared/spec/checklist.md, "Sign-off").

A step can be signed when its attestation is confirmed (if it has one), its required exports are
present, the latest run has finished, every error is fixed or waived with a reason, and every
warning is acknowledged. A sign-off records who, when, the role, the run and the SHA-256 of every
evidence file; new evidence makes it stale. Waivers and acknowledgements follow their finding
across re-runs by match key (code + normalised value), never by row number.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audits.kinds import KINDS
from audits.models import Finding, RunStatus, Severity, ValidationRun
from audits.selectors import current_uploads, latest_run
from wizard import events
from wizard.access import Action, can
from wizard.checklist import STEPS
from wizard.models import (
    Acknowledgement,
    Onboarding,
    Role,
    SignOff,
    StepProgress,
    Verb,
    Waiver,
)
from wizard.notifications import notify_step_signed

MIN_REASON = 20  # characters: a waiver or revocation reason someone else can understand later


class SignOffRefused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def fingerprint(finding: Finding) -> str:
    """What a waiver was about; a later finding with the same key but other data is flagged."""
    payload = {"rows": finding.rows, "suggestion": finding.suggestion, "related": finding.related}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def active_waivers(onboarding: Onboarding, step_key: str) -> dict[str, Waiver]:
    waivers = Waiver.objects.filter(onboarding=onboarding, step_key=step_key, revoked_at=None)
    return {w.match_key: w for w in waivers.order_by("waived_at", "pk")}


def acknowledged_keys(onboarding: Onboarding, step_key: str) -> set[str]:
    return set(
        Acknowledgement.objects.filter(onboarding=onboarding, step_key=step_key).values_list(
            "match_key", flat=True
        )
    )


def _reportable(run: ValidationRun) -> QuerySet[Finding]:
    return run.findings.exclude(code="C00.I001")


def open_errors(run: ValidationRun) -> QuerySet[Finding]:
    waived = Waiver.objects.filter(
        onboarding_id=run.onboarding_id, step_key=run.step_key, revoked_at=None
    ).values("match_key")
    return _reportable(run).filter(severity=Severity.ERROR).exclude(match_key__in=waived)


def unacknowledged_warnings(run: ValidationRun) -> QuerySet[Finding]:
    acked = Acknowledgement.objects.filter(
        onboarding_id=run.onboarding_id, step_key=run.step_key
    ).values("match_key")
    return _reportable(run).filter(severity=Severity.WARNING).exclude(match_key__in=acked)


def current_sign_off(progress: StepProgress) -> SignOff | None:
    return progress.sign_offs.filter(stale_at=None, revoked_at=None).first()


@dataclass
class Evidence:
    run: ValidationRun | None
    files: list[dict]
    attestation: object | None


def evidence(progress: StepProgress) -> Evidence:
    step = progress.step
    onboarding = progress.onboarding
    uploads = current_uploads(onboarding)
    files = [
        {
            "kind": kind,
            "label": KINDS[kind].label,
            "name": uploads[kind].original_name,
            "sha256": uploads[kind].stored_file.sha256,
            "upload": uploads[kind].pk,
        }
        for kind in step.all_exports
        if kind in uploads
    ]
    run = latest_run(onboarding, step.key) if step.all_exports else None
    return Evidence(run=run, files=files, attestation=progress.attestations.first())


def blockers(progress: StepProgress) -> list[str]:
    """Why the step cannot be signed yet, in the practice's words (empty: it can be)."""
    step = progress.step
    found = evidence(progress)
    reasons = []
    if step.needs_attestation and found.attestation is None:
        reasons.append("Confirm the setting first.")
    present = {f["kind"] for f in found.files}
    missing = [KINDS[k].label for k in step.exports if k not in present]
    if missing:
        reasons.append("Upload " + ", ".join(missing) + ".")
    if present and found.run is None:
        reasons.append("The exports have not been checked yet.")
    if found.run is not None:
        if found.run.status == RunStatus.FAILED:
            reasons.append("The last check failed; run it again.")
        elif found.run.status != RunStatus.SUCCEEDED:
            reasons.append("Wait for the check to finish.")
        else:
            errors = open_errors(found.run).count()
            if errors:
                reasons.append(f"{errors} error(s) still open: fix them and re-upload, or waive.")
            warnings = unacknowledged_warnings(found.run).count()
            if warnings:
                reasons.append(f"{warnings} warning(s) to acknowledge.")
    if current_sign_off(progress) is not None:
        reasons.append("Already signed off.")
    return reasons


def _summary(progress: StepProgress, run: ValidationRun | None) -> dict:
    if run is None:
        return {}
    waivers = active_waivers(progress.onboarding, progress.step_key)
    return {
        "counts": run.counts,
        "waivers": [
            {"code": w.code, "value": w.value, "reason": w.reason, "by": w.waived_by_label}
            for w in waivers.values()
        ],
        "acknowledged": sorted(acknowledged_keys(progress.onboarding, progress.step_key)),
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
        reasons = blockers(progress)
        if reasons:
            raise SignOffRefused(reasons)
        found = evidence(progress)
        record = SignOff.objects.create(
            progress=progress,
            signed_by=actor,
            signed_by_label=events._actor_label(actor),
            role=actor.membership.role,
            run=found.run,
            attestation=found.attestation,
            evidence=found.files,
            summary=_summary(progress, found.run),
            statement=progress.step.attestation,
            submission_token=submission_token,
        )
        _event(
            progress,
            Verb.SIGNED_OFF,
            actor,
            {"sign_off": record.pk, "run": record.run_id, "evidence": found.files},
        )
        _refresh(progress)
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
            _event(sign_off.progress, Verb.COUNTERSIGNED, actor, {"sign_off": sign_off.pk})
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
            _event(
                sign_off.progress,
                Verb.SIGN_OFF_REVOKED,
                actor,
                {"sign_off": sign_off.pk, "reason": reason},
            )
            _refresh(sign_off.progress)
    return sign_off


def mark_stale(*, onboarding: Onboarding, kinds: set[str], actor, reason: str) -> list[SignOff]:
    """New evidence: current sign-offs of steps reading these kinds need signing again."""
    keys = [s.key for s in STEPS if set(s.all_exports) & set(kinds)]
    stale = list(
        SignOff.objects.filter(
            progress__onboarding=onboarding,
            progress__step_key__in=keys,
            stale_at=None,
            revoked_at=None,
        ).select_related("progress")
    )
    now = timezone.now()
    for record in stale:
        SignOff.objects.filter(pk=record.pk).update(stale_at=now, stale_reason=reason[:300])
        _event(
            record.progress, Verb.SIGN_OFF_STALE, actor, {"sign_off": record.pk, "reason": reason}
        )
        _refresh(record.progress)
    return stale


def waive(*, finding: Finding, actor, reason: str) -> Waiver:
    if not can(actor, Action.WAIVE):
        raise PermissionDenied("Only the practice manager or onboarding lead can waive errors.")
    if finding.severity != Severity.ERROR:
        raise ValueError("Only errors are waived; acknowledge warnings instead.")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValueError(f"Give a reason of at least {MIN_REASON} characters.")
    run = finding.run
    existing = active_waivers(run.onboarding, run.step_key).get(finding.match_key)
    if existing is not None:
        return existing
    with transaction.atomic():
        waiver = Waiver.objects.create(
            onboarding=run.onboarding,
            step_key=run.step_key,
            code=finding.code,
            match_key=finding.match_key,
            value=finding.value,
            data_fingerprint=fingerprint(finding),
            reason=reason,
            waived_by=actor,
            waived_by_label=events._actor_label(actor),
        )
        progress = run.onboarding.steps.get(step_key=run.step_key)
        _event(
            progress,
            Verb.WAIVED,
            actor,
            {"code": finding.code, "value": finding.value, "reason": reason},
        )
        _refresh(progress)
    return waiver


def acknowledge(*, findings: list[Finding], actor) -> int:
    if not can(actor, Action.ACKNOWLEDGE):
        raise PermissionDenied("Your role cannot acknowledge warnings.")
    created = 0
    with transaction.atomic():
        for finding in findings:
            if finding.severity != Severity.WARNING:
                continue
            run = finding.run
            _, made = Acknowledgement.objects.get_or_create(
                onboarding=run.onboarding,
                step_key=run.step_key,
                match_key=finding.match_key,
                defaults={"code": finding.code, "acknowledged_by": actor},
            )
            created += made
        if findings and created:
            run = findings[0].run
            progress = run.onboarding.steps.get(step_key=run.step_key)
            _event(
                progress,
                Verb.ACKNOWLEDGED,
                actor,
                {"count": created, "codes": sorted({f.code for f in findings})},
            )
            _refresh(progress)
    return created


def waiver_changed(waiver: Waiver, finding: Finding) -> bool:
    """True when the waived finding is back with different rows, suggestion or related data."""
    return bool(waiver.data_fingerprint) and waiver.data_fingerprint != fingerprint(finding)


def can_sign_role(role: str) -> bool:
    return role == Role.PRACTICE_MANAGER


def _event(progress: StepProgress, verb: Verb, actor, details: dict) -> None:
    practice = progress.onboarding.practice
    events.record(
        organisation=practice.organisation,
        practice=practice,
        onboarding=progress.onboarding,
        step_key=progress.step_key,
        verb=verb,
        actor=actor,
        details=details,
    )


def _refresh(progress: StepProgress) -> None:
    from wizard import status

    status.refresh(progress)
