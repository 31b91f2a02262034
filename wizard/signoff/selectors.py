"""What sign-off reads: open errors and unacknowledged warnings of a run, waivers and
acknowledgements (keyed by match key: code + normalised value), the evidence a sign-off would
record, and why a step cannot be signed yet. Reads only; ``services.py`` makes the changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, QuerySet, Subquery
from django.utils import timezone

from audits.kinds import KINDS
from audits.models import Finding, RunStatus, Severity, ValidationRun
from audits.selectors import current_uploads, latest_run
from audits.spreadsheets import FINDING_COLUMNS, finding_row
from wizard.models import Acknowledgement, Onboarding, SignOff, StepProgress, Waiver


def reportable(run: ValidationRun) -> QuerySet[Finding]:
    """A run's findings without the "not checked" notes (C00.I001)."""
    return run.findings.exclude(code="C00.I001")


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


def open_errors(run: ValidationRun) -> QuerySet[Finding]:
    waived = Waiver.objects.filter(
        onboarding_id=run.onboarding_id, step_key=run.step_key, revoked_at=None
    ).values("match_key")
    return reportable(run).filter(severity=Severity.ERROR).exclude(match_key__in=waived)


def unacknowledged_warnings(run: ValidationRun) -> QuerySet[Finding]:
    acked = Acknowledgement.objects.filter(
        onboarding_id=run.onboarding_id, step_key=run.step_key
    ).values("match_key")
    return reportable(run).filter(severity=Severity.WARNING).exclude(match_key__in=acked)


def flagged_waivers(run: ValidationRun) -> list[tuple[Waiver, Finding]]:
    """Waivers whose finding is back in ``run`` with other rows, suggestion or related data: the
    reason was written about different data, so someone should read it again (two queries)."""
    waivers = active_waivers(run.onboarding, run.step_key)
    if not waivers:
        return []
    flagged = []
    for finding in (
        reportable(run)
        .filter(severity=Severity.ERROR, match_key__in=list(waivers))
        .only("pk", "code", "value", "match_key", "rows", "suggestion", "related")
    ):
        waiver = waivers[finding.match_key]
        if waiver_changed(waiver, finding):
            flagged.append((waiver, finding))
    return flagged


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


def sign_off_blockers(progress: StepProgress) -> list[str]:
    """Why the step cannot be signed yet, in the practice's words (empty: it can be)."""
    step = progress.step
    found = evidence(progress)
    reasons = []
    current = current_sign_off(progress)
    if current is not None:
        when = timezone.localtime(current.signed_at)
        reasons.append(f"Already signed off by {current.signed_by_label} on {when:%d %b %Y}.")
    if step.needs_attestation and found.attestation is None:
        reasons.append("Confirm the setting first: say who checked it and when.")
    present = {f["kind"] for f in found.files}
    missing = [KINDS[k].label for k in step.exports if k not in present]
    if missing:
        reasons.append("Upload the " + ", ".join(missing) + " export(s).")
    if present and found.run is None:
        reasons.append("Your exports have not been checked yet.")
    if found.run is not None:
        run = found.run
        if run.status == RunStatus.FAILED:
            reasons.append(f"The last check (#{run.pk}) failed to run: run it again.")
        elif run.status != RunStatus.SUCCEEDED:
            reasons.append(f"The check (#{run.pk}) has not finished yet: wait for it.")
        else:
            errors = open_errors(run).count()
            if errors:
                reasons.append(
                    f"{errors} error(s) still open: fix them and upload the export again, "
                    "or waive each one with a written reason."
                )
            warnings = unacknowledged_warnings(run).count()
            if warnings:
                reasons.append(f"{warnings} warning(s) to read and acknowledge.")
    return reasons


def waiver_changed(waiver: Waiver, finding: Finding) -> bool:
    """True when the waived finding is back with different rows, suggestion or related data."""
    return bool(waiver.data_fingerprint) and waiver.data_fingerprint != fingerprint(finding)


# The findings columns of every download, then where each finding stands.
DOWNLOAD_COLUMNS = (*FINDING_COLUMNS, "status", "waiver reason", "waived by")


def download_rows(findings: QuerySet[Finding]) -> Iterator[list[object]]:
    """``findings`` as download rows: each finding's fields, its status (open, waived,
    acknowledged, info) and, for a waived error, the reason and who waived it. Three columns
    from two subqueries, however many findings."""
    waiver = Waiver.of_outer_finding().order_by("waived_at", "pk")
    values = findings.annotate(
        waiver_reason=Subquery(waiver.values("reason")[:1]),
        waived_by=Subquery(waiver.values("waived_by_label")[:1]),
        acknowledged=Exists(Acknowledgement.of_outer_finding()),
    ).values(*FINDING_COLUMNS, "waiver_reason", "waived_by", "acknowledged")
    for row in values.iterator(chunk_size=2000):
        yield [*finding_row(row), _status(row), row["waiver_reason"] or "", row["waived_by"] or ""]


def _status(row: dict) -> str:
    if row["severity"] == Severity.ERROR:
        return "waived" if row["waiver_reason"] else "open"
    if row["severity"] == Severity.WARNING:
        return "acknowledged" if row["acknowledged"] else "open"
    return "info"
