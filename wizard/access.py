"""Every query that reaches practice data goes through here. Another tenant's object is a 404,
never a 403 that would confirm it exists; a 403 is only for a role lacking a permission inside
its own tenant."""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from wizard.models import Membership, Practice, Role


class Action(StrEnum):
    VIEW = "view"
    ATTEST = "attest"
    UPLOAD = "upload"
    WAIVE = "waive"
    ACKNOWLEDGE = "acknowledge"
    SIGN = "sign"
    COUNTERSIGN = "countersign"
    MANAGE_PRACTICE = "manage_practice"
    INVITE = "invite"


_ALLOWED: dict[Action, frozenset[str]] = {
    Action.VIEW: frozenset(Role.values),
    Action.ATTEST: frozenset(Role.values),
    Action.UPLOAD: frozenset(Role.values),
    Action.ACKNOWLEDGE: frozenset(Role.values),
    Action.WAIVE: frozenset({Role.PRACTICE_MANAGER, Role.ONBOARDING_LEAD}),
    Action.SIGN: frozenset({Role.PRACTICE_MANAGER}),
    Action.COUNTERSIGN: frozenset({Role.ONBOARDING_LEAD}),
    Action.MANAGE_PRACTICE: frozenset({Role.ONBOARDING_LEAD}),
    Action.INVITE: frozenset({Role.ONBOARDING_LEAD, Role.PRACTICE_MANAGER}),
}


def membership_of(user) -> Membership:
    """The user's membership; a signed-in user without one can see nothing (404 everywhere)."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None:
        raise Http404("No organisation.")
    return membership


def practices_for(user) -> QuerySet[Practice]:
    membership = membership_of(user)
    practices = Practice.objects.filter(organisation_id=membership.organisation_id)
    if not membership.is_team:
        practices = practices.filter(pk=membership.practice_id)
    return practices


def get_practice_for_user(user, pk: int, action: Action = Action.VIEW) -> Practice:
    """The practice if the user may reach it (else 404), and may do ``action`` on it (else 403)."""
    try:
        practice = practices_for(user).select_related("organisation").get(pk=pk)
    except Practice.DoesNotExist:
        raise Http404("No such practice.") from None
    require(user, action)
    return practice


def can(user, action: Action) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in _ALLOWED[action]


def require(user, action: Action) -> None:
    if not can(user, action):
        raise PermissionDenied(f"Your role cannot {action.value.replace('_', ' ')}.")
