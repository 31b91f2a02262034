"""The pages a person clicks through: home, overview, one page per step, attestations, activity.

Every view reaches practice data through ``wizard.access``. A view that htmx calls returns the
fragment named after its ``hx-target`` from the same template as the full page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from wizard.access import (
    Action,
    current_onboarding,
    get_practice_for_user,
    get_progress,
    membership_of,
)
from wizard.checklist import STEPS, STEPS_BY_KEY, StepKind
from wizard.connect.context import allow_consent_redirect, connect_context
from wizard.errors import refuse
from wizard.http import HtmxHttpRequest
from wizard.signoff.context import signoff_context
from wizard.steps import services
from wizard.steps.context import step_context, steps_context, what_to_gather
from wizard.steps.forms import AttestationForm
from wizard.uploads.context import upload_area_context


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership.is_team:
        return redirect("wizard:practice_list")
    return redirect("wizard:overview", pk=membership.practice_id)


@require_GET
def overview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    onboarding = current_onboarding(practice)
    template_name = "wizard/overview.html"
    if request.htmx and request.GET.get("fragment") == "step-list":
        template_name += "#step-list"
    context = {
        "practice": practice,
        "onboarding": onboarding,
        "earlier_onboardings": practice.onboardings.exclude(pk=onboarding.pk),
        "step": STEPS_BY_KEY.get(request.GET.get("current", "")),
        "to_gather": (to_gather := what_to_gather(onboarding)),
        # Open until the first export is in: then the step list leads.
        "gather_open": not any(i.uploaded for items in to_gather.values() for i in items),
        "connect": connect_context(request.user, practice),
        "setting_steps": [s.number for s in STEPS if s.kind == StepKind.ATTESTATION],
        **steps_context(onboarding),
    }
    return allow_consent_redirect(render(request, template_name, context))


@require_GET
def step_detail(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    onboarding = current_onboarding(practice)
    fragment = request.GET.get("fragment") if request.htmx else None
    if fragment == "signoff-panel":
        # The panel refreshes itself when anything on the step changed (stepsChanged).
        progress = get_progress(onboarding, key)
        context = {"practice": practice, "progress": progress, "step": progress.step}
        context |= signoff_context(request, progress)
        return render(request, "wizard/signoff_panel.html#signoff-panel", context)
    if fragment == "upload-area":
        # Polled while a pull from XPM or Xero runs: the area again, with its progress.
        step = get_progress(onboarding, key).step
        context = upload_area_context(request, practice, onboarding, step)
        return render(request, "wizard/upload_area.html#upload-area", context)
    template_name = "wizard/step.html"
    if fragment == "step-card":
        template_name += "#step-card"
    return render(request, template_name, step_context(request, practice, onboarding, key))


@require_POST
def attest(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.ATTEST)
    onboarding = current_onboarding(practice)
    progress = get_progress(onboarding, key)
    if not progress.step.needs_attestation:
        return refuse(request, "This step has no setting to confirm.")
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
        context = step_context(request, practice, onboarding, key)
        context["just_saved"] = created
        response = render(request, "wizard/step.html#step-card", context)
        return trigger_client_event(response, "stepsChanged")
    context = step_context(request, practice, onboarding, key, form=form)
    template_name = "wizard/step.html#step-card" if request.htmx else "wizard/step.html"
    return render(request, template_name, context, status=422 if request.htmx else 200)


ACTIVITY_PER_PAGE = 50


@require_http_methods(["GET"])
def activity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The practice's audit trail, newest first, a page at a time, steps named by title."""
    practice = get_practice_for_user(request.user, pk)
    events = practice.audit_events.select_related("actor").order_by("-sequence")
    page = Paginator(events, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    for event in page.object_list:
        step = STEPS_BY_KEY.get(event.step_key)
        event.step_label = f"{step.number}. {step.title}" if step else ""
    return render(request, "wizard/activity.html", {"practice": practice, "page": page})
