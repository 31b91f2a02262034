"""The Fixes page of a practice (docs/connect.md, "Sending fixes back"): the fix list, editing a
suggestion (anyone on the practice), approving one or a reviewed batch and sending (its practice
manager only: the controls are absent for others and their POST is refused), "Write fixes back"
switched on or off, and each fix's status polled while sending."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audits.models import Fix, FixStatus
from wizard.access import Action, can, connection_of, current_onboarding, get_practice_for_user
from wizard.connect import fixes
from wizard.connect.context import allow_consent_redirect
from wizard.connect.services import Refused
from wizard.http import HtmxHttpRequest


def _context(request: HtmxHttpRequest, practice) -> dict:
    onboarding = current_onboarding(practice)
    found = list(fixes.fixes_of(onboarding))
    connection = connection_of(practice)
    return {
        "practice": practice,
        "fixes": found,
        "sending": any(f.status == FixStatus.SENDING for f in found),
        "connection": connection,
        "writable": fixes.can_write(connection),
        "can_approve": can(request.user, Action.APPROVE_FIX) and practice.archived_at is None,
        "can_switch": can(request.user, Action.CONNECT) and practice.archived_at is None,
        "standard_states": fixes.standard_states(practice),
    }


@require_GET
def fix_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    if practice.archived_at is None:
        onboarding = current_onboarding(practice)
        fixes.refresh(practice=practice, onboarding=onboarding, actor=request.user)
    # Its "Connect again" form leads to Xero's consent page, like the connect panel's.
    return allow_consent_redirect(render(request, "wizard/fixes.html", _context(request, practice)))


@require_GET
def fix_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The list alone, polled while fixes are being sent."""
    practice = get_practice_for_user(request.user, pk)
    return render(request, "wizard/fixes.html#fix-list", _context(request, practice))


def _back(practice) -> HttpResponse:
    return redirect("wizard:fixes", pk=practice.pk)


@require_POST
def fix_edit(request: HtmxHttpRequest, pk: int, fix_id: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.PROPOSE_FIX)
    fix = Fix.objects.filter(practice=practice, pk=fix_id).first()
    if fix is None:
        raise Http404("No such fix.")
    try:
        fixes.edit(fix=fix, after=request.POST.get("after", ""), actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The fix is changed; a practice manager approves it.")
    return _back(practice)


@require_POST
def fix_approve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.APPROVE_FIX)
    chosen = [int(v) for v in request.POST.getlist("fix") if v.isdigit()]
    try:
        done = fixes.approve(
            onboarding=current_onboarding(practice), pks=chosen, actor=request.user
        )
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{len(done)} fix{'es' if len(done) != 1 else ''} approved.")
    return _back(practice)


@require_POST
def fix_send(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.APPROVE_FIX)
    try:
        count = fixes.start_sending(
            practice=practice, onboarding=current_onboarding(practice), actor=request.user
        )
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Sending {count} fix{'es' if count != 1 else ''}; the checks run again after."
        )
    return _back(practice)


@require_POST
def write_back(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Switch "Write fixes back" on (then connect again: the consent asks for the write scopes)
    or off."""
    practice = get_practice_for_user(request.user, pk, Action.CONNECT)
    on = request.POST.get("on") == "1"
    try:
        fixes.switch_write_back(practice=practice, on=on, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        said = (
            "Writing fixes back is on: connect again to allow changes in XPM and Xero."
            if on
            else "Writing fixes back is off."
        )
        messages.success(request, said)
    return _back(practice)
