"""Uploading exports on a data step: files, paste box, column mapping, bad-row confirmation and
template downloads. Every view goes through ``get_practice_for_user``; uploads are never served."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from audits import uploads
from audits.kinds import KINDS
from audits.loading import template_csv
from audits.models import Upload, UploadStatus
from wizard.access import Action, get_practice_for_user
from wizard.checklist import get_step
from wizard.http import HtmxHttpRequest


def _step_upload(request, pk: int, key: str, upload_id: int | None = None):
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    step = get_step(key)
    onboarding = practice.current_onboarding()
    upload = None
    if upload_id is not None:
        upload = Upload.objects.filter(
            pk=upload_id, practice=practice, onboarding=onboarding
        ).first()
        if upload is None:
            raise Http404("No such upload.")
    return practice, onboarding, step, upload


def upload_area_context(request, practice, onboarding, step) -> dict:
    kinds = [KINDS[k] for k in step.all_exports]
    recent = list(
        Upload.objects.filter(onboarding=onboarding, kind__in=[k.key for k in kinds] + [""])
        .filter(step_key=step.key)
        .select_related("stored_file")
        .order_by("-uploaded_at", "-pk")[:12]
    )
    pending = [
        u
        for u in recent
        if u.status in (UploadStatus.NEEDS_MAPPING, UploadStatus.NEEDS_CONFIRMATION)
    ]
    return {
        "practice": practice,
        "onboarding": onboarding,
        "step": step,
        "upload_kinds": kinds,
        "recent_uploads": recent,
        "pending_uploads": pending[:3],
        "all_kinds": list(KINDS.values()),
    }


def _respond(request, practice, onboarding, step, note: str = "") -> HttpResponse:
    if not request.htmx:
        if note:
            messages.info(request, note)
        return redirect("wizard:step", pk=practice.pk, key=step.key)
    context = upload_area_context(request, practice, onboarding, step)
    response = render(request, "audits/upload_area.html#upload-area", context)
    return trigger_client_event(response, "stepsChanged")


@require_POST
def upload(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, onboarding, step, _ = _step_upload(request, pk, key)
    files = request.FILES.getlist("files")
    kind = request.POST.get("kind") or None
    if kind and kind not in KINDS:
        kind = None
    if not files:
        messages.error(request, "Choose one or more files to upload.")
    for handle in files:
        uploads.receive_upload(
            practice=practice,
            onboarding=onboarding,
            step_key=step.key,
            name=handle.name,
            data=handle.read(),
            actor=request.user,
            kind=kind,
        )
    return _respond(request, practice, onboarding, step)


@require_POST
def paste(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, onboarding, step, _ = _step_upload(request, pk, key)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    if kind not in KINDS or not text.strip():
        messages.error(request, "Choose what the rows are and paste them, header row first.")
        return _respond(request, practice, onboarding, step)
    uploads.receive_paste(
        practice=practice,
        onboarding=onboarding,
        step_key=step.key,
        kind=kind,
        text=text,
        actor=request.user,
    )
    return _respond(request, practice, onboarding, step)


@require_http_methods(["GET", "POST"])
def mapping(request: HtmxHttpRequest, pk: int, key: str, upload_id: int) -> HttpResponse:
    practice, onboarding, step, upload = _step_upload(request, pk, key, upload_id)
    preview = upload.error.get("preview") or {}
    headers = preview.get("headers", [])
    kind = request.POST.get("kind") or request.GET.get("kind") or upload.kind or ""
    if request.method == "POST" and "save" in request.POST and kind in KINDS:
        chosen = {
            field.name: request.POST.get(f"field_{field.name}", "")
            for field in KINDS[kind].fields
            if request.POST.get(f"field_{field.name}")
        }
        missing = [f for f in KINDS[kind].required if f not in chosen]
        if not missing:
            uploads.save_mapping(upload=upload, kind=kind, mapping=chosen, actor=request.user)
            return _respond(request, practice, onboarding, step)
        messages.error(request, f"Choose a column for: {', '.join(missing)}.")
    from audits.loading import match_columns

    suggested = match_columns(headers, kind) if kind in KINDS else {}
    fields = [
        {"field": f, "chosen": request.POST.get(f"field_{f.name}", suggested.get(f.name, ""))}
        for f in (KINDS[kind].fields if kind in KINDS else ())
    ]
    context = {
        **upload_area_context(request, practice, onboarding, step),
        "upload": upload,
        "kind": kind,
        "headers": headers,
        "preview_rows": preview.get("rows", []),
        "fields": fields,
    }
    template_name = "audits/upload_mapping.html"
    if request.htmx:
        template_name += "#mapping-form"
    return render(request, template_name, context)


@require_POST
def accept_rows(request: HtmxHttpRequest, pk: int, key: str, upload_id: int) -> HttpResponse:
    practice, onboarding, step, upload = _step_upload(request, pk, key, upload_id)
    if upload.status == UploadStatus.NEEDS_CONFIRMATION:
        uploads.accept_bad_rows(upload=upload, actor=request.user)
    return _respond(request, practice, onboarding, step)


@require_GET
def template(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such export kind.")
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="liftoff-template-{kind}.csv"'
    return response
