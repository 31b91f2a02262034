"""A lead's pages for a practice: create it, its settings and assignees, archive or restore it,
and start a fresh onboarding."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from wizard.access import Action, get_practice_for_user, membership_of, require
from wizard.http import HtmxHttpRequest
from wizard.models import DateOrder
from wizard.practices import services
from wizard.practices.forms import PracticeForm


@require_http_methods(["GET", "POST"])
def practice_new(request: HtmxHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    require(request.user, Action.MANAGE_PRACTICE)
    form = PracticeForm(
        request.POST or None,
        organisation=membership.organisation,
        initial={"date_order": DateOrder.DMY},
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
    services.set_archived(practice=practice, actor=request.user, archived=archived)
    messages.success(request, "Practice archived." if archived else "Practice restored.")
    return redirect("wizard:practice_settings", pk=practice.pk)


@require_POST
def onboarding_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    services.start_fresh_onboarding(
        practice=practice, actor=request.user, label=request.POST.get("label", "")
    )
    messages.success(request, "A fresh onboarding has started; the previous one is kept.")
    return redirect("wizard:overview", pk=practice.pk)
