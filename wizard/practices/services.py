"""A practice's life: created with its first onboarding, settings and assignees, archived or
restored, and fresh onboardings (earlier ones keep all their data). Each change records an audit
event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from wizard import events
from wizard.checklist import STEPS
from wizard.models import Onboarding, Organisation, Practice, StepProgress, Verb


def _names(users: Iterable) -> list[str]:
    return sorted(u.get_username() for u in users)


def create_practice(
    *,
    organisation: Organisation,
    name: str,
    actor=None,
    target_go_live: date | None = None,
    date_order: str | None = None,
    country: str | None = None,
    assignees: Iterable = (),
) -> Practice:
    """A new practice with its first onboarding (all 15 steps not started)."""
    fields = {"target_go_live": target_go_live}
    if date_order:
        fields["date_order"] = date_order
    if country:
        fields["country"] = country
    assignees = list(assignees)
    with transaction.atomic():
        practice = Practice.objects.create(organisation=organisation, name=name, **fields)
        events.record_for(practice, Verb.PRACTICE_CREATED, actor=actor, details={"name": name})
        start_onboarding(practice=practice, actor=actor)
        if assignees:
            practice.assignees.set(assignees)
            events.record_for(
                practice,
                Verb.PRACTICE_UPDATED,
                actor=actor,
                details={"assignees": _names(assignees)},
            )
    return practice


def start_onboarding(*, practice: Practice, actor=None, label: str = "") -> Onboarding:
    """A new pass through the checklist; it becomes the practice's current onboarding."""
    with transaction.atomic():
        onboarding = Onboarding.objects.create(
            practice=practice,
            label=label or f"Onboarding {date.today():%Y}",
            started_by=actor if actor is not None and actor.is_authenticated else None,
        )
        StepProgress.objects.bulk_create(
            StepProgress(onboarding=onboarding, step_key=s.key, number=s.number) for s in STEPS
        )
        events.record_for(
            onboarding, Verb.ONBOARDING_STARTED, actor=actor, details={"label": onboarding.label}
        )
    return onboarding


def update_practice(*, practice: Practice, actor, assignees: Iterable | None = None, **fields):
    """Save what changed (name, target date, date order, country, assignees) and say so in one
    event."""
    changed = {k: v for k, v in fields.items() if getattr(practice, k) != v}
    with transaction.atomic():
        for key, value in changed.items():
            setattr(practice, key, value)
        if changed:
            practice.save(update_fields=list(changed))
        details = {k: "" if v is None else str(v) for k, v in changed.items()}
        if assignees is not None:
            assignees = list(assignees)
            if {u.pk for u in assignees} != set(practice.assignees.values_list("pk", flat=True)):
                practice.assignees.set(assignees)
                details["assignees"] = _names(assignees)
        if details:
            events.record_for(practice, Verb.PRACTICE_UPDATED, actor=actor, details=details)
    return practice


def set_archived(*, practice: Practice, actor, archived: bool) -> Practice:
    """Archive (kept, with all its data, and hidden from the dashboard by default) or restore."""
    if (practice.archived_at is not None) == archived:
        return practice
    with transaction.atomic():
        practice.archived_at = timezone.now() if archived else None
        practice.save(update_fields=["archived_at"])
        verb = Verb.PRACTICE_ARCHIVED if archived else Verb.PRACTICE_UPDATED
        events.record_for(practice, verb, actor=actor, details={"archived": archived})
    return practice


def fresh_onboarding_problem(practice: Practice, label: str) -> str:
    """Why ``label`` cannot name a fresh onboarding of ``practice`` ("" when it can)."""
    if not label:
        return "Give the fresh onboarding a name, e.g. “Re-check 2027”."
    if practice.onboardings.filter(label__iexact=label).exists():
        return f"{practice.name} already has an onboarding called “{label}”: choose another name."
    return ""


def start_fresh_onboarding(*, practice: Practice, actor, label: str) -> Onboarding:
    """A new pass through the checklist; earlier onboardings keep all their data. The name is
    required and unique within the practice, so the reports of each stay apart."""
    label = " ".join(label.split())[:100]
    problem = fresh_onboarding_problem(practice, label)
    if problem:
        raise ValueError(problem)
    return start_onboarding(practice=practice, actor=actor, label=label)
