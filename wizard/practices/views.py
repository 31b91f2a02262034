"""A lead's pages for a practice: create it, its settings and assignees, archive or restore it,
and start a fresh onboarding."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from wizard.access import (
    Action,
    current_onboarding,
    get_practice_for_user,
    membership_of,
    require,
)
from wizard.checklist import STEPS
from wizard.http import HtmxHttpRequest, confirm
from wizard.models import Country, DateOrder, StepStatus
from wizard.practices import services
from wizard.practices.forms import PracticeForm


@require_http_methods(["GET", "POST"])
def practice_new(request: HtmxHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    require(request.user, Action.MANAGE_PRACTICE)
    form = PracticeForm(
        request.POST or None,
        organisation=membership.organisation,
        initial={"date_order": DateOrder.DMY, "country": Country.AU},
    )
    if request.method == "POST" and form.is_valid():
        practice = services.create_practice(
            organisation=membership.organisation, actor=request.user, **form.cleaned_data
        )
        messages.success(request, f"{practice.name} is ready for its onboarding.")
        return redirect("wizard:overview", pk=practice.pk)
    return render(request, "wizard/practice_admin_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def practice_admin(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    form = PracticeForm(
        request.POST or None,
        organisation=practice.organisation,
        initial={
            "name": practice.name,
            "target_go_live": practice.target_go_live,
            "date_order": practice.date_order,
            "country": practice.country,
            "assignees": list(practice.assignees.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_practice(practice=practice, actor=request.user, **form.cleaned_data)
        messages.success(request, "Practice updated.")
        return redirect("wizard:practice_settings", pk=practice.pk)
    return render(
        request,
        "wizard/practice_admin.html",
        {
            "practice": practice,
            "form": form,
            "onboardings": practice.onboardings.select_related("started_by"),
        },
    )


@require_POST
def practice_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    archived = request.POST.get("archived") == "1"
    if archived and request.POST.get("confirmed") != "1":
        return confirm(
            request,
            title=f"Archive {practice.name}?",
            consequences=[
                "It becomes read-only: nobody can upload, confirm settings, waive, acknowledge "
                "or sign off until it is restored.",
                "It is hidden from the dashboard unless “Show archived” is ticked.",
                "All its onboardings, findings, sign-offs and reports are kept.",
            ],
            action=reverse("wizard:practice_archive", args=[practice.pk]),
            fields={"archived": "1"},
            confirm_label="Archive practice",
            cancel=reverse("wizard:practice_settings", args=[practice.pk]),
        )
    services.set_archived(practice=practice, actor=request.user, archived=archived)
    messages.success(request, "Practice archived." if archived else "Practice restored.")
    return redirect("wizard:practice_settings", pk=practice.pk)


@require_POST
def onboarding_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    label = " ".join(request.POST.get("label", "").split())[:100]
    problem = services.fresh_onboarding_problem(practice, label)
    if problem:
        messages.error(request, problem)
        return redirect("wizard:practice_settings", pk=practice.pk)
    if request.POST.get("confirmed") != "1":
        current = current_onboarding(practice)
        signed = current.steps.filter(status=StepStatus.SIGNED_OFF).count()
        return confirm(
            request,
            title=f"Start “{label}” for {practice.name}?",
            consequences=[
                f"The wizard starts again at step 1: all {len(STEPS)} steps not started.",
                f"“{current.label}” ({signed} of {len(STEPS)} steps signed) is kept with its "
                "data, sign-offs and report, under the practice's admin.",
                "Exports are uploaded again for the new onboarding.",
            ],
            action=reverse("wizard:onboarding_new", args=[practice.pk]),
            fields={"label": label},
            confirm_label="Start fresh onboarding",
            cancel=reverse("wizard:practice_settings", args=[practice.pk]),
        )
    services.start_fresh_onboarding(practice=practice, actor=request.user, label=label)
    messages.success(request, f"“{label}” has started; the previous onboarding is kept.")
    return redirect("wizard:overview", pk=practice.pk)
