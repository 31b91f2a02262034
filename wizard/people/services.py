"""The people of an organisation: removing a member (invitations are in ``invitations.py``).

Removing a member ends their access at once: the membership goes (so every scoped query 404s),
the account is deactivated and its password made unusable, which changes the session hash Django
checks on every request, so each of their open sessions is logged out on its next request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from wizard import events
from wizard.models import Membership, Practice, Verb


def remove_member(*, membership: Membership, actor) -> None:
    user = membership.user
    with transaction.atomic():
        events.record_for(
            membership,
            Verb.MEMBER_REMOVED,
            actor=actor,
            details={"email": user.email or user.get_username(), "role": membership.role},
        )
        Practice.assignees.through.objects.filter(user_id=user.pk).delete()
        membership.delete()
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
