"""Receiving exports: store the bytes as received, load them, and start the affected checks.

Bytes are stored once per SHA-256 (the same file uploaded twice is one stored file) and never
modified. An upload is ``accepted`` (loaded; the newest accepted upload of a kind is what the next
run reads, older ones stay as history), ``needs_mapping`` (the kind or a required column could not
be matched: the mapping form asks), ``needs_confirmation`` (some rows could not be read: the rest
load only if the person accepts) or ``rejected`` (with the loader's message). Nothing half-loaded
is ever accepted.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.kinds import KINDS
from audits.loading import LoadError, header_signature, load_bytes, read_header
from audits.models import ColumnMapping, StoredFile, Upload, UploadStatus
from audits.runs import settings_limits
from wizard import events
from wizard.models import Verb

NEEDS_MAPPING = {"missing_required", "ambiguous_kind", "unknown_kind"}


def store_file(data: bytes) -> StoredFile:
    """The stored copy of these bytes, written once under uploads/ab/cd/<sha256>."""
    sha = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=sha).first()
    if existing is not None:
        return existing
    stored = StoredFile(sha256=sha, size=len(data))
    stored.blob.save(f"{sha[:2]}/{sha[2:4]}/{sha}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:  # a concurrent upload of the same bytes won
        stored.blob.delete(save=False)
        return StoredFile.objects.get(sha256=sha)
    return stored


def read_stored(upload: Upload) -> bytes:
    with upload.stored_file.blob.open("rb") as handle:
        return handle.read()


def _saved_mapping(practice, data: bytes, name: str) -> ColumnMapping | None:
    try:
        headers = read_header(data, name, settings_limits()).headers
    except LoadError:
        return None
    return ColumnMapping.objects.filter(
        practice=practice, header_signature=header_signature(headers)
    ).first()


def _load(upload: Upload, data: bytes, *, kind: str | None, mapping, accept_bad_rows: bool):
    """Load the bytes and record the outcome on the upload (not saved)."""
    practice = upload.practice
    if kind is None and mapping is None:
        remembered = _saved_mapping(practice, data, upload.original_name)
        if remembered is not None:
            kind, mapping = remembered.kind, remembered.mapping
    try:
        result = load_bytes(
            data,
            upload.original_name,
            kind=kind,
            mapping=mapping,
            limits=settings_limits(),
            date_order=practice.date_order,
            accept_bad_rows=accept_bad_rows,
        )
    except LoadError as error:
        upload.kind = kind or ""
        upload.error = {"code": error.code, "message": error.message, "details": _plain(error)}
        if error.code in NEEDS_MAPPING:
            upload.status = UploadStatus.NEEDS_MAPPING
            upload.error["preview"] = _preview(data, upload.original_name)
        elif error.code == "bad_rows":
            upload.status = UploadStatus.NEEDS_CONFIRMATION
        else:
            upload.status = UploadStatus.REJECTED
        return None
    upload.kind = result.table.kind
    upload.status = UploadStatus.ACCEPTED
    upload.rows = result.report.rows
    upload.columns = result.table.columns
    upload.report = result.report.to_dict()
    upload.error = {}
    if mapping:
        upload.report["mapping"] = dict(mapping)
    return result


def _plain(error: LoadError) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(error.details, default=str))


def _preview(data: bytes, name: str) -> dict[str, Any]:
    try:
        header = read_header(data, name, settings_limits())
    except LoadError:
        return {}
    return {"headers": header.headers, "rows": header.preview, "header_row": header.header_row}


def receive_upload(
    *,
    practice,
    onboarding,
    step_key: str,
    name: str,
    data: bytes,
    actor,
    kind: str | None = None,
) -> Upload:
    """Store and load one file; on success it becomes the current export of its kind."""
    name = (name or "upload").rsplit("/", 1)[-1][:255]
    limits = settings_limits()
    upload = Upload(
        practice=practice,
        onboarding=onboarding,
        step_key=step_key,
        original_name=name,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    upload.stored_file = store_file(data)
    if len(data) > limits.max_bytes:
        # Refused before parsing any of it, with the limit and the file's size.
        from audits.loading import human_size

        upload.status = UploadStatus.REJECTED
        upload.error = {
            "code": "too_large",
            "message": f"{name} is {human_size(len(data))}; the limit is "
            f"{human_size(limits.max_bytes)}.",
            "details": {"size": len(data), "limit": limits.max_bytes},
        }
        upload.save()
        _record_rejection(upload, actor)
        return upload
    _load(upload, data, kind=kind, mapping=None, accept_bad_rows=False)
    return _finish(upload, actor)


def receive_paste(*, practice, onboarding, step_key: str, kind: str, text: str, actor) -> Upload:
    """A few rows copied from a spreadsheet (tab-separated, header first), as an upload."""
    data = text.replace("\r\n", "\n").strip("\n").encode("utf-8") + b"\n"
    return receive_upload(
        practice=practice,
        onboarding=onboarding,
        step_key=step_key,
        name=f"pasted {KINDS[kind].label}.tsv",
        data=data,
        actor=actor,
        kind=kind,
    )


def save_mapping(*, upload: Upload, kind: str, mapping: dict[str, str], actor) -> Upload:
    """Remember the confirmed mapping for this header set, and load the upload with it."""
    data = read_stored(upload)
    headers = read_header(data, upload.original_name, settings_limits()).headers
    mapping = {field: header for field, header in mapping.items() if header in headers}
    ColumnMapping.objects.update_or_create(
        practice=upload.practice,
        header_signature=header_signature(headers),
        defaults={"kind": kind, "mapping": mapping, "created_by": actor},
    )
    _event(upload, Verb.MAPPING_SAVED, actor, {"kind": kind, "mapping": mapping})
    _load(upload, data, kind=kind, mapping=mapping, accept_bad_rows=False)
    return _finish(upload, actor)


def accept_bad_rows(*, upload: Upload, actor) -> Upload:
    """The person accepts loading the rows that could be read; the others are listed."""
    data = read_stored(upload)
    mapping = upload.report.get("mapping") or None
    _load(upload, data, kind=upload.kind or None, mapping=mapping, accept_bad_rows=True)
    return _finish(upload, actor)


def _finish(upload: Upload, actor) -> Upload:
    with transaction.atomic():
        upload.save()
        if upload.status == UploadStatus.ACCEPTED:
            Upload.objects.filter(
                onboarding=upload.onboarding,
                kind=upload.kind,
                status=UploadStatus.ACCEPTED,
                superseded_at__isnull=True,
            ).exclude(pk=upload.pk).update(superseded_at=timezone.now())
            _event(
                upload,
                Verb.UPLOADED,
                actor,
                {"kind": upload.kind, "rows": upload.rows, "sha256": upload.stored_file.sha256},
            )
            _after_accept(upload, actor)
        elif upload.status == UploadStatus.REJECTED:
            _record_rejection(upload, actor)
    from wizard import status

    status.refresh_all(upload.onboarding)
    return upload


def _after_accept(upload: Upload, actor) -> None:
    from audits.runs import start_runs_for_kinds
    from wizard import signoff

    kinds = {upload.kind}
    signoff.mark_stale(
        onboarding=upload.onboarding,
        kinds=kinds,
        actor=actor,
        reason=f"New {KINDS[upload.kind].label} export uploaded ({upload.original_name}).",
    )
    start_runs_for_kinds(onboarding=upload.onboarding, kinds=kinds, actor=actor)


def _record_rejection(upload: Upload, actor) -> None:
    _event(upload, Verb.UPLOAD_REJECTED, actor, {"reason": upload.error.get("message", "")})


def _event(upload: Upload, verb: Verb, actor, details: dict) -> None:
    events.record(
        organisation=upload.practice.organisation,
        practice=upload.practice,
        onboarding=upload.onboarding,
        step_key=upload.step_key,
        verb=verb,
        actor=actor,
        details={"file": upload.original_name, **details},
    )
