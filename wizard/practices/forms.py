"""The practice form: name, target go-live, date order of its exports, country, assignees."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from wizard.access import team_of
from wizard.models import Country, DateOrder, Organisation


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
    country = forms.ChoiceField(
        label="Country",
        choices=Country.choices,
        help_text="Tax numbers, company numbers and phone numbers are checked as this country's.",
    )
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
