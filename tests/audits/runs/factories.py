"""Factories for run tests: uploads as the upload service stores them, runs with findings."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from audits.models import (
    Finding,
    RunStatus,
    StoredFile,
    Upload,
    UploadStatus,
    ValidationRun,
)
from audits.validators.base import fold

CLIENTS_CSV = (
    b"Client,Email,Business Structure\r\n"  # Business Structure: unmistakably XPM clients
    b"Jane Smith,jane@example.com,Individual\r\n"
    b'"Smith, John",john@example.com,Individual\r\n'
    b"Blue Bell Group Ltd,accounts@bluebell.example,Company\r\n"
)


def make_upload(onboarding, kind: str, data: bytes, name: str = "", **fields) -> Upload:
    sha = hashlib.sha256(data).hexdigest()
    stored = StoredFile.objects.filter(sha256=sha).first()
    if stored is None:
        stored = StoredFile(sha256=sha, size=len(data))
        stored.blob.save(f"{sha}.bin", ContentFile(data), save=False)
        stored.save()
    return Upload.objects.create(
        practice=onboarding.practice,
        onboarding=onboarding,
        stored_file=stored,
        original_name=name or f"{kind}.csv",
        kind=kind,
        status=fields.pop("status", UploadStatus.ACCEPTED),
        **fields,
    )


def make_run(practice, step_key="client-names", items=(3,), findings=(), **fields) -> ValidationRun:
    run = ValidationRun.objects.create(
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key=step_key,
        items=list(items),
        status=fields.pop("status", RunStatus.SUCCEEDED),
        **fields,
    )
    add_findings(run, findings)
    return run


def add_findings(run, findings) -> None:
    rows = []
    counts = {"error": 0, "warning": 0, "info": 0}
    for position, spec in enumerate(findings):
        spec = dict(spec)
        code = spec.setdefault("code", "C03.E001")
        severity = {"E": "error", "W": "warning", "I": "info"}[code[4]]
        counts[severity] += 1
        value = spec.setdefault("value", "")
        rows.append(
            Finding(
                run=run,
                position=position,
                item=int(code[1:3]),
                severity=severity,
                message=spec.pop("message", f"Problem with {value}"),
                match_key=f"{code}|{fold(value)}",
                **spec,
            )
        )
    Finding.objects.bulk_create(rows, batch_size=2000)
    run.counts = counts
    run.save(update_fields=["counts"])
