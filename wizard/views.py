"""The pages a person clicks through: overview, one page per step, attestations.

Every view reaches practice data through ``wizard.access``. A view that htmx calls returns the
fragment named after its ``hx-target`` from the same template as the full page.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from audits.kinds import KINDS
from audits.selectors import current_uploads, latest_run
from audits.views_uploads import upload_area_context
from wizard import services
from wizard.access import Action, can, get_practice_for_user, membership_of
from wizard.checklist import STEPS, STEPS_BY_KEY, get_step, neighbours
from wizard.forms import AttestationForm
from wizard.http import HtmxHttpRequest
from wizard.models import Onboarding, Practice, StepProgress, StepStatus
from wizard.views_signoff import signoff_context


def _onboarding(practice: Practice) -> Onboarding:
    onboarding = practice.current_onboarding()
    if onboarding is None:  # practices are created with one; this only heals old data
        onboarding = services.start_onboarding(practice=practice)
    return onboarding


def _progress(onboarding: Onboarding, key: str) -> StepProgress:
    step = get_step(key)
    return onboarding.steps.get(step_key=step.key)


def _steps_context(onboarding: Onboarding) -> dict:
    progresses = list(onboarding.steps.all())
    signed = sum(p.status == StepStatus.SIGNED_OFF for p in progresses)
    blocking = [p for p in progresses if p.status == StepStatus.NEEDS_ATTENTION]
    next_step = next(
        (p for p in progresses if p.status not in (StepStatus.SIGNED_OFF, StepStatus.READY)),
        None,
    )
    return {
        "progresses": progresses,
        "signed_count": signed,
        "ready_count": sum(p.status == StepStatus.READY for p in progresses),
        "percent": round(100 * signed / len(STEPS)),
        "blocking": blocking,
        "next_progress": next_step,
    }


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership.is_team:
        return redirect("wizard:practice_list")
    return redirect("wizard:overview", pk=membership.practice_id)


@require_GET
def overview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    onboarding = _onboarding(practice)
    template_name = "wizard/overview.html"
    if request.htmx and request.GET.get("fragment") == "step-list":
        template_name += "#step-list"
    context = {
        "practice": practice,
        "onboarding": onboarding,
        "earlier_onboardings": practice.onboardings.exclude(pk=onboarding.pk),
        "step": STEPS_BY_KEY.get(request.GET.get("current", "")),
        **_steps_context(onboarding),
    }
    return render(request, template_name, context)


def _step_context(request, practice: Practice, onboarding: Onboarding, key: str, form=None) -> dict:
    progress = _progress(onboarding, key)
    step = progress.step
    previous, following = neighbours(step)
    uploads = current_uploads(onboarding)
    if form is None and step.needs_attestation:
        form = AttestationForm(
            initial={
                "checked_by": request.user.get_full_name() or request.user.get_username(),
                "checked_on": timezone.localdate(),
                "submission_token": uuid.uuid4(),
            }
        )
    return {
        "practice": practice,
        "onboarding": onboarding,
        "progress": progress,
        "step": step,
        "previous": previous,
        "following": following,
        "attestation": progress.attestations.first(),
        "form": form,
        "can_attest": can(request.user, Action.ATTEST),
        "export_kinds": [KINDS[k] for k in step.exports],
        "optional_kinds": [KINDS[k] for k in step.optional_exports],
        "uploads": {k: uploads[k] for k in step.all_exports if k in uploads},
        "run": latest_run(onboarding, step.key) if step.all_exports else None,
        **(upload_area_context(request, practice, onboarding, step) if step.all_exports else {}),
        **signoff_context(request, progress),
        **_steps_context(onboarding),
    }


@require_GET
def step_detail(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    onboarding = _onboarding(practice)
    template_name = "wizard/step.html"
    if request.htmx and request.GET.get("fragment") == "step-card":
        template_name += "#step-card"
    return render(request, template_name, _step_context(request, practice, onboarding, key))


@require_POST
def attest(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.ATTEST)
    onboarding = _onboarding(practice)
    progress = _progress(onboarding, key)
    if not progress.step.needs_attestation:
        return HttpResponse("This step has no setting to confirm.", status=400)
    form = AttestationForm(request.POST, request.FILES)
    if form.is_valid():
        _, created = services.record_attestation(
            progress=progress,
            actor=request.user,
            checked_by=form.cleaned_data["checked_by"],
            checked_on=form.cleaned_data["checked_on"],
            note=form.cleaned_data["note"],
            screenshot=form.cleaned_data["screenshot"],
            submission_token=form.cleaned_data["submission_token"],
        )
        if not request.htmx:
            if created:
                messages.success(request, f"Step {progress.number} confirmed.")
            return redirect("wizard:step", pk=practice.pk, key=key)
        context = _step_context(request, practice, onboarding, key)
        context["just_saved"] = created
        response = render(request, "wizard/step.html#step-card", context)
        return trigger_client_event(response, "stepsChanged")
    context = _step_context(request, practice, onboarding, key, form=form)
    template_name = "wizard/step.html#step-card" if request.htmx else "wizard/step.html"
    return render(request, template_name, context, status=422 if request.htmx else 200)


@require_http_methods(["GET"])
def activity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    events = practice.audit_events.select_related("actor").order_by("-sequence")[:200]
    return render(request, "wizard/activity.html", {"practice": practice, "events": events})
