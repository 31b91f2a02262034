"""The daily email about practices with no activity (celery beat, CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from wizard.notifications import services


# The name the beat schedule knows it by (config/settings.py).
@shared_task(name="wizard.tasks.notify_stuck_practices")
def notify_stuck_practices() -> int:
    return services.notify_stuck_practices(days=settings.LIFTOFF_STUCK_AFTER_DAYS)
