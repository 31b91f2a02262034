"""Uploading exports on a data step: files, paste box, column mapping, bad-row confirmation and
template downloads. Every view goes through ``wizard.access``; uploads are never served.

After a POST an htmx request gets the upload area back (``wizard/upload_area.html#upload-area``)
with ``HX-Trigger: stepsChanged`` so the step list refreshes itself; a plain form post is
redirected to the step page, with the outcome as a message. Files are read by a worker, never in
the request: while they are, the area's "being read" block polls ``reading`` (a plain page has a
Refresh link), which swaps the whole area in once each has its outcome."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from audits import uploads
from audits.kinds import KINDS
from audits.loading import match_columns, template_csv
from audits.models import Upload, UploadStatus
from audits.selectors import current_uploads
from wizard.access import Action, current_onboarding, get_practice_for_user, get_upload
from wizard.checklist import get_step
from wizard.http import HtmxHttpRequest, confirm, fragment_or_redirect, plain_int
from wizard.uploads.context import reading_context, upload_area_context


def _step_upload(request, pk: int, key: str, upload_id: int | None = None):
    """The practice (or 404), its current onboarding, the data step and optionally one upload."""
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    step = get_step(key)
    if not step.all_exports:
        raise Http404("This step takes no exports.")
    onboarding = current_onboarding(practice)
    upload = None if upload_id is None else get_upload(practice, onboarding, upload_id)
    return practice, onboarding, step, upload


def _respond(request, practice, onboarding, step, *, note: str = "", problem: str = ""):
    return fragment_or_redirect(
        request,
        fragment="wizard/upload_area.html#upload-area",
        context=lambda: upload_area_context(
            request, practice, onboarding, step, note=note, problem=problem
        ),
        to=reverse("wizard:step", args=[practice.pk, step.key]) + "#upload-area",
        error=problem,
        note=note,
        # stepsChanged: the step list refreshes itself; uploadsChanged: for panels showing runs.
        events=("uploadsChanged", "stepsChanged"),
    )


def _summary(received: list[Upload]) -> str:
    """ "2 files: 1 loaded, 1 needs column mapping." (each file's own message is in the table)"""
    counts: dict[str, int] = {}
    for upload in received:
        label = upload.get_status_display().lower()
        counts[label] = counts.get(label, 0) + 1
    parts = ", ".join(f"{n} {label}" for label, n in counts.items())
    if len(received) == 1:
        upload = received[0]
        text = upload.error.get("message") if upload.error else ""
        return f"{upload.original_name}: {upload.get_status_display().lower()}." + (
            f" {text}" if text else ""
        )
    return f"{len(received)} files: {parts}."


@require_POST
def upload(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, onboarding, step, _ = _step_upload(request, pk, key)
    files = request.FILES.getlist("files")
    kind = request.POST.get("kind") or None
    if kind not in KINDS:
        kind = None
    if not files:
        return _respond(
            request, practice, onboarding, step, problem="Choose one or more files to upload."
        )
    received = [
        uploads.receive_file(
            practice=practice,
            onboarding=onboarding,
            step_key=step.key,
            file=handle,
            actor=request.user,
            kind=kind,
        )
        for handle in files
    ]
    return _respond(request, practice, onboarding, step, note=_summary(received))


@require_POST
def paste(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, onboarding, step, _ = _step_upload(request, pk, key)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    if kind not in KINDS or not text.strip():
        return _respond(
            request,
            practice,
            onboarding,
            step,
            problem="Choose what the rows are and paste them, header row first.",
        )
    current = current_uploads(onboarding).get(kind)
    if current is not None and request.POST.get("confirmed") != "1":
        return _confirm_paste(request, practice, step, current, kind, text)
    received = uploads.receive_paste(
        practice=practice,
        onboarding=onboarding,
        step_key=step.key,
        kind=kind,
        text=text,
        actor=request.user,
    )
    return _respond(request, practice, onboarding, step, note=_summary([received]))


def _confirm_paste(request, practice, step, current: Upload, kind: str, text: str):
    """A paste never silently stands in for a whole export: replacing one says both counts."""
    rows = max(len([line for line in text.splitlines() if line.strip()]) - 1, 0)
    label = KINDS[kind].label
    return confirm(
        request,
        title=f"Replace the {label} export with the pasted rows?",
        consequences=[
            f"In use now: {current.original_name}, {current.rows:,} rows.",
            f"Pasted: {rows:,} row{'s' if rows != 1 else ''}. Every step that reads {label} "
            f"would check only {'these' if rows != 1 else 'this'}.",
            "To check the whole export, upload the full file instead.",
        ],
        action=reverse("wizard:paste", args=[practice.pk, step.key]),
        fields={"kind": kind, "text": text},
        confirm_label=f"Replace with {rows:,} pasted row{'s' if rows != 1 else ''}",
        cancel=reverse("wizard:step", args=[practice.pk, step.key]) + "#upload-area",
    )


@require_GET
def reading(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    """The "being read" block, polled while the uploads in ``?ids=`` are read; once none is,
    the whole upload area with their outcome (htmx is retargeted to ``#upload-area``)."""
    practice, onboarding, step, _ = _step_upload(request, pk, key)
    if not request.htmx:
        return redirect(reverse("wizard:step", args=[practice.pk, step.key]) + "#upload-area")
    ids = [i for i in map(plain_int, request.GET.get("ids", "").split(",")[:50]) if i is not None]
    watched = list(Upload.objects.filter(onboarding=onboarding, pk__in=ids).order_by("pk"))
    waiting = [u for u in watched if u.status == UploadStatus.READING]
    if waiting:
        context = reading_context(practice, step, waiting)
        return render(request, "wizard/upload_area.html#upload-reading", context)
    response = _respond(
        request, practice, onboarding, step, note=_summary(watched) if watched else ""
    )
    return reswap(retarget(response, "#upload-area"), "outerHTML")


def _kind_choices(upload: Upload) -> list:
    """Every kind, the likeliest first (those the loader found equally good, then candidates)."""
    details = upload.error.get("details") or {}
    likely = list(details.get("tied") or [])
    likely += [c[0] for c in details.get("candidates") or [] if c and c[0] not in likely]
    likely = [k for k in likely if k in KINDS]
    return [KINDS[k] for k in likely] + [k for k in KINDS.values() if k.key not in likely]


def _preview(upload: Upload) -> tuple[list[str], list]:
    """The header and first rows the mapping form shows (kept from loading, else read again)."""
    preview = upload.error.get("preview") or {}
    if preview.get("headers") is not None:
        return preview["headers"], preview.get("rows", [])
    header = uploads.upload_headers(upload)
    return (header.headers, header.preview) if header else ([], [])


def _chosen_columns(request, kind: str, headers: list[str]) -> dict[str, str]:
    """field -> header as posted, only for headers the file really has."""
    posted = {f.name: request.POST.get(f"field_{f.name}", "") for f in KINDS[kind].fields}
    return {name: header for name, header in posted.items() if header in headers}


def _mapping_fields(request, upload: Upload, kind: str, headers: list[str], posted: bool):
    """Each field of the kind with its chosen column. After a failed save keep what was chosen;
    a change of kind starts from the suggestions."""
    if not kind:
        return []
    suggested = match_columns(headers, kind)
    suggested.update((upload.error.get("details") or {}).get("mapping") or {})
    return [
        {
            "field": f,
            "chosen": request.POST.get(f"field_{f.name}", "")
            if posted
            else suggested.get(f.name, ""),
        }
        for f in KINDS[kind].fields
    ]


@require_http_methods(["GET", "POST"])
def mapping(request: HtmxHttpRequest, pk: int, key: str, upload_id: int) -> HttpResponse:
    practice, onboarding, step, upload = _step_upload(request, pk, key, upload_id)
    if upload.status != UploadStatus.NEEDS_MAPPING:
        messages.info(request, f"{upload.original_name} does not need its columns mapped.")
        return redirect("wizard:step", pk=practice.pk, key=step.key)
    headers, rows = _preview(upload)
    kind = request.POST.get("kind") or request.GET.get("kind") or upload.kind or ""
    kind = kind if kind in KINDS else ""
    posted = request.method == "POST" and "save" in request.POST
    problem = ""
    if posted and not kind:
        problem = "Choose which export this file is."
    elif posted:
        chosen = _chosen_columns(request, kind, headers)
        missing = [f.label for f in KINDS[kind].fields if f.required and not chosen.get(f.name)]
        if not missing:
            uploads.save_mapping(upload=upload, kind=kind, mapping=chosen, actor=request.user)
            return _respond(request, practice, onboarding, step, note=_summary([upload]))
        problem = f"Choose a column for: {', '.join(missing)} (required)."
    context = {
        "practice": practice,
        "onboarding": onboarding,
        "step": step,
        "upload": upload,
        "kind": kind,
        "kind_choices": _kind_choices(upload),
        "headers": headers,
        "preview_rows": rows,
        "fields": _mapping_fields(request, upload, kind, headers, posted),
        "problem": problem,
    }
    template_name = "wizard/upload_mapping.html"
    if request.htmx:
        template_name += "#mapping-form"
    return render(request, template_name, context)


@require_POST
def accept_rows(request: HtmxHttpRequest, pk: int, key: str, upload_id: int) -> HttpResponse:
    practice, onboarding, step, upload = _step_upload(request, pk, key, upload_id)
    if upload.status != UploadStatus.NEEDS_CONFIRMATION:
        return _respond(
            request,
            practice,
            onboarding,
            step,
            problem=f"{upload.original_name} has no rows waiting for confirmation.",
        )
    uploads.accept_bad_rows(upload=upload, actor=request.user)
    return _respond(request, practice, onboarding, step, note=_summary([upload]))


@require_POST
def dismiss(request: HtmxHttpRequest, pk: int, key: str, upload_id: int) -> HttpResponse:
    """Take a refused or pending upload off the list (the history and activity log keep it)."""
    practice, onboarding, step, upload = _step_upload(request, pk, key, upload_id)
    if not uploads.dismiss(upload=upload, actor=request.user):
        problem = f"{upload.original_name} is in use or being read, so it stays listed."
        return _respond(request, practice, onboarding, step, problem=problem)
    return _respond(request, practice, onboarding, step, note=f"{upload.original_name} dismissed.")


@require_GET
def template(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    """A template CSV for a kind, as an attachment (never rendered inline)."""
    if kind not in KINDS:
        raise Http404("No such export kind.")
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="liftoff-template-{kind}.csv"'
    return response
