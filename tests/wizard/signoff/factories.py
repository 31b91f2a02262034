"""Factories for the sign-off, waiver and report tests (no tests here): runs with chosen findings
and accepted uploads, written straight to the database so each test sets exactly the state it
is about, without running the validators."""

from __future__ import annotations

import uuid
from datetime import date

from audits.models import Finding, RunStatus, Upload, UploadStatus, ValidationRun
from audits.uploads import store_file
from wizard.models import StepProgress
from wizard.signoff import status
from wizard.steps.services import record_attestation


def progress_of(practice, key: str) -> StepProgress:
    return practice.current_onboarding().steps.get(step_key=key)


def attest(practice, key: str, actor, checked_by: str = "Ann Lee") -> StepProgress:
    progress = progress_of(practice, key)
    record_attestation(
        progress=progress,
        actor=actor,
        checked_by=checked_by,
        checked_on=date(2026, 3, 2),
        submission_token=uuid.uuid4(),
    )
    return progress


def upload(practice, kind: str, name: str | None = None, data: bytes | None = None) -> Upload:
    """An accepted upload, superseding the kind's previous one (as audits.uploads does)."""
    onboarding = practice.current_onboarding()
    Upload.objects.filter(onboarding=onboarding, kind=kind, superseded_at=None).update(
        superseded_at=onboarding.started_at
    )
    return Upload.objects.create(
        practice=practice,
        onboarding=onboarding,
        stored_file=store_file(data or f"{kind} {uuid.uuid4()}".encode()),
        original_name=name or f"{kind}.csv",
        kind=kind,
        status=UploadStatus.ACCEPTED,
        rows=10,
    )


def finding(code: str, value: str, rows=(2,), suggestion: str = "", **extra) -> dict:
    severity = {"E": "error", "W": "warning", "I": "info"}[code.split(".")[1][0]]
    return {
        "code": code,
        "item": int(code[1:3]),
        "severity": severity,
        "message": f"{value!r} breaks {code}.",
        "value": value,
        "rows": list(rows),
        "suggestion": suggestion,
        "match_key": f"{code}|{value.casefold()}",
        **extra,
    }


def run(practice, key: str, findings=(), status_=RunStatus.SUCCEEDED) -> ValidationRun:
    """A validation run of the step with these findings, and the step's status refreshed."""
    onboarding = practice.current_onboarding()
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f["severity"]] += 1
    made = ValidationRun.objects.create(
        practice=practice,
        onboarding=onboarding,
        step_key=key,
        status=status_,
        counts=counts if status_ == RunStatus.SUCCEEDED else {},
    )
    Finding.objects.bulk_create(
        Finding(run=made, position=i, **{"file": "clients.csv", **f})
        for i, f in enumerate(findings)
    )
    status.refresh(progress_of(practice, key))
    return made


def ready_data_step(practice, key: str = "client-names", findings=()) -> StepProgress:
    """Step 3 with its export uploaded and checked."""
    upload(practice, "xpm_clients", "XPM clients.csv")
    run(practice, key, findings)
    return progress_of(practice, key)
