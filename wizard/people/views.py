"""People: a practice's members and the organisation's onboarding team, invitations (sent,
withdrawn, accepted by signed link) and removing a member."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from wizard.access import (
    Action,
    get_invitation_for_user,
    get_member_for_user,
    get_practice_for_user,
    may_manage_people,
    membership_of,
    require,
)
from wizard.http import HtmxHttpRequest, confirm
from wizard.models import PRACTICE_ROLES, TEAM_ROLES, Membership, Practice, Role
from wizard.people import invitations, services
from wizard.people.forms import AcceptForm, InviteForm


def _accept_url(request: HtmxHttpRequest):
    return lambda token: request.build_absolute_uri(
        reverse("wizard:accept_invitation", args=[token])
    )


def _invite_or_list(
    request: HtmxHttpRequest,
    *,
    practice: Practice | None,
    roles: tuple[Role, ...],
    memberships,
    back: str,
) -> HttpResponse:
    organisation = practice.organisation if practice else membership_of(request.user).organisation
    # A new team member is a specialist unless the lead chooses otherwise (least access first).
    initial = {"role": Role.ONBOARDING_SPECIALIST} if Role.ONBOARDING_SPECIALIST in roles else {}
    form = InviteForm(request.POST or None, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite(
                organisation=organisation,
                practice=practice,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                actor=request.user,
                accept_url=_accept_url(request),
            )
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect(back)
    return render(
        request,
        "wizard/members.html",
        {
            "practice": practice,
            "organisation": organisation,
            "form": form,
            "memberships": memberships.select_related("user").order_by("role", "user__username"),
            "invitations": invitations.pending(organisation=organisation, practice=practice),
            "invitation_days": invitations.lifetime().days,
        },
    )


@require_http_methods(["GET", "POST"])
def members(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A practice's people; its lead or practice manager invites managers and staff."""
    practice = get_practice_for_user(request.user, pk, Action.INVITE)
    return _invite_or_list(
        request,
        practice=practice,
        roles=PRACTICE_ROLES,
        memberships=Membership.objects.filter(practice=practice),
        back=reverse("wizard:members", args=[practice.pk]),
    )


@require_http_methods(["GET", "POST"])
def team_members(request: HtmxHttpRequest) -> HttpResponse:
    """The organisation's onboarding team; only a lead invites to it."""
    membership = membership_of(request.user)
    require(request.user, Action.MANAGE_PRACTICE)
    return _invite_or_list(
        request,
        practice=None,
        roles=TEAM_ROLES,
        memberships=Membership.objects.filter(
            organisation_id=membership.organisation_id, practice__isnull=True
        ),
        back=reverse("wizard:team_members"),
    )


def _people_url(practice_id: int | None) -> str:
    """The practice's people, or the team for a team member."""
    if practice_id:
        return reverse("wizard:members", args=[practice_id])
    return reverse("wizard:team_members")


def _people_page(practice_id: int | None) -> HttpResponse:
    return redirect(_people_url(practice_id))


@require_POST
def member_remove(request: HtmxHttpRequest, membership_id: int) -> HttpResponse:
    target = get_member_for_user(request.user, membership_id)
    if not may_manage_people(request.user, target.practice_id) or target.user_id == request.user.pk:
        raise PermissionDenied("You cannot remove this member.")
    if request.POST.get("confirmed") != "1":
        who = target.user.get_full_name() or target.user.get_username()
        return confirm(
            request,
            title=f"Remove {who}'s access?",
            consequences=[
                f"{who} ({target.get_role_display()}) is logged out at once and can no longer "
                "log in.",
                "Everything they did stays in the activity log and the reports, under their name.",
                "They can be invited again later.",
            ],
            action=reverse("wizard:member_remove", args=[target.pk]),
            fields={},
            confirm_label="Remove access",
            cancel=_people_url(target.practice_id),
        )
    services.remove_member(membership=target, actor=request.user)
    messages.success(request, f"{target.user.get_username()} no longer has access.")
    return _people_page(target.practice_id)


@require_POST
def invitation_revoke(request: HtmxHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_invitation_for_user(request.user, invitation_id)
    if not may_manage_people(request.user, invitation.practice_id):
        raise PermissionDenied("You cannot withdraw this invitation.")
    invitations.revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return _people_page(invitation.practice_id)


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Anonymous by design: the signed link is the credential."""
    checked = invitations.check_token(token)
    email = checked.invitation.email if checked.invitation else ""
    form = AcceptForm(request.POST or None, email=email)
    if checked.invitation is not None and request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except invitations.InvitationError as error:
            checked = invitations.Checked(None, str(error))
        else:
            # The signed link and the new password are the credentials: signed in at once.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Liftoff: you are signed in as {email}.")
            return redirect("home")
    status = 200 if checked.invitation else 410
    return render(
        request,
        "wizard/invitation_accept.html",
        {"checked": checked, "form": form},
        status=status,
    )
