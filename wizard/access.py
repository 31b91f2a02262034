"""Every query that reaches tenant data goes through here: one helper per tenant-scoped model
(practice, onboarding, upload, run, finding, member, invitation), each returning the object or
raising 404. Another tenant's object is a 404, never a 403 that would confirm it exists; a 403 is
only for a role lacking a permission inside its own tenant."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from audits.models import Connection, Finding, Upload, ValidationRun
from wizard.checklist import get_step
from wizard.models import (
    TEAM_ROLES,
    Invitation,
    Membership,
    Onboarding,
    Organisation,
    Practice,
    Role,
    SignOff,
    StepProgress,
)


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
    CONNECT = "connect"
    PROPOSE_FIX = "propose_fix"
    APPROVE_FIX = "approve_fix"


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
    Action.CONNECT: frozenset({Role.ONBOARDING_LEAD, Role.PRACTICE_MANAGER}),
    Action.PROPOSE_FIX: frozenset(Role.values),
    # Sending a change into the practice's own XPM and Xero: its practice manager approves.
    Action.APPROVE_FIX: frozenset({Role.PRACTICE_MANAGER}),
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


# What changes an onboarding; an archived practice is read-only until a lead restores it.
WRITES = frozenset(
    {
        Action.ATTEST,
        Action.UPLOAD,
        Action.WAIVE,
        Action.ACKNOWLEDGE,
        Action.SIGN,
        Action.COUNTERSIGN,
        Action.INVITE,
        Action.CONNECT,
        Action.PROPOSE_FIX,
        Action.APPROVE_FIX,
    }
)
ARCHIVED = "{name} is archived, so it is read-only. An onboarding lead can restore it in its admin."


def get_practice_for_user(user, pk: int, action: Action = Action.VIEW) -> Practice:
    """The practice if the user may reach it (else 404), and may do ``action`` on it (else 403,
    also for a change to an archived practice)."""
    try:
        practice = practices_for(user).select_related("organisation").get(pk=pk)
    except Practice.DoesNotExist:
        raise Http404("No such practice.") from None
    require(user, action)
    if action in WRITES and practice.archived_at is not None:
        raise PermissionDenied(ARCHIVED.format(name=practice.name))
    return practice


def can(user, action: Action) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in _ALLOWED[action]


# What each action is, in the words of the refusal page ("Practice staff cannot …").
_DOING = {
    Action.VIEW: "see this practice",
    Action.ATTEST: "confirm settings",
    Action.UPLOAD: "upload exports",
    Action.WAIVE: "waive errors: ask your practice manager or onboarding lead",
    Action.ACKNOWLEDGE: "acknowledge warnings",
    Action.SIGN: "sign off steps: your practice manager does",
    Action.COUNTERSIGN: "countersign: the onboarding lead does",
    Action.MANAGE_PRACTICE: "manage practices: an onboarding lead does",
    Action.INVITE: "invite people: an onboarding lead or the practice manager does",
    Action.CONNECT: "connect XPM and Xero: the practice manager or an onboarding lead does",
    Action.PROPOSE_FIX: "propose fixes",
    Action.APPROVE_FIX: "approve or send fixes: the practice manager does",
}


def require(user, action: Action) -> None:
    if not can(user, action):
        membership = getattr(user, "membership", None)
        who = membership.get_role_display() if membership else "Your account"
        raise PermissionDenied(f"{who} cannot {_DOING[action]}.")


def practices_of_organisation(membership: Membership) -> QuerySet[Practice]:
    """Every practice of the member's organisation (the team's dashboard)."""
    return Practice.objects.filter(organisation_id=membership.organisation_id)


def current_onboarding(practice: Practice) -> Onboarding:
    """The practice's onboarding in progress. Every practice is created with one
    (``practices.services.create_practice``); one without is a 404, never created on a GET."""
    onboarding = practice.current_onboarding()
    if onboarding is None:
        raise Http404("This practice has no onboarding.")
    return onboarding


def get_progress(onboarding: Onboarding, key: str) -> StepProgress:
    """The step's progress in this onboarding (404 for an unknown step key)."""
    return onboarding.steps.get(step_key=get_step(key).key)


def get_onboarding_of(practice: Practice, pk: int) -> Onboarding:
    """One of this practice's onboardings, current or earlier (its report stays available)."""
    onboarding = practice.onboardings.filter(pk=pk).first()
    if onboarding is None:
        raise Http404("No such onboarding.")
    return onboarding


def get_upload(practice: Practice, onboarding: Onboarding, pk: int) -> Upload:
    upload = (
        Upload.objects.filter(pk=pk, practice=practice, onboarding=onboarding)
        .select_related("stored_file")
        .first()
    )
    if upload is None:
        raise Http404("No such upload.")
    return upload


def get_run(practice: Practice, pk: int) -> ValidationRun:
    run = (
        ValidationRun.objects.filter(practice=practice, pk=pk).select_related("onboarding").first()
    )
    if run is None:
        raise Http404("No such check.")
    return run


def get_finding(practice: Practice, pk: int) -> Finding:
    finding = (
        Finding.objects.filter(pk=pk, run__practice=practice)
        .select_related("run__onboarding")
        .first()
    )
    if finding is None:
        raise Http404("No such finding.")
    return finding


def get_sign_off(progress: StepProgress, pk: int) -> SignOff:
    """A sign-off of this step (current or in its history)."""
    record = SignOff.objects.filter(pk=pk, progress=progress).first()
    if record is None:
        raise Http404("No such sign-off.")
    return record


def _sees_people_of(mine: Membership, practice_id: int | None) -> bool:
    """The team sees everyone of its organisation; practice people, their own practice's."""
    return mine.is_team or practice_id == mine.practice_id


def may_manage_people(user, practice_id: int | None) -> bool:
    """A lead manages everyone of the organisation; a practice manager, their practice's people."""
    mine = membership_of(user)
    if mine.is_lead:
        return True
    return mine.role == Role.PRACTICE_MANAGER and practice_id == mine.practice_id


def get_member_for_user(user, pk: int) -> Membership:
    mine = membership_of(user)
    target = (
        Membership.objects.select_related("user", "organisation", "practice")
        .filter(pk=pk, organisation_id=mine.organisation_id)
        .first()
    )
    if target is None or not _sees_people_of(mine, target.practice_id):
        raise Http404("No such member.")
    return target


def get_invitation_for_user(user, pk: int) -> Invitation:
    mine = membership_of(user)
    invitation = (
        Invitation.objects.select_related("organisation", "practice")
        .filter(pk=pk, organisation_id=mine.organisation_id)
        .first()
    )
    if invitation is None or not _sees_people_of(mine, invitation.practice_id):
        raise Http404("No such invitation.")
    return invitation


def team_of(organisation: Organisation):
    """The organisation's onboarding team (leads and specialists) who can still log in."""
    return (
        get_user_model()
        .objects.filter(
            membership__organisation=organisation,
            membership__role__in=[r.value for r in TEAM_ROLES],
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
    )


def connection_of(practice: Practice) -> Connection | None:
    """The practice's XPM and Xero connection, if it was ever connected."""
    return Connection.objects.filter(practice=practice).first()
