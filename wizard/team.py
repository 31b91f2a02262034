"""Managing practices and people: create, settings and assignees, archive, fresh onboardings,
and removing a member. Each change records an audit event.

Removing a member ends their access at once: the membership goes (so every scoped query 404s),
the account is deactivated and its password made unusable, which changes the session hash Django
checks on every request, so each of their open sessions is logged out on its next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from wizard import events, services
from wizard.models import Membership, Onboarding, Organisation, Practice, Verb


def _names(users: Iterable) -> list[str]:
    return sorted(u.get_username() for u in users)


def create_practice(
    *,
    organisation: Organisation,
    actor,
    name: str,
    target_go_live: date | None = None,
    date_order: str | None = None,
    assignees: Iterable = (),
) -> Practice:
    fields = {"target_go_live": target_go_live}
    if date_order:
        fields["date_order"] = date_order
    assignees = list(assignees)
    with transaction.atomic():
        practice = services.create_practice(
            organisation=organisation, name=name, actor=actor, **fields
        )
        if assignees:
            practice.assignees.set(assignees)
            events.record(
                organisation=organisation,
                practice=practice,
                verb=Verb.PRACTICE_UPDATED,
                actor=actor,
                details={"assignees": _names(assignees)},
            )
    return practice


def update_practice(*, practice: Practice, actor, assignees: Iterable | None = None, **fields):
    """Save what changed (name, target date, date order, assignees) and say so in one event."""
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
            events.record(
                organisation=practice.organisation,
                practice=practice,
                verb=Verb.PRACTICE_UPDATED,
                actor=actor,
                details=details,
            )
    return practice


def set_archived(*, practice: Practice, actor, archived: bool) -> Practice:
    """Archive (kept, with all its data, and hidden from the dashboard by default) or restore."""
    if (practice.archived_at is not None) == archived:
        return practice
    with transaction.atomic():
        practice.archived_at = timezone.now() if archived else None
        practice.save(update_fields=["archived_at"])
        events.record(
            organisation=practice.organisation,
            practice=practice,
            verb=Verb.PRACTICE_ARCHIVED if archived else Verb.PRACTICE_UPDATED,
            actor=actor,
            details={"archived": archived},
        )
    return practice


def start_fresh_onboarding(*, practice: Practice, actor, label: str = "") -> Onboarding:
    """A new pass through the checklist; earlier onboardings keep all their data."""
    return services.start_onboarding(practice=practice, actor=actor, label=label.strip()[:100])


def remove_member(*, membership: Membership, actor) -> None:
    user = membership.user
    with transaction.atomic():
        events.record(
            organisation=membership.organisation,
            practice=membership.practice,
            verb=Verb.MEMBER_REMOVED,
            actor=actor,
            details={"email": user.email or user.get_username(), "role": membership.role},
        )
        Practice.assignees.through.objects.filter(user_id=user.pk).delete()
        membership.delete()
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
