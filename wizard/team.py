"""Managing practices and people: settings, archive, fresh onboardings, invitations, removal.

An invitation link carries the invitation's id signed with the site's secret (``TimestampSigner``),
so it cannot be forged or altered; it works once (``accepted_at``), until it expires, and not after
it is revoked. Removing a member deactivates the account, which ends their sessions at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from wizard import events
from wizard.models import (
    PRACTICE_ROLES,
    TEAM_ROLES,
    Invitation,
    Membership,
    Practice,
    Role,
    Verb,
)

SALT = "liftoff.invitation"


def invitation_days() -> int:
    return getattr(settings, "LIFTOFF_INVITATION_DAYS", 7)


def update_practice(*, practice: Practice, actor, **fields) -> Practice:
    assignees = fields.pop("assignees", None)
    changed = {k: v for k, v in fields.items() if getattr(practice, k) != v}
    for key, value in changed.items():
        setattr(practice, key, value)
    with transaction.atomic():
        practice.save()
        if assignees is not None:
            practice.assignees.set(assignees)
            changed["assignees"] = sorted(u.get_username() for u in assignees)
        events.record(
            organisation=practice.organisation,
            practice=practice,
            verb=Verb.PRACTICE_UPDATED,
            actor=actor,
            details={k: str(v) for k, v in changed.items()},
        )
    return practice


def set_archived(*, practice: Practice, actor, archived: bool) -> Practice:
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


class InvitationError(Exception):
    pass


def invite(
    *, organisation, email: str, role: Role, actor, practice: Practice | None = None, accept_url
) -> Invitation:
    """Create an invitation and email its link. ``accept_url(token)`` builds the absolute link."""
    if role in PRACTICE_ROLES and practice is None:
        raise InvitationError("A practice manager or staff member joins a practice.")
    if role in TEAM_ROLES:
        practice = None
    email = email.strip().lower()
    if get_user_model().objects.filter(username__iexact=email, is_active=True).exists():
        raise InvitationError(f"{email} already has a Liftoff account.")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            practice=practice,
            email=email,
            role=role,
            invited_by=actor,
            expires_at=timezone.now() + timezone.timedelta(days=invitation_days()),
        )
        events.record(
            organisation=organisation,
            practice=practice,
            verb=Verb.MEMBER_INVITED,
            actor=actor,
            details={"email": email, "role": role},
        )
    where = practice.name if practice else organisation.name
    link = accept_url(token_for(invitation))
    send_mail(
        subject=f"You are invited to Liftoff ({where})",
        message=(
            f"{events._actor_label(actor)} invited you to join {where} on Liftoff as "
            f"{Role(role).label.lower()}.\n\nAccept within {invitation_days()} days:\n{link}\n"
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation


def token_for(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(invitation.pk))


@dataclass
class Checked:
    invitation: Invitation | None
    problem: str = ""


def check_token(token: str) -> Checked:
    """The invitation behind a link, or why it cannot be used, in the reader's words."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=timezone.timedelta(days=invitation_days())
        )
    except signing.SignatureExpired:
        return Checked(None, "This invitation has expired. Ask for a new one.")
    except signing.BadSignature:
        return Checked(None, "This invitation link is not valid. Check you copied all of it.")
    invitation = Invitation.objects.filter(pk=pk).select_related("organisation", "practice").first()
    if invitation is None or invitation.revoked_at is not None:
        return Checked(None, "This invitation was withdrawn.")
    if invitation.accepted_at is not None:
        return Checked(None, "This invitation has already been used. Log in instead.")
    if invitation.expires_at < timezone.now():
        return Checked(None, "This invitation has expired. Ask for a new one.")
    return Checked(invitation)


def accept(*, token: str, first_name: str, last_name: str, password: str):
    """Create the account and membership; the same link cannot be used twice."""
    with transaction.atomic():
        checked = check_token(token)
        if checked.invitation is None:
            raise InvitationError(checked.problem)
        invitation = Invitation.objects.select_for_update().get(pk=checked.invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationError("This invitation has already been used. Log in instead.")
        user = get_user_model().objects.create_user(
            username=invitation.email,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        Membership.objects.create(
            user=user,
            organisation=invitation.organisation,
            practice=invitation.practice,
            role=invitation.role,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        events.record(
            organisation=invitation.organisation,
            practice=invitation.practice,
            verb=Verb.MEMBER_JOINED,
            actor=user,
            details={"email": invitation.email, "role": invitation.role},
        )
    return user


def remove_member(*, membership: Membership, actor) -> None:
    """Access ends at once: the account is deactivated (its sessions stop working) and the
    membership removed, so every scoped query 404s."""
    user = membership.user
    with transaction.atomic():
        events.record(
            organisation=membership.organisation,
            practice=membership.practice,
            verb=Verb.MEMBER_REMOVED,
            actor=actor,
            details={"email": user.email or user.get_username(), "role": membership.role},
        )
        membership.delete()
        user.is_active = False
        user.save(update_fields=["is_active"])
