from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from audits.loading import human_size
from wizard.steps.screenshots import IMAGE_TYPES, sniff


class AttestationForm(forms.Form):
    confirmed = forms.BooleanField(
        label="I confirm this setting is as described above",
        error_messages={"required": "Tick the box to confirm the setting."},
    )
    checked_by = forms.CharField(
        label="Who checked it", max_length=200, help_text="The person who looked at the setting."
    )
    checked_on = forms.DateField(
        label="When it was checked",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the setting was checked.",
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    screenshot = forms.FileField(
        label="Screenshot (optional)",
        required=False,
        help_text="PNG, JPEG, GIF or WebP, up to "
        f"{human_size(settings.LIFTOFF_SCREENSHOT_MAX_BYTES)}.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def clean_checked_on(self):
        value = self.cleaned_data["checked_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The check date cannot be in the future.")
        return value

    def clean_screenshot(self):
        upload = self.cleaned_data.get("screenshot")
        if not upload:
            return None
        limit = settings.LIFTOFF_SCREENSHOT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The screenshot is {human_size(upload.size)}; the limit is {human_size(limit)}."
            )
        head = upload.read(16)
        upload.seek(0)
        kind, description = sniff(head)
        if kind not in IMAGE_TYPES:
            raise forms.ValidationError(
                f"The screenshot must be a PNG, JPEG, GIF or WebP image; "
                f"{upload.name} is {description}."
            )
        return upload
