"""A person's email preferences."""

from __future__ import annotations

from django import forms

from wizard.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("step_signed", "run_failed", "practice_stuck")
        labels = {
            "step_signed": "A practice signs off a step",
            "run_failed": "A check fails to run",
            "practice_stuck": "A practice has had no activity for days",
        }
