"""Signing off, countersigning, revoking, waiving and acknowledging; and the completion report."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from audits.models import Finding, Severity
from wizard import signoff
from wizard.access import Action, can, get_practice_for_user
from wizard.checklist import get_step
from wizard.http import HtmxHttpRequest
from wizard.models import SignOff


def signoff_context(request, progress) -> dict:
    current = signoff.current_sign_off(progress)
    found = signoff.evidence(progress)
    return {
        "sign_off": current,
        "sign_off_history": list(progress.sign_offs.select_related("signed_by")[:10]),
        "blockers": signoff.blockers(progress) if current is None else [],
        "evidence": found,
        "can_sign": can(request.user, Action.SIGN),
        "can_countersign": can(request.user, Action.COUNTERSIGN),
        "signoff_token": uuid.uuid4(),
        "waivers": list(signoff.active_waivers(progress.onboarding, progress.step_key).values()),
    }


def _progress(request, pk: int, key: str, action: Action):
    practice = get_practice_for_user(request.user, pk, action)
    step = get_step(key)
    progress = practice.current_onboarding().steps.get(step_key=step.key)
    return practice, progress


def _panel(request, practice, progress) -> HttpResponse:
    if not request.htmx:
        return redirect("wizard:step", pk=practice.pk, key=progress.step_key)
    from wizard.views import _step_context

    context = _step_context(request, practice, progress.onboarding, progress.step_key)
    response = render(request, "wizard/signoff_panel.html#signoff-panel", context)
    return trigger_client_event(response, "stepsChanged")


@require_POST
def sign(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, progress = _progress(request, pk, key, Action.SIGN)
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        token = None
    try:
        signoff.sign_off(progress=progress, actor=request.user, submission_token=token)
    except signoff.SignOffRefused as refused:
        messages.error(request, "Not signed: " + " ".join(refused.reasons))
    return _panel(request, practice, progress)


@require_POST
def countersign(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, progress = _progress(request, pk, key, Action.COUNTERSIGN)
    current = signoff.current_sign_off(progress)
    if current is None:
        raise Http404("Nothing to countersign.")
    signoff.countersign(sign_off=current, actor=request.user)
    return _panel(request, practice, progress)


@require_POST
def revoke(request: HtmxHttpRequest, pk: int, key: str, sign_off_id: int) -> HttpResponse:
    practice, progress = _progress(request, pk, key, Action.VIEW)
    record = SignOff.objects.filter(pk=sign_off_id, progress=progress).first()
    if record is None:
        raise Http404("No such sign-off.")
    if not (can(request.user, Action.SIGN) or can(request.user, Action.COUNTERSIGN)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Your role cannot revoke sign-offs.")
    try:
        signoff.revoke(sign_off=record, actor=request.user, reason=request.POST.get("reason", ""))
    except ValueError as error:
        messages.error(request, str(error))
    return _panel(request, practice, progress)


def _finding(request, pk: int, finding_id: int, action: Action):
    practice = get_practice_for_user(request.user, pk, action)
    finding = (
        Finding.objects.filter(pk=finding_id, run__practice=practice)
        .select_related("run__onboarding")
        .first()
    )
    if finding is None:
        raise Http404("No such finding.")
    return practice, finding


def _back_to_findings(practice, finding) -> HttpResponse:
    return redirect("audits:findings", pk=practice.pk, run_id=finding.run_id)


@require_POST
def waive(request: HtmxHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    practice, finding = _finding(request, pk, finding_id, Action.WAIVE)
    try:
        signoff.waive(finding=finding, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, f"{finding.code} waived.")
    except ValueError as error:
        messages.error(request, str(error))
    return _back_to_findings(practice, finding)


@require_POST
def acknowledge(request: HtmxHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    practice, finding = _finding(request, pk, finding_id, Action.ACKNOWLEDGE)
    signoff.acknowledge(findings=[finding], actor=request.user)
    return _back_to_findings(practice, finding)


@require_POST
def acknowledge_all(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.ACKNOWLEDGE)
    findings = list(
        Finding.objects.filter(run_id=run_id, run__practice=practice, severity=Severity.WARNING)
        .exclude(code="C00.I001")
        .select_related("run__onboarding")
    )
    if not findings and not Finding.objects.filter(run_id=run_id, run__practice=practice).exists():
        raise Http404("No such run.")
    count = signoff.acknowledge(findings=findings, actor=request.user)
    messages.success(request, f"{count} warning(s) acknowledged.")
    return redirect("audits:findings", pk=practice.pk, run_id=run_id)


@require_GET
def report(request: HtmxHttpRequest, pk: int, fmt: str) -> HttpResponse:
    from wizard import report as completion

    practice = get_practice_for_user(request.user, pk)
    onboarding = practice.current_onboarding()
    if fmt == "pdf":
        body, content_type = completion.render_pdf(onboarding), "application/pdf"
    elif fmt == "csv":
        body, content_type = completion.findings_csv(onboarding), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = completion.findings_xlsx(onboarding)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "fixes.csv":
        body, content_type = completion.fix_file(onboarding), "text/csv; charset=utf-8"
    else:
        raise Http404("No such format.")
    response = HttpResponse(body, content_type=content_type)
    name = completion.file_name(onboarding, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
