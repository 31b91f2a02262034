"""Practice settings, new practices, members and invitations."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from wizard import services, team
from wizard.access import Action, can, get_practice_for_user, membership_of, require
from wizard.http import HtmxHttpRequest
from wizard.models import DateOrder, Invitation, Membership, NotificationPreference, Role


class PracticeForm(forms.Form):
    name = forms.CharField(max_length=200)
    target_go_live = forms.DateField(
        label="Target go-live",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_order = forms.ChoiceField(label="Dates in their exports", choices=DateOrder.choices)
    assignees = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Assigned specialists",
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = (
            get_user_model()
            .objects.filter(
                membership__organisation=organisation,
                membership__practice__isnull=True,
                is_active=True,
            )
            .order_by("first_name", "username")
        )


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=())

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]


class AcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError("The two passwords differ.")
        if data.get("password1"):
            password_validation.validate_password(data["password1"])
        return data


def _accept_url(request):
    return lambda token: request.build_absolute_uri(
        reverse("wizard:accept_invitation", args=[token])
    )


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
        data = form.cleaned_data
        practice = services.create_practice(
            organisation=membership.organisation,
            name=data["name"],
            actor=request.user,
            target_go_live=data["target_go_live"],
            date_order=data["date_order"],
        )
        practice.assignees.set(data["assignees"])
        return redirect("wizard:overview", pk=practice.pk)
    return render(request, "wizard/practice_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def practice_settings(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    form = PracticeForm(
        request.POST or None,
        organisation=practice.organisation,
        initial={
            "name": practice.name,
            "target_go_live": practice.target_go_live,
            "date_order": practice.date_order,
            "assignees": practice.assignees.all(),
        },
    )
    if request.method == "POST" and form.is_valid():
        team.update_practice(practice=practice, actor=request.user, **form.cleaned_data)
        messages.success(request, "Practice updated.")
        return redirect("wizard:practice_settings", pk=practice.pk)
    return render(
        request,
        "wizard/practice_settings.html",
        {
            "practice": practice,
            "form": form,
            "onboardings": practice.onboardings.all(),
        },
    )


@require_POST
def practice_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    team.set_archived(
        practice=practice, actor=request.user, archived=request.POST.get("archived") == "1"
    )
    return redirect("wizard:practice_settings", pk=practice.pk)


@require_POST
def onboarding_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.MANAGE_PRACTICE)
    services.start_onboarding(
        practice=practice, actor=request.user, label=request.POST.get("label", "").strip()[:100]
    )
    messages.success(request, "A fresh onboarding has started; the previous one is kept.")
    return redirect("wizard:overview", pk=practice.pk)


def _members_page(request, *, organisation, practice, roles, memberships, invitations, form):
    return render(
        request,
        "wizard/members.html",
        {
            "practice": practice,
            "organisation": organisation,
            "form": form,
            "memberships": memberships.select_related("user"),
            "invitations": invitations,
            "can_invite": bool(roles),
        },
    )


@require_http_methods(["GET", "POST"])
def members(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk, Action.INVITE)
    roles = (Role.PRACTICE_MANAGER, Role.PRACTICE_STAFF)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            team.invite(
                organisation=practice.organisation,
                practice=practice,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                actor=request.user,
                accept_url=_accept_url(request),
            )
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("wizard:members", pk=practice.pk)
        except team.InvitationError as error:
            form.add_error("email", str(error))
    return _members_page(
        request,
        organisation=practice.organisation,
        practice=practice,
        roles=roles,
        memberships=Membership.objects.filter(practice=practice),
        invitations=Invitation.objects.filter(practice=practice, accepted_at=None, revoked_at=None),
        form=form,
    )


@require_http_methods(["GET", "POST"])
def team_members(request: HtmxHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if not membership.is_lead:
        raise PermissionDenied("Only the onboarding lead manages the team.")
    roles = (Role.ONBOARDING_LEAD, Role.ONBOARDING_SPECIALIST)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            team.invite(
                organisation=membership.organisation,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                actor=request.user,
                accept_url=_accept_url(request),
            )
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("wizard:team_members")
        except team.InvitationError as error:
            form.add_error("email", str(error))
    return _members_page(
        request,
        organisation=membership.organisation,
        practice=None,
        roles=roles,
        memberships=Membership.objects.filter(
            organisation=membership.organisation, practice__isnull=True
        ),
        invitations=Invitation.objects.filter(
            organisation=membership.organisation,
            practice__isnull=True,
            accepted_at=None,
            revoked_at=None,
        ),
        form=form,
    )


@require_POST
def member_remove(request: HtmxHttpRequest, membership_id: int) -> HttpResponse:
    mine = membership_of(request.user)
    target = Membership.objects.filter(pk=membership_id, organisation_id=mine.organisation_id)
    target = target.select_related("user", "practice").first()
    if target is None or (not mine.is_team and target.practice_id != mine.practice_id):
        raise Http404("No such member.")
    allowed = mine.is_lead or (
        mine.role == Role.PRACTICE_MANAGER and target.practice_id == mine.practice_id
    )
    if not allowed or target.user_id == request.user.pk or not can(request.user, Action.INVITE):
        raise PermissionDenied("You cannot remove this member.")
    team.remove_member(membership=target, actor=request.user)
    messages.success(request, f"{target.user.get_username()} no longer has access.")
    if target.practice_id:
        return redirect("wizard:members", pk=target.practice_id)
    return redirect("wizard:team_members")


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HtmxHttpRequest, token: str) -> HttpResponse:
    checked = team.check_token(token)
    form = AcceptForm(request.POST or None)
    if checked.invitation is not None and request.method == "POST" and form.is_valid():
        try:
            team.accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except team.InvitationError as error:
            checked = team.Checked(None, str(error))
        else:
            messages.success(request, "Your account is ready: log in with your email address.")
            return redirect("login")
    status = 200 if checked.invitation else 410
    return render(
        request, "wizard/invitation_accept.html", {"checked": checked, "form": form}, status=status
    )


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("step_signed", "run_failed", "practice_stuck")
        labels = {
            "step_signed": "A practice signs off a step",
            "run_failed": "A check fails to run",
            "practice_stuck": "A practice has had no activity for days",
        }


@require_http_methods(["GET", "POST"])
def notification_settings(request: HtmxHttpRequest) -> HttpResponse:
    membership_of(request.user)
    preference, _ = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Email preferences saved.")
        return redirect("wizard:notification_settings")
    return render(request, "wizard/notification_settings.html", {"form": form})
