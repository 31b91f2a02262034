"""What the upload area of a data step shows: uploads still being read, each export kind's
current upload and history, uploads waiting for a column mapping or a confirmation, and the
limits."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from audits.kinds import KINDS
from audits.models import Upload, UploadStatus
from wizard.checklist import STEPS
from wizard.connect.context import pull_context
from wizard.models import SignOff

HISTORY_PER_KIND = 10
BAD_ROWS_SHOWN = 50
PENDING = (UploadStatus.NEEDS_MAPPING, UploadStatus.NEEDS_CONFIRMATION)


def _with_bad_rows(upload: Upload) -> Upload:
    """Attach the unreadable rows (row number, reason) the confirmation lists."""
    details = upload.error.get("details") or {}
    reasons = details.get("reasons") or {}
    rows = details.get("rows") or [int(r) for r in reasons]
    listed = [(row, reasons.get(str(row), "")) for row in rows]
    upload.bad_rows = listed[:BAD_ROWS_SHOWN]
    upload.more_bad_rows = max(0, len(listed) - BAD_ROWS_SHOWN)
    return upload


def _still_pending(recent: list[Upload]) -> list[Upload]:
    """Pending uploads (newest first) not already answered by a later accepted upload of the
    same kind or the same file name: those would only invite loading an outdated file."""
    pending, answered = [], set()
    for upload in recent:
        if upload.status == UploadStatus.ACCEPTED:
            answered |= {("kind", upload.kind), ("name", upload.original_name)}
        elif upload.status in PENDING and not (
            ("kind", upload.kind) in answered or ("name", upload.original_name) in answered
        ):
            pending.append(upload)
    return pending


def being_read(onboarding, step) -> list[Upload]:
    """Uploads a worker is still reading: this step's files and any of the kinds it reads."""
    return list(
        Upload.objects.filter(onboarding=onboarding, status=UploadStatus.READING)
        .filter(Q(step_key=step.key) | Q(kind__in=step.all_exports))
        .select_related("stored_file")
        .order_by("uploaded_at", "pk")
    )


def reading_context(practice, step, reading: list[Upload]) -> dict:
    """The "being read" block, which polls until each of ``reading`` has its outcome."""
    return {
        "practice": practice,
        "step": step,
        "reading_uploads": reading,
        "reading_ids": ",".join(str(u.pk) for u in reading),
    }


def upload_area_context(request, practice, onboarding, step, *, note: str = "", problem: str = ""):
    kinds = [KINDS[k] for k in step.all_exports]
    required = set(step.exports)
    base = (
        Upload.objects.filter(onboarding=onboarding, dismissed_at__isnull=True)
        .exclude(status=UploadStatus.READING)  # listed apart until read (``being_read``)
        .select_related("stored_file", "uploaded_by")
    )
    history = []
    for kind in kinds:
        # Uploads of a kind are shared by every step that reads it, so history is per onboarding.
        rows = list(base.filter(kind=kind.key)[: HISTORY_PER_KIND + 1])
        current = next(
            (u for u in rows if u.status == UploadStatus.ACCEPTED and not u.superseded_at), None
        )
        rows, more = rows[:HISTORY_PER_KIND], len(rows) > HISTORY_PER_KIND
        # Shown: everything since (and including) the upload in use; folded: what it replaced.
        cut = rows.index(current) + 1 if current in rows else len(rows)
        history.append(
            {
                "kind": kind,
                "required": kind.key in required,
                "current": current,
                "recent": rows[:cut],
                "earlier": rows[cut:],
                "more": more,
            }
        )
    pulls = pull_context(practice, onboarding)
    for group in history:  # a pull of the kind beside its uploads, when connected
        group["pull"] = pulls["pulls"].get(group["kind"].key)
        group["pullable"] = pulls["pull_connected"] and group["kind"].key in pulls["pullable"]
        group["pull_window"] = pulls["pull_windows"].get(group["kind"].key)
        group["calls_left"] = pulls["pull_calls_left"]
    unmatched = list(base.filter(step_key=step.key, kind="")[:HISTORY_PER_KIND])
    recent = list(base.filter(step_key=step.key)[:12])
    pending = [_with_bad_rows(u) for u in _still_pending(recent)][:3]
    return {
        **reading_context(practice, step, being_read(onboarding, step)),
        "onboarding": onboarding,
        "upload_kinds": kinds,
        "upload_history": history,
        "unmatched_uploads": unmatched,
        "pending_uploads": pending,
        "upload_max_bytes": settings.LIFTOFF_UPLOAD_MAX_BYTES,
        "upload_note": note,
        "upload_problem": problem,
        "stale_warning": _stale_warning(onboarding, kinds),
    }


def _stale_warning(onboarding, kinds) -> str:
    """What a new upload would undo, said before it happens: the signed steps that read one of
    these kinds go stale and need signing again (``wizard.signoff.services.mark_stale``)."""
    keys = {k.key for k in kinds}
    readers = [s for s in STEPS if keys & set(s.all_exports)]
    signed = sorted(
        SignOff.objects.filter(
            progress__onboarding=onboarding,
            progress__step_key__in=[s.key for s in readers],
            stale_at=None,
            revoked_at=None,
        ).values_list("progress__number", flat=True)
    )
    if not signed:
        return ""
    steps = ", ".join(map(str, signed))
    return (
        f"Step{'s' if len(signed) > 1 else ''} {steps} {'are' if len(signed) > 1 else 'is'} "
        "signed off on the exports in use: a new upload of them makes "
        f"{'those sign-offs' if len(signed) > 1 else 'that sign-off'} stale, to be signed again."
    )
