"""Step 11's job-state map: every state name of the current XPM jobs export with its type
(Standard, On hold, …), the practice's confirmed choices over the defaults, and saving them (the
step is checked again at once)."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from audits.loading import load_bytes
from audits.models import StateType
from audits.runs.checking import inputs_for_uploads
from audits.runs.state_map import confirmed_state_map, save_state_map
from audits.selectors import current_uploads
from audits.validators.base import fold
from audits.validators.job_states import DEFAULT_STATE_TYPES
from wizard.access import Action, can, current_onboarding, get_practice_for_user
from wizard.checklist import STEPS_BY_KEY
from wizard.http import HtmxHttpRequest
from wizard.models import Practice
from wizard.runs.services import start_run

JOB_STATES_STEP = "job-states"


def _default_types() -> dict[str, str]:
    return {fold(name): kind for name, kind in DEFAULT_STATE_TYPES.items()}


def states_in_jobs_upload(onboarding) -> list[str]:
    """The distinct job-state names of the current XPM jobs upload, as written there."""
    upload = current_uploads(onboarding).get("xpm_jobs")
    if upload is None:
        return []
    key = f"liftoff:job-states:{upload.sha256}:{upload.pk}"
    states = cache.get(key)
    if states is None:
        (only,) = inputs_for_uploads([upload])
        table = load_bytes(
            only.data,
            only.name,
            kind="xpm_jobs",
            mapping=only.mapping,
            date_order=onboarding.practice.date_order,
            accept_bad_rows=True,
        ).table
        seen: dict[str, str] = {}
        for name in table.col("state").str.strip().unique():
            if name:
                seen.setdefault(fold(name), name)
        states = sorted(seen.values(), key=str.casefold)
        cache.set(key, states, 24 * 3600)
    return states


def _state_rows(practice: Practice, onboarding) -> list[dict]:
    confirmed = {fold(k): v for k, v in confirmed_state_map(practice).items()}
    defaults = _default_types()
    rows = []
    for index, name in enumerate(states_in_jobs_upload(onboarding)):
        folded = fold(name)
        rows.append(
            {
                "index": index,
                "name": name,
                "type": confirmed.get(folded) or defaults.get(folded, ""),
                "confirmed": folded in confirmed,
            }
        )
    return rows


@require_GET
def state_map(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    onboarding = current_onboarding(practice)
    template_name = "wizard/run_state_map.html"
    if request.htmx:
        template_name += "#state-map"
    context = {
        "practice": practice,
        "step": STEPS_BY_KEY[JOB_STATES_STEP],
        "rows": _state_rows(practice, onboarding),
        "state_types": StateType.choices,
        "can_edit": can(request.user, Action.UPLOAD),
    }
    return render(request, template_name, context)


@require_POST
def save_state_map_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    onboarding = current_onboarding(practice)
    names = states_in_jobs_upload(onboarding)
    choices = {}
    for index, name in enumerate(names):
        value = request.POST.get(f"type-{index}", "")
        if value in StateType.values:
            choices[name] = value
    save_state_map(practice=practice, choices=choices, actor=request.user)
    run = start_run(onboarding=onboarding, step_key=JOB_STATES_STEP, actor=request.user)
    if not request.htmx:
        messages.success(request, "Job-state types saved; step 11 is being checked again.")
        return redirect("wizard:step", pk=practice.pk, key=JOB_STATES_STEP)
    step = STEPS_BY_KEY[JOB_STATES_STEP]
    context = {"practice": practice, "onboarding": onboarding, "step": step, "run": run}
    response = render(request, "wizard/run_panel.html#run-panel", context)
    return trigger_client_event(response, "stepsChanged")
