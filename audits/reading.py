"""Reading a stored upload (the Celery task ``audits.tasks.read_upload`` calls ``read_upload``):
load the bytes, record the outcome on the upload, supersede the previous export of its kind and
tell the product (``audits.signals.upload_finished``).

A web request never parses a file: it stores the bytes, marks the upload ``reading`` with what
it asks for (``Upload.read_request``) and queues the task. Reading twice is harmless: the outcome
is recorded once, by whichever run finds the upload still waiting for the same request.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
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
from audits.models import ColumnMapping, Upload, UploadStatus
from audits.runs.checking import settings_limits
from audits.signals import upload_finished

logger = logging.getLogger(__name__)

NEEDS_MAPPING = {"missing_required", "ambiguous_kind", "unknown_kind"}


def read_stored(upload: Upload) -> bytes:
    with upload.stored_file.blob.open("rb") as handle:
        return handle.read()


def plain(value: Any) -> Any:
    """JSON-safe (tuples, numpy ints and dict keys that are not strings)."""
    return json.loads(json.dumps(value, default=str))


def header_of(data: bytes, name: str) -> HeaderPreview | None:
    try:
        return read_header(data, name, settings_limits())
    except LoadError:
        return None


def read_upload(upload_id: int) -> str:
    """Load a waiting upload and record its outcome: its status, or why nothing was done."""
    upload = Upload.objects.select_related("practice", "stored_file").filter(pk=upload_id).first()
    if upload is None:
        return "gone"
    if upload.status != UploadStatus.READING:
        return "already read"
    asked = dict(upload.read_request)
    _load(
        upload,
        read_stored(upload),
        kind=asked.get("kind") or None,
        mapping=asked.get("mapping") or None,
        accept_bad_rows=bool(asked.get("accept_bad_rows")),
    )
    actor = get_user_model().objects.filter(pk=asked.get("actor")).first()
    with transaction.atomic():
        waiting = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if waiting is None or (waiting.status, waiting.read_request) != (
            UploadStatus.READING,
            asked,
        ):
            return "already read"  # another run of this task recorded it first
        upload.read_request = {}
        finish(upload, actor)
    return upload.status


def _remembered(practice, header: HeaderPreview | None) -> ColumnMapping | None:
    if header is None:
        return None
    return ColumnMapping.objects.filter(
        practice=practice, header_signature=header_signature(header.headers)
    ).first()


def _load(upload: Upload, data: bytes, *, kind: str | None, mapping, accept_bad_rows: bool):
    """Load the bytes and record the outcome on the upload (not saved)."""
    practice = upload.practice
    header = header_of(data, upload.original_name)
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
    except Exception:  # a loader bug must not leave the upload "being read" for ever
        logger.exception("Reading upload %s failed", upload.pk)
        _record_refusal(upload, _not_read(upload), kind=kind, mapping=mapping, header=None)
        return None
    upload.kind = result.table.kind
    upload.status = UploadStatus.ACCEPTED
    upload.rows = result.report.rows
    upload.columns = result.table.columns
    upload.report = plain(result.report.to_dict())
    upload.error = {}
    if mapping:
        upload.report["mapping"] = dict(mapping)
    return result


def _not_read(upload: Upload) -> LoadError:
    return LoadError(
        "not_read",
        f"{upload.original_name} could not be read because of a problem on our side. "
        "Upload it again; if that fails too, tell us and attach the file.",
    )


def _record_refusal(upload: Upload, error: LoadError, *, kind, mapping, header) -> None:
    """What the loader could not do, on the upload: waiting for a mapping (with a preview for
    the form), for a confirmation of unreadable rows, or refused."""
    guessed = kind or error.details.get("kind")
    upload.kind = guessed if guessed in KINDS else ""
    if not upload.kind and error.code == "bad_rows" and header is not None:
        upload.kind = detect_kind(header.headers).kind or ""
    upload.rows, upload.columns = 0, {}
    upload.report = {"mapping": dict(mapping)} if mapping else {}
    upload.error = {"code": error.code, "message": error.message, "details": plain(error.details)}
    if error.code in NEEDS_MAPPING:
        upload.status = UploadStatus.NEEDS_MAPPING
        if header is not None:
            preview = {"headers": header.headers, "rows": header.preview}
            upload.error["preview"] = plain({**preview, "header_row": header.header_row})
    elif error.code == "bad_rows":
        upload.status = UploadStatus.NEEDS_CONFIRMATION
    else:
        upload.status = UploadStatus.REJECTED


def finish(upload: Upload, actor) -> Upload:
    """Save the upload's outcome; an accepted one supersedes the current export of its kind."""
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
