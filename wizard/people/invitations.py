"""Invitations: a signed, single-use, expiring link that creates an account and its membership.

The link carries ``<invitation id>.<random nonce>.<fingerprint>`` signed with the site's secret by
``TimestampSigner``: it cannot be forged or altered, the nonce makes every link unguessable even
to someone who knows the id, and the fingerprint (email and creation time) ties it to that very
invitation row. It works once (``accepted_at``, taken under a row lock), until it expires (both
the signature's age and ``expires_at``), and not after it is revoked.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    Organisation,
    Practice,
    Role,
    Verb,
)

log = logging.getLogger(__name__)
SALT = "liftoff.invitation"

EXPIRED = "This invitation has expired. Ask the person who invited you for a new one."
TAMPERED = "This invitation link is not valid. Check that you copied all of it."
WITHDRAWN = "This invitation was withdrawn. Ask the person who invited you for a new one."
USED = "This invitation has already been used. Log in instead."


class InvitationError(Exception):
    pass


def lifetime() -> timedelta:
    return timedelta(days=settings.LIFTOFF_INVITATION_DAYS)


def _fingerprint(invitation: Invitation) -> str:
    seen = f"{invitation.pk}|{invitation.email}|{invitation.created_at.isoformat()}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def token_for(invitation: Invitation) -> str:
    nonce = secrets.token_urlsafe(12)
    payload = f"{invitation.pk}.{nonce}.{_fingerprint(invitation)}"
    return signing.TimestampSigner(salt=SALT).sign(payload)


def invite(
    *,
    organisation: Organisation,
    email: str,
    role: Role,
    actor,
    accept_url: Callable[[str], str],
    practice: Practice | None = None,
) -> Invitation:
    """Create an invitation and email its link; ``accept_url(token)`` makes the link absolute.

    Whether the address already has an account elsewhere is nobody's business but its owner's:
    the inviter gets the same answer (an invitation, pending, revocable) either way, and the owner
    gets an email saying their address already has an account instead of a sign-up link. Only
    someone already in the inviter's own organisation is refused, as the inviter can see them.
    """
    if role in PRACTICE_ROLES and practice is None:
        raise InvitationError("A practice manager or staff member joins a practice.")
    if practice is not None and practice.organisation_id != organisation.pk:
        raise InvitationError("That practice belongs to another organisation.")
    if role in TEAM_ROLES:
        practice = None
    email = email.strip().lower()
    account = get_user_model().objects.filter(username__iexact=email, is_active=True).first()
    if (
        account is not None
        and Membership.objects.filter(user=account, organisation=organisation).exists()
    ):
        raise InvitationError(f"{email} is already a member of {organisation.name}.")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            practice=practice,
            email=email,
            role=role,
            invited_by=actor,
            expires_at=timezone.now() + lifetime(),
        )
        events.record_for(
            invitation,
            Verb.MEMBER_INVITED,
            actor=actor,
            details={"email": email, "role": role, "invitation": invitation.pk},
        )
    where = practice.name if practice else organisation.name
    subject = f"You are invited to Liftoff ({where})"
    if account is None:
        message = _invitation_email(invitation, where, actor, accept_url(token_for(invitation)))
    else:
        message = _existing_account_email(invitation, where, actor)
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    except Exception as error:  # the invitation stands; the inviter is told to resend
        log.exception("could not email invitation %s", invitation.pk)
        raise InvitationError(
            f"The invitation was saved but the email could not be sent ({error})."
        ) from error
    return invitation


def _inviter(actor) -> str:
    return actor.get_full_name() or actor.get_username()


def _invitation_email(invitation: Invitation, where: str, actor, link: str) -> str:
    return (
        f"{_inviter(actor)} invited you to join {where} on Liftoff as "
        f"{Role(invitation.role).label.lower()}.\n\n"
        f"Accept within {settings.LIFTOFF_INVITATION_DAYS} days to choose your password:\n"
        f"{link}\n\n"
        "The link works once. If you did not expect it, ignore this email.\n"
    )


def _existing_account_email(invitation: Invitation, where: str, actor) -> str:
    return (
        f"{_inviter(actor)} invited you to join {where} on Liftoff as "
        f"{Role(invitation.role).label.lower()}.\n\n"
        "This email address already has a Liftoff account, and an account belongs to one "
        "organisation, so the invitation cannot be accepted with it. Reply to the person who "
        "invited you if you would like to be invited with another address.\n\n"
        "If you did not expect it, ignore this email.\n"
    )


@dataclass
class Checked:
    invitation: Invitation | None
    problem: str = ""


def check_token(token: str, now: datetime | None = None) -> Checked:
    """The invitation behind a link, or why it cannot be used, in the reader's words."""
    now = now or timezone.now()
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign(token)
        signed_at = datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[1]), tz=UTC)
        pk, _nonce, fingerprint = payload.split(".")
    except (signing.BadSignature, ValueError, IndexError):
        return Checked(None, TAMPERED)
    invitation = (
        Invitation.objects.filter(pk=int(pk)).select_related("organisation", "practice").first()
    )
    if invitation is None or not secrets.compare_digest(_fingerprint(invitation), fingerprint):
        return Checked(None, TAMPERED)
    if invitation.revoked_at is not None:
        return Checked(None, WITHDRAWN)
    if invitation.accepted_at is not None:
        return Checked(None, USED)
    if now - signed_at > lifetime() or invitation.expires_at <= now:
        return Checked(None, EXPIRED)
    return Checked(invitation)


def accept(*, token: str, first_name: str, last_name: str, password: str, now=None):
    """Create (or, for someone removed earlier, reactivate) the account and its membership.

    The invitation row is locked and checked again inside the transaction, so two submissions
    of the same link cannot both succeed.
    """
    with transaction.atomic():
        checked = check_token(token, now)
        if checked.invitation is None:
            raise InvitationError(checked.problem)
        invitation = Invitation.objects.select_for_update().get(pk=checked.invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationError(USED)
        if invitation.revoked_at is not None:
            raise InvitationError(WITHDRAWN)
        users = get_user_model().objects
        user = users.filter(username__iexact=invitation.email).first()
        if user is not None and (user.is_active or hasattr(user, "membership")):
            raise InvitationError(f"{invitation.email} already has a Liftoff account. Log in.")
        if user is None:
            user = users.create_user(username=invitation.email, email=invitation.email)
        user.first_name, user.last_name, user.is_active = first_name, last_name, True
        user.set_password(password)
        user.save()
        Membership.objects.create(
            user=user,
            organisation=invitation.organisation,
            practice=invitation.practice,
            role=invitation.role,
        )
        invitation.accepted_at = now or timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        events.record_for(
            invitation,
            Verb.MEMBER_JOINED,
            actor=user,
            details={"email": invitation.email, "role": invitation.role},
        )
    return user


def revoke(*, invitation: Invitation, actor) -> None:
    """Withdraw a pending invitation: its link stops working at once."""
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        if updated:
            events.record_for(
                invitation,
                Verb.MEMBER_REMOVED,
                actor=actor,
                details={
                    "email": invitation.email,
                    "role": invitation.role,
                    "invitation": "revoked",
                },
            )


def pending(*, organisation: Organisation, practice: Practice | None):
    return Invitation.objects.filter(
        organisation=organisation,
        practice=practice,
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")
