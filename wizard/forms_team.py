"""Forms of the team pages: practices, invitations, accepting one, email preferences."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation

from wizard.models import TEAM_ROLES, DateOrder, NotificationPreference, Organisation, Role


def team_of(organisation: Organisation):
    """The organisation's onboarding team (leads and specialists) who can still log in."""
    return (
        get_user_model()
        .objects.filter(
            membership__organisation=organisation,
            membership__role__in=[r.value for r in TEAM_ROLES],
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
    )


class TeamMembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class PracticeForm(forms.Form):
    name = forms.CharField(max_length=200)
    target_go_live = forms.DateField(
        label="Target go-live",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_order = forms.ChoiceField(label="Dates in their exports", choices=DateOrder.choices)
    assignees = TeamMembersField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Assigned to",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this organisation's team: a posted id from elsewhere is "not one of the choices".
        self.fields["assignees"].queryset = team_of(organisation)


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=())

    def __init__(self, *args, roles: tuple[Role, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]


class AcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError("The two passwords differ.")
        if data.get("password1"):
            # Checked against the person's own name and email, as the similarity rule wants.
            person = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(data["password1"], person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("step_signed", "run_failed", "practice_stuck")
        labels = {
            "step_signed": "A practice signs off a step",
            "run_failed": "A check fails to run",
            "practice_stuck": "A practice has had no activity for days",
        }
