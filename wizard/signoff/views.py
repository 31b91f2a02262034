"""Signing off, countersigning, revoking, waiving and acknowledging. Each POST answers htmx with
the panel it changed (and ``stepsChanged``), a plain form post with a redirect and a message."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from wizard.access import (
    Action,
    can,
    current_onboarding,
    get_finding,
    get_practice_for_user,
    get_progress,
    get_run,
    get_sign_off,
)
from wizard.checklist import STEPS_BY_KEY
from wizard.http import HtmxHttpRequest, fragment_or_redirect
from wizard.signoff import selectors
from wizard.signoff import services as signoff
from wizard.signoff.context import signoff_context


def _progress(request, pk: int, key: str, action: Action):
    practice = get_practice_for_user(request.user, pk, action)
    return practice, get_progress(current_onboarding(practice), key)


def _panel(request, practice, progress, error: str = "") -> HttpResponse:
    """The panel again for htmx (and a stepsChanged event for the step list); a redirect to the
    step page without JavaScript, the outcome carried by a message."""

    def context() -> dict:
        found = signoff_context(request, progress, error)
        return {"practice": practice, "progress": progress, "step": progress.step, **found}

    return fragment_or_redirect(
        request,
        fragment="wizard/signoff_panel.html#signoff-panel",
        context=context,
        to=reverse("wizard:step", args=[practice.pk, progress.step_key]),
        error=error,
        # Nothing changed on a refusal: no event, or the panel would refresh its message away.
        events=() if error else ("stepsChanged",),
    )


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
    record = get_sign_off(progress, sign_off_id)
    if not (can(request.user, Action.SIGN) or can(request.user, Action.COUNTERSIGN)):
        raise PermissionDenied("Your role cannot revoke sign-offs.")
    try:
        signoff.revoke(sign_off=record, actor=request.user, reason=request.POST.get("reason", ""))
    except ValueError as error:
        return _panel(request, practice, progress, str(error))
    return _panel(request, practice, progress)


def _finding(request, pk: int, finding_id: int, action: Action):
    practice = get_practice_for_user(request.user, pk, action)
    return practice, get_finding(practice, finding_id)


def _after_finding_action(request, practice, finding, error: str = "") -> HttpResponse:
    """htmx: the finding's action block again (waiver or acknowledgement shown in place);
    without JavaScript: back to the findings page, the outcome in a message."""
    run = finding.run

    def context() -> dict:
        waiver = selectors.active_waivers(run.onboarding, run.step_key).get(finding.match_key)
        finding.waiver = waiver
        finding.waiver_changed = bool(waiver) and selectors.waiver_changed(waiver, finding)
        finding.acknowledged = finding.match_key in selectors.acknowledged_keys(
            run.onboarding, run.step_key
        )
        return {
            "finding": finding,
            "practice": practice,
            "run": run,
            "step": STEPS_BY_KEY.get(run.step_key),
            "can_waive": can(request.user, Action.WAIVE),
            "can_acknowledge": can(request.user, Action.ACKNOWLEDGE),
            "action_error": error,
            "min_reason": signoff.MIN_REASON,
        }

    return fragment_or_redirect(
        request,
        fragment="wizard/finding_actions.html#finding-actions",
        context=context,
        to=reverse("wizard:findings", args=[practice.pk, finding.run_id]),
        error=error,
    )


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
    run = get_run(practice, run_id)
    count = signoff.acknowledge_run(run=run, actor=request.user)
    messages.success(request, f"{count} warning(s) acknowledged.")
    # Back to the step, where the sign-off panel now shows what is left.
    step = reverse("wizard:step", args=[practice.pk, run.step_key]) + "#signoff-panel"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = step
        return response
    return redirect(step)
