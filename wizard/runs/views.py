"""The run panel of a data step (polled while a check is queued or running) and "Run again".
Findings pages are in ``findings.py``, the job-state map of step 11 in ``state_map.py``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from audits.selectors import latest_run
from wizard.access import Action, current_onboarding, get_practice_for_user
from wizard.checklist import STEPS_BY_KEY, Step
from wizard.errors import refuse
from wizard.http import HtmxHttpRequest
from wizard.runs.services import start_run


def data_step_or_404(key: str) -> Step:
    step = STEPS_BY_KEY.get(key)
    if step is None or not step.all_exports:
        raise Http404("No such data step.")
    return step


@require_GET
def run_panel(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    """The panel alone: what htmx polls while a run is queued or running."""
    practice = get_practice_for_user(request.user, pk)
    step = data_step_or_404(key)
    onboarding = current_onboarding(practice)
    run = latest_run(onboarding, step.key)
    if not request.htmx:
        return redirect("wizard:step", pk=practice.pk, key=step.key)
    context = {"practice": practice, "onboarding": onboarding, "step": step, "run": run}
    response = render(request, "wizard/run_panel.html#run-panel", context)
    if run is not None and run.is_finished:
        # Only a panel that was polling asks again, so a finished answer is news: the step list
        # and status change with it.
        trigger_client_event(response, "stepsChanged")
    return response


@require_POST
def run_again(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    step = data_step_or_404(key)
    onboarding = current_onboarding(practice)
    run = start_run(onboarding=onboarding, step_key=step.key, actor=request.user)
    if run is None:
        message = "Upload the exports this step needs before checking it."
        if request.htmx:
            return refuse(request, message)
        messages.error(request, message)
    elif not request.htmx:
        messages.success(request, f"Step {step.number} is being checked again.")
    if not request.htmx:
        return redirect("wizard:step", pk=practice.pk, key=step.key)
    context = {"practice": practice, "onboarding": onboarding, "step": step, "run": run}
    response = render(request, "wizard/run_panel.html#run-panel", context)
    return trigger_client_event(response, "stepsChanged")
