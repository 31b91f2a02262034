"""Signing off, countersigning, revoking, waiving and acknowledging; and the completion report."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from audits.models import Finding, RunStatus, ValidationRun
from wizard import signoff
from wizard.access import Action, can, get_practice_for_user
from wizard.checklist import STEPS_BY_KEY, get_step
from wizard.http import HtmxHttpRequest, plain_int
from wizard.models import SignOff
from wizard.report import RENAME_ITEMS


def signoff_context(request, progress, error: str = "") -> dict:
    """What the sign-off panel shows: exactly what would be signed, or why it cannot be yet."""
    current = signoff.current_sign_off(progress)
    found = signoff.evidence(progress)
    run_ok = found.run is not None and found.run.status == RunStatus.SUCCEEDED
    return {
        "sign_off": current,
        "sign_off_history": list(progress.sign_offs.select_related("countersigned_by")[:20]),
        "blockers": signoff.sign_off_blockers(progress) if current is None else [],
        "evidence": found,
        "can_sign": can(request.user, Action.SIGN),
        "can_countersign": can(request.user, Action.COUNTERSIGN),
        "can_revoke": can(request.user, Action.SIGN) or can(request.user, Action.COUNTERSIGN),
        "signoff_token": uuid.uuid4(),
        "waivers": list(signoff.active_waivers(progress.onboarding, progress.step_key).values()),
        "flagged_waivers": [w.pk for w, _ in signoff.flagged_waivers(found.run)] if run_ok else [],
        "acknowledged_count": (
            found.run.findings.filter(severity="warning").count()
            - signoff.unacknowledged_warnings(found.run).count()
            if run_ok
            else 0
        ),
        "has_fix_file": progress.step.number in RENAME_ITEMS,
        "signoff_error": error,
        "min_reason": signoff.MIN_REASON,
    }


def _progress(request, pk: int, key: str, action: Action):
    practice = get_practice_for_user(request.user, pk, action)
    step = get_step(key)
    progress = practice.current_onboarding().steps.get(step_key=step.key)
    return practice, progress


def _panel(request, practice, progress, error: str = "") -> HttpResponse:
    """The panel again for htmx (and a stepsChanged event for the step list); a redirect to the
    step page without JavaScript, the outcome carried by a message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("wizard:step", pk=practice.pk, key=progress.step_key)
    from wizard.views import _step_context

    context = _step_context(request, practice, progress.onboarding, progress.step_key)
    context["signoff_error"] = error
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
        return _panel(request, practice, progress, "Not signed: " + " ".join(refused.reasons))
    return _panel(request, practice, progress)


@require_POST
def countersign(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice, progress = _progress(request, pk, key, Action.COUNTERSIGN)
    current = signoff.current_sign_off(progress)
    if current is None:
        return _panel(request, practice, progress, "There is no current sign-off to countersign.")
    signoff.countersign(sign_off=current, actor=request.user)
    return _panel(request, practice, progress)


@require_POST
def revoke(request: HtmxHttpRequest, pk: int, key: str, sign_off_id: int) -> HttpResponse:
    practice, progress = _progress(request, pk, key, Action.VIEW)
    record = SignOff.objects.filter(pk=sign_off_id, progress=progress).first()
    if record is None:
        raise Http404("No such sign-off.")
    if not (can(request.user, Action.SIGN) or can(request.user, Action.COUNTERSIGN)):
        raise PermissionDenied("Your role cannot revoke sign-offs.")
    try:
        signoff.revoke(sign_off=record, actor=request.user, reason=request.POST.get("reason", ""))
    except ValueError as error:
        return _panel(request, practice, progress, str(error))
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


def _after_finding_action(request, practice, finding, error: str = "") -> HttpResponse:
    """htmx: the finding's action block again (waiver or acknowledgement shown in place);
    without JavaScript: back to the findings page, the outcome in a message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("audits:findings", pk=practice.pk, run_id=finding.run_id)
    run = finding.run
    finding.waiver = signoff.active_waivers(run.onboarding, run.step_key).get(finding.match_key)
    finding.waiver_changed = bool(finding.waiver) and signoff.waiver_changed(
        finding.waiver, finding
    )
    finding.acknowledged = finding.match_key in signoff.acknowledged_keys(
        run.onboarding, run.step_key
    )
    context = {
        "finding": finding,
        "practice": practice,
        "run": run,
        "step": STEPS_BY_KEY.get(run.step_key),
        "can_waive": can(request.user, Action.WAIVE),
        "can_acknowledge": can(request.user, Action.ACKNOWLEDGE),
        "action_error": error,
        "min_reason": signoff.MIN_REASON,
    }
    response = render(request, "wizard/finding_actions.html#finding-actions", context)
    return trigger_client_event(response, "stepsChanged")


@require_POST
def waive(request: HtmxHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    practice, finding = _finding(request, pk, finding_id, Action.WAIVE)
    try:
        signoff.waive(finding=finding, actor=request.user, reason=request.POST.get("reason", ""))
    except ValueError as error:
        return _after_finding_action(request, practice, finding, str(error))
    if not request.htmx:
        messages.success(request, f"{finding.code} waived.")
    return _after_finding_action(request, practice, finding)


@require_POST
def acknowledge(request: HtmxHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    practice, finding = _finding(request, pk, finding_id, Action.ACKNOWLEDGE)
    signoff.acknowledge(findings=[finding], actor=request.user)
    return _after_finding_action(request, practice, finding)


@require_POST
def acknowledge_all(request: HtmxHttpRequest, pk: int, run_id: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.ACKNOWLEDGE)
    run = (
        ValidationRun.objects.filter(pk=run_id, practice=practice)
        .select_related("onboarding")
        .first()
    )
    if run is None:
        raise Http404("No such check.")
    count = signoff.acknowledge_run(run=run, actor=request.user)
    messages.success(request, f"{count} warning(s) acknowledged.")
    response = redirect("audits:findings", pk=practice.pk, run_id=run_id)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("audits:findings", args=[practice.pk, run_id])
    return response


@require_GET
def report(request: HtmxHttpRequest, pk: int, fmt: str) -> HttpResponse:
    from wizard import report as completion

    practice = get_practice_for_user(request.user, pk)
    wanted = request.GET.get("onboarding", "")
    if wanted:
        # An earlier onboarding (e.g. last year's before a re-check) keeps its report.
        onboarding_id = plain_int(wanted, digits=18)
        if onboarding_id is None:
            raise Http404("No such onboarding.")
        onboarding = get_object_or_404(practice.onboardings, pk=onboarding_id)
    else:
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
    # RFC 6266: an ASCII fallback and the UTF-8 name, so "Müller & Co" survives the download.
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
