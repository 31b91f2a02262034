"""Emails people ask for: a step signed off, a check that failed, a practice stuck for days.

Each person can switch each kind off (``NotificationPreference``; absent means on). Sending never
blocks or breaks the action that caused it: it runs after the transaction commits, and a mail
server error is logged, not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from wizard.checklist import STEPS
from wizard.dashboard.figures import annotate
from wizard.models import NotificationPreference, Practice, Role, StuckNotice

log = logging.getLogger(__name__)


def _people(practice: Practice, kind: str) -> list[str]:
    """Leads of the organisation, the practice's assignees and its practice manager(s), minus
    those who switched this kind of email off."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(membership__organisation=practice.organisation, membership__role=Role.ONBOARDING_LEAD)
            | Q(assigned_practices=practice)
            | Q(membership__practice=practice, membership__role=Role.PRACTICE_MANAGER)
        )
    )
    off = NotificationPreference.objects.filter(**{kind: False}).values("user_id")
    return sorted({u.email for u in users.exclude(pk__in=off) if u.email})


def _send(subject: str, body: str, recipients: Iterable[str]) -> None:
    recipients = list(recipients)
    if not recipients:
        return
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    except Exception:  # the mail server must never undo a sign-off or a run
        log.exception("could not send %r", subject)


def notify_step_signed(sign_off) -> None:
    progress = sign_off.progress
    practice = progress.onboarding.practice

    def send() -> None:
        _send(
            f"{practice.name}: step {progress.number} signed off",
            f"{sign_off.signed_by_label} signed off step {progress.number} "
            f"({progress.step.title}) for {practice.name}.",
            _people(practice, "step_signed"),
        )

    transaction.on_commit(send)


def notify_run_failed(run) -> None:
    practice = run.practice

    def send() -> None:
        _send(
            f"{practice.name}: a check failed to run",
            f"The check of step '{run.step_key}' for {practice.name} could not finish: "
            f"{run.error or 'no reason was given'}. Open the step to run it again.",
            _people(practice, "run_failed"),
        )

    transaction.on_commit(send)


def notify_stuck_practices(days: int | None = None, now=None) -> int:
    """Email about each practice with no activity for ``days`` (default the dashboard's
    LIFTOFF_STUCK_AFTER_DAYS): once per practice and quiet period, so running it twice, or a beat
    that fires twice, sends nothing new. Archived and completed practices are left alone."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(
        days=settings.LIFTOFF_STUCK_AFTER_DAYS if days is None else days
    )
    quiet = (
        annotate(Practice.objects.filter(archived_at__isnull=True), now)
        .annotate(since=Coalesce("last_activity", "created_at"))
        .filter(since__lt=cutoff, signed__lt=len(STEPS))
        .select_related("organisation")
        .order_by("pk")
    )
    sent = 0
    for practice in quiet:
        try:
            with transaction.atomic():
                StuckNotice.objects.create(practice=practice, since=practice.since)
        except IntegrityError:
            continue  # already told about this quiet period
        _send(
            f"{practice.name} has had no activity for {(now - practice.since).days} days",
            f"Nothing has happened on {practice.name}'s onboarding since "
            f"{practice.since:%d %b %Y}. Check in with the practice.",
            _people(practice, "practice_stuck"),
        )
        sent += 1
    return sent


def save_preferences(form) -> NotificationPreference:
    """A person's choices from ``NotificationPreferenceForm`` (a ModelForm of their own row)."""
    return form.save()
