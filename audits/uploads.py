"""Receiving exports: store the bytes as received, load them, and tell the product
(``audits.signals.upload_finished``), which starts the affected checks.

Bytes are stored once per SHA-256 (the same file uploaded twice is one stored file) and never
modified. An upload is ``accepted`` (loaded; the newest accepted upload of a kind is what the next
run reads, older ones stay as history), ``needs_mapping`` (the kind or a required column could not
be matched: the mapping form asks), ``needs_confirmation`` (some rows could not be read: the rest
load only if the person accepts) or ``rejected`` (with the loader's message). Nothing half-loaded
is ever accepted.
"""

from __future__ import annotations

import hashlib
import json
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.kinds import KINDS
from audits.loading import (
    HeaderPreview,
    LoadError,
    detect_kind,
    header_signature,
    load_bytes,
    read_header,
)
from audits.loading.limits import too_large
from audits.models import ColumnMapping, StoredFile, Upload, UploadStatus
from audits.runs.checking import settings_limits
from audits.signals import mapping_saved, upload_finished

NEEDS_MAPPING = {"missing_required", "ambiguous_kind", "unknown_kind"}
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


def read_stored(upload: Upload) -> bytes:
    with upload.stored_file.blob.open("rb") as handle:
        return handle.read()


def _plain(value: Any) -> Any:
    """JSON-safe (tuples, numpy ints and dict keys that are not strings)."""
    return json.loads(json.dumps(value, default=str))


def _header(data: bytes, name: str) -> HeaderPreview | None:
    try:
        return read_header(data, name, settings_limits())
    except LoadError:
        return None


def _remembered(practice, header: HeaderPreview | None) -> ColumnMapping | None:
    if header is None:
        return None
    return ColumnMapping.objects.filter(
        practice=practice, header_signature=header_signature(header.headers)
    ).first()


def _load(upload: Upload, data: bytes, *, kind: str | None, mapping, accept_bad_rows: bool):
    """Load the bytes and record the outcome on the upload (not saved)."""
    practice = upload.practice
    header = _header(data, upload.original_name)
    if mapping is None:
        remembered = _remembered(practice, header)
        # An explicit kind wins; a mapping remembered for that same kind still applies.
        if remembered is not None and kind in (None, remembered.kind):
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
        _record_refusal(upload, error, kind=kind, mapping=mapping, header=header)
        return None
    upload.kind = result.table.kind
    upload.status = UploadStatus.ACCEPTED
    upload.rows = result.report.rows
    upload.columns = result.table.columns
    upload.report = _plain(result.report.to_dict())
    upload.error = {}
    if mapping:
        upload.report["mapping"] = dict(mapping)
    return result


def _record_refusal(upload: Upload, error: LoadError, *, kind, mapping, header) -> None:
    """What the loader could not do, on the upload: waiting for a mapping (with a preview for
    the form), for a confirmation of unreadable rows, or refused."""
    guessed = kind or error.details.get("kind")
    upload.kind = guessed if guessed in KINDS else ""
    if not upload.kind and error.code == "bad_rows" and header is not None:
        upload.kind = detect_kind(header.headers).kind or ""
    upload.rows, upload.columns = 0, {}
    upload.report = {"mapping": dict(mapping)} if mapping else {}
    upload.error = {"code": error.code, "message": error.message, "details": _plain(error.details)}
    if error.code in NEEDS_MAPPING:
        upload.status = UploadStatus.NEEDS_MAPPING
        if header is not None:
            preview = {"headers": header.headers, "rows": header.preview}
            upload.error["preview"] = _plain({**preview, "header_row": header.header_row})
    elif error.code == "bad_rows":
        upload.status = UploadStatus.NEEDS_CONFIRMATION
    else:
        upload.status = UploadStatus.REJECTED


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
    upload.error = {"code": error.code, "message": error.message, "details": _plain(error.details)}
    return _finish(upload, actor)


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
    upload = _new_upload(
        practice=practice, onboarding=onboarding, step_key=step_key, name=name, actor=actor
    )
    upload.stored_file = store_file(data)
    limits = settings_limits()
    if len(data) > limits.max_bytes:  # refused before any of it is parsed
        return _reject(upload, too_large(upload.original_name, len(data), limits), actor)
    _load(upload, data, kind=kind, mapping=None, accept_bad_rows=False)
    return _finish(upload, actor)


def receive_file(*, practice, onboarding, step_key: str, file, actor, kind=None) -> Upload:
    """A file from a form: one over the size limit is stored and refused without being read
    into memory (Django has already spooled it to disk); the rest go through receive_upload."""
    limits = settings_limits()
    if file.size is not None and file.size > limits.max_bytes:
        upload = _new_upload(
            practice=practice, onboarding=onboarding, step_key=step_key, name=file.name, actor=actor
        )
        upload.stored_file = store_stream(file)
        return _reject(upload, too_large(upload.original_name, file.size, limits), actor)
    return receive_upload(
        practice=practice,
        onboarding=onboarding,
        step_key=step_key,
        name=file.name,
        data=file.read(),
        actor=actor,
        kind=kind,
    )


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
    return _header(read_stored(upload), upload.original_name)


def save_mapping(*, upload: Upload, kind: str, mapping: dict[str, str], actor) -> Upload:
    """Remember the confirmed mapping for this header set, and load the upload with it."""
    if kind not in KINDS:
        raise ValueError(f"Unknown export kind {kind!r}.")
    data = read_stored(upload)
    header = _header(data, upload.original_name)
    if header is None:
        raise ValueError(f"{upload.original_name} has no header row to map.")
    fields = set(KINDS[kind].field_names)
    mapping = {f: h for f, h in mapping.items() if f in fields and h in header.headers}
    ColumnMapping.objects.update_or_create(
        practice=upload.practice,
        header_signature=header_signature(header.headers),
        defaults={"kind": kind, "mapping": mapping, "created_by": actor},
    )
    mapping_saved.send(Upload, upload=upload, actor=actor, kind=kind, mapping=mapping)
    _load(upload, data, kind=kind, mapping=mapping, accept_bad_rows=False)
    return _finish(upload, actor)


def accept_bad_rows(*, upload: Upload, actor) -> Upload:
    """The person accepts loading the rows that could be read; the others stay listed in the
    upload's report (``skipped_rows``)."""
    if upload.status != UploadStatus.NEEDS_CONFIRMATION:
        return upload
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
        upload_finished.send(Upload, upload=upload, actor=actor)
    return upload
