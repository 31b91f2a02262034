"""Small template filters shared by the wizard's pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """ "just now" within a minute, else "3 hours, 5 minutes ago"; "" for no date."""
    if value is None:
        return ""
    now = now or timezone.now()
    if now - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, now)} ago"
