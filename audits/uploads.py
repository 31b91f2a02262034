"""Receiving exports: store the bytes as received and have a worker read them
(``audits.tasks.read_upload`` → ``audits.reading``), which tells the product
(``audits.signals.upload_finished``) and so starts the affected checks.

A request never parses a file: it stores the bytes (streamed when large; one over the size limit
is refused without being read), marks the upload ``reading`` with what it asks for, sends
``upload_received`` and queues the read once the transaction commits.

Bytes are stored once per SHA-256 (the same file uploaded twice is one stored file) and never
modified. An upload is ``reading`` (stored, waiting for the worker), ``accepted`` (loaded; the
newest accepted upload of a kind is what the next run reads, older ones stay as history),
``needs_mapping`` (the kind or a required column could not be matched: the mapping form asks),
``needs_confirmation`` (some rows could not be read: the rest load only if the person accepts)
or ``rejected`` (with the loader's message). Nothing half-loaded is ever accepted.
"""

from __future__ import annotations

import hashlib
from typing import IO

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.kinds import KINDS
from audits.loading import HeaderPreview, LoadError, header_signature
from audits.loading.limits import too_large
from audits.models import ColumnMapping, StoredFile, Upload, UploadStatus
from audits.reading import finish, header_of, plain, read_stored
from audits.runs.checking import settings_limits
from audits.signals import mapping_saved, upload_dismissed, upload_received
from audits.tasks import read_upload

CHUNK = 1024 * 1024


def _blob_name(sha: str) -> str:
    return f"{sha[:2]}/{sha[2:4]}/{sha}"


def store_file(data: bytes) -> StoredFile:
    """The stored copy of these bytes, written once under uploads/ab/cd/<sha256>."""
    sha = hashlib.sha256(data).hexdigest()
    return _store(sha, len(data), lambda: ContentFile(data))


def store_stream(handle: IO[bytes]) -> StoredFile:
    """As ``store_file``, for a file too large to hold in memory: hashed and copied in chunks."""
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return _store(digest.hexdigest(), size, lambda: File(handle))


def _store(sha: str, size: int, content) -> StoredFile:
    existing = StoredFile.objects.filter(sha256=sha).first()
    if existing is not None:
        return existing
    stored = StoredFile(sha256=sha, size=size)
    stored.blob.save(_blob_name(sha), content(), save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:  # a concurrent upload of the same bytes won
        if stored.blob.name != f"uploads/{_blob_name(sha)}":  # storage renamed our copy
            stored.blob.delete(save=False)
        return StoredFile.objects.get(sha256=sha)
    return stored


def _new_upload(*, practice, onboarding, step_key: str, name: str, actor) -> Upload:
    return Upload(
        practice=practice,
        onboarding=onboarding,
        step_key=step_key,
        original_name=(name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255] or "upload",
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )


def _reject(upload: Upload, error: LoadError, actor) -> Upload:
    upload.status = UploadStatus.REJECTED
    upload.error = {"code": error.code, "message": error.message, "details": plain(error.details)}
    return finish(upload, actor)


def _queue(upload: Upload, actor, *, kind=None, mapping=None, accept_bad_rows=False) -> Upload:
    """Mark the upload as being read with what is asked of the reader, and queue the read."""
    upload.status = UploadStatus.READING
    upload.kind = kind or upload.kind  # a kind the person named shows in the step list already
    upload.error = {}
    upload.read_request = {
        "kind": kind,
        "mapping": mapping,
        "accept_bad_rows": accept_bad_rows,
        "actor": actor.pk if actor is not None and actor.is_authenticated else None,
    }
    with transaction.atomic():
        upload.save()
        upload_received.send(Upload, upload=upload, actor=actor)
        read_upload.delay_on_commit(upload.pk)  # a worker reads it once this commits
    return upload


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
    """Store one file and queue its reading; once read and accepted it becomes the current
    export of its kind."""
    upload = _new_upload(
        practice=practice, onboarding=onboarding, step_key=step_key, name=name, actor=actor
    )
    upload.stored_file = store_file(data)
    limits = settings_limits()
    if len(data) > limits.max_bytes:  # refused before any of it is parsed
        return _reject(upload, too_large(upload.original_name, len(data), limits), actor)
    return _queue(upload, actor, kind=kind)


def receive_file(*, practice, onboarding, step_key: str, file, actor, kind=None) -> Upload:
    """A file from a form, streamed to storage in chunks (Django has already spooled a large one
    to disk; it is never read whole into memory here). One over the size limit is refused
    without being read; the rest are queued for reading."""
    upload = _new_upload(
        practice=practice, onboarding=onboarding, step_key=step_key, name=file.name, actor=actor
    )
    upload.stored_file = store_stream(file)
    limits = settings_limits()
    if upload.stored_file.size > limits.max_bytes:
        return _reject(
            upload, too_large(upload.original_name, upload.stored_file.size, limits), actor
        )
    return _queue(upload, actor, kind=kind)


def receive_paste(*, practice, onboarding, step_key: str, kind: str, text: str, actor) -> Upload:
    """A few rows copied from a spreadsheet (tab-separated, header first), as an upload."""
    if kind not in KINDS:
        raise ValueError(f"Unknown export kind {kind!r}.")
    data = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").encode("utf-8") + b"\n"
    return receive_upload(
        practice=practice,
        onboarding=onboarding,
        step_key=step_key,
        name=f"pasted {kind}.tsv",
        data=data,
        actor=actor,
        kind=kind,
    )


def upload_headers(upload: Upload) -> HeaderPreview | None:
    """The header row and first rows of a stored upload (for the mapping form)."""
    return header_of(read_stored(upload), upload.original_name)


def _known_headers(upload: Upload) -> list[str] | None:
    """The header row as the reader kept it for the mapping form, else read again (bounded by
    the column limit)."""
    preview = upload.error.get("preview") or {}
    if preview.get("headers") is not None:
        return list(preview["headers"])
    header: HeaderPreview | None = upload_headers(upload)
    return None if header is None else header.headers


def save_mapping(*, upload: Upload, kind: str, mapping: dict[str, str], actor) -> Upload:
    """Remember the confirmed mapping for this header set, and queue reading the upload with it."""
    if kind not in KINDS:
        raise ValueError(f"Unknown export kind {kind!r}.")
    headers = _known_headers(upload)
    if headers is None:
        raise ValueError(f"{upload.original_name} has no header row to map.")
    fields = set(KINDS[kind].field_names)
    mapping = {f: h for f, h in mapping.items() if f in fields and h in headers}
    with transaction.atomic():
        ColumnMapping.objects.update_or_create(
            practice=upload.practice,
            header_signature=header_signature(headers),
            defaults={"kind": kind, "mapping": mapping, "created_by": actor},
        )
        mapping_saved.send(Upload, upload=upload, actor=actor, kind=kind, mapping=mapping)
        return _queue(upload, actor, kind=kind, mapping=mapping)


def accept_bad_rows(*, upload: Upload, actor) -> Upload:
    """The person accepts loading the rows that could be read (the reader lists the others in
    the upload's report, ``skipped_rows``)."""
    if upload.status != UploadStatus.NEEDS_CONFIRMATION:
        return upload
    mapping = upload.report.get("mapping") or None
    return _queue(upload, actor, kind=upload.kind or None, mapping=mapping, accept_bad_rows=True)


DISMISSABLE = (UploadStatus.REJECTED, UploadStatus.NEEDS_MAPPING, UploadStatus.NEEDS_CONFIRMATION)


def dismiss(*, upload: Upload, actor) -> bool:
    """Stop listing a refused or pending upload (kept in the history and the audit trail). An
    accepted or still-reading upload is never dismissed. True when this call dismissed it."""
    with transaction.atomic():
        dismissed = Upload.objects.filter(
            pk=upload.pk, status__in=DISMISSABLE, dismissed_at__isnull=True
        ).update(dismissed_at=timezone.now())
        if dismissed:
            upload.refresh_from_db()
            upload_dismissed.send(Upload, upload=upload, actor=actor)
    return bool(dismissed)
