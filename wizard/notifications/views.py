"""A person's own email preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wizard.access import membership_of
from wizard.http import HtmxHttpRequest
from wizard.models import NotificationPreference
from wizard.notifications import services
from wizard.notifications.forms import PreferenceForm


@require_http_methods(["GET", "POST"])
def notification_settings(request: HtmxHttpRequest) -> HttpResponse:
    membership_of(request.user)
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST or None,
        instance=preference or NotificationPreference(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.save_preferences(form)
        messages.success(request, "Email preferences saved.")
        return redirect("wizard:notification_settings")
    return render(request, "wizard/notification_settings.html", {"form": form})
