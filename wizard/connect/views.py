"""Connect XPM and Xero (POST, then Xero's consent page), the OAuth callback, and disconnect.
The callback is refused unless its ``state`` was issued to this session for a practice the person
may connect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audits.kinds import KINDS
from audits.xero import oauth
from wizard.access import Action, current_onboarding, get_practice_for_user
from wizard.checklist import get_step
from wizard.connect import services
from wizard.errors import refuse
from wizard.http import HtmxHttpRequest


def _redirect_uri(request: HtmxHttpRequest) -> str:
    return settings.XERO_REDIRECT_URI or request.build_absolute_uri(
        reverse("wizard:connect_callback")
    )


@require_POST
def connect(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.CONNECT)
    if not oauth.configured():
        messages.error(request, "XPM and Xero are not set up yet: see the connect panel.")
        return redirect("wizard:overview", pk=practice.pk)
    url = services.begin(
        practice=practice, session=request.session, redirect_uri=_redirect_uri(request)
    )
    return redirect(url)


@require_GET
def callback(request: HtmxHttpRequest) -> HttpResponse:
    practice_pk = services.claim_state(request.session, request.GET.get("state", ""))
    if practice_pk is None:
        return refuse(
            request,
            "This connection was not started from your session. Start it again.",
            status=400,
        )
    practice = get_practice_for_user(request.user, practice_pk, Action.CONNECT)
    if "error" in request.GET or not request.GET.get("code"):
        messages.error(request, "Access was not allowed, so nothing was connected.")
        return redirect("wizard:overview", pk=practice.pk)
    try:
        services.complete(
            practice=practice,
            actor=request.user,
            code=request.GET["code"],
            redirect_uri=_redirect_uri(request),
        )
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "XPM and Xero are connected.")
    return redirect("wizard:overview", pk=practice.pk)


@require_POST
def disconnect(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.CONNECT)
    revoked = services.disconnect(practice=practice, actor=request.user)
    note = (
        "" if revoked else " Xero could not be told; remove Liftoff under Connected apps in Xero."
    )
    messages.success(
        request, "XPM and Xero are disconnected; the stored tokens are deleted." + note
    )
    return redirect("wizard:overview", pk=practice.pk)


@require_POST
def pull(request: HtmxHttpRequest, pk: int, key: str, kind: str) -> HttpResponse:
    """Pull one kind from XPM or Xero for this step; the upload area shows it being read."""
    practice = get_practice_for_user(request.user, pk, Action.UPLOAD)
    step = get_step(key)
    if kind not in step.all_exports:
        raise Http404("This step does not read that export.")
    try:
        services.start_pull(
            practice=practice,
            onboarding=current_onboarding(practice),
            step_key=step.key,
            kind=kind,
            actor=request.user,
            window=services.window_from(request.POST, timezone.localdate()),
        )
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Pulling {KINDS[kind].label}: it is checked once it is in.")
    return redirect(reverse("wizard:step", args=[practice.pk, step.key]) + "#upload-area")


@require_POST
def recheck(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Re-check everything: pull every kind again; each step that reads one is checked again
    once it is in. Only those who may connect (the practice manager, an onboarding lead)."""
    practice = get_practice_for_user(request.user, pk, Action.CONNECT)
    try:
        recheck = services.recheck_everything(
            practice=practice, onboarding=current_onboarding(practice), actor=request.user
        )
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _recheck_message(recheck))
    return redirect(reverse("wizard:overview", args=[practice.pk]) + "#connect-panel")


def _recheck_message(recheck: services.Recheck) -> str:
    labels = ", ".join(KINDS[pull.kind].label for pull in recheck.started)
    said = (
        f"Pulling {labels} again: each step that reads them is checked once they are in."
        if labels
        else ""
    )
    if recheck.running:
        busy = ", ".join(KINDS[kind].label for kind in recheck.running)
        said += f" {busy}: already being pulled, so not started twice."
    return said.strip() or "Nothing to pull: connect XPM or Xero first."
