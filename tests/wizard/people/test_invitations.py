"""Invitations: a signed, single-use, expiring link; every refusal leaves no account behind."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wizard.models import AuditEvent, Invitation, Membership, Role, Verb
from wizard.people import invitations

PASSWORD = "a-long-enough-password-42"
EMAIL = "new.pm@harbour.example"


def invite(client_for, inviter, practice, email=EMAIL, role=Role.PRACTICE_STAFF) -> str:
    response = client_for(inviter).post(
        reverse("wizard:members", args=[practice.pk]), {"email": email, "role": role}
    )
    assert response.status_code == 302, response.content.decode()
    return re.search(r"(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def accept(link, password=PASSWORD):
    return Client().post(
        link,
        {"first_name": "Nia", "last_name": "Long", "password1": password, "password2": password},
    )


def no_account() -> bool:
    return not get_user_model().objects.filter(username=EMAIL).exists()


def test_it_emails_a_link_that_creates_the_account_and_membership(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    assert mail.outbox[-1].to == [EMAIL]
    assert mail.outbox[-1].body.count("http://testserver/invitations/") == 1
    assert accept(link).status_code == 302
    membership = Membership.objects.get(user__username=EMAIL)
    assert (membership.practice, membership.role) == (practice, Role.PRACTICE_STAFF)
    assert membership.user.get_full_name() == "Nia Long"
    login = Client().post(reverse("login"), {"username": EMAIL, "password": PASSWORD})
    assert login.status_code == 302


def test_it_signs_the_new_person_in_on_accepting(practice, manager, client_for):
    client = Client()
    link = invite(client_for, manager, practice)
    response = client.post(
        link,
        {"first_name": "Nia", "last_name": "Long", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == reverse("home")
    overview = client.get(reverse("wizard:overview", args=[practice.pk]))
    assert overview.status_code == 200 and overview.wsgi_request.user.username == EMAIL


def test_it_shows_the_password_rules_before_any_attempt(practice, manager, client_for):
    page = Client().get(invite(client_for, manager, practice)).content.decode()
    assert "at least" in page and "characters" in page


def test_it_records_the_invitation_and_the_joining(practice, manager, client_for):
    accept(invite(client_for, manager, practice))
    verbs = list(AuditEvent.objects.filter(practice=practice).values_list("verb", flat=True))
    assert verbs[-2:] == [Verb.MEMBER_INVITED, Verb.MEMBER_JOINED]


def test_it_refuses_a_used_link(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    accept(link)
    response = accept(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert Membership.objects.filter(user__username=EMAIL).count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: "9999" + t[t.index(".") :],  # another invitation's id
        lambda t: t.split(":")[0] + ":" + t.split(":", 1)[1][::-1],  # the timestamp
        lambda t: "garbage",
    ],
)
def test_it_refuses_a_tampered_link(practice, manager, client_for, tamper):
    link = invite(client_for, manager, practice)
    token = link.split("/")[-2]
    response = accept(reverse("wizard:accept_invitation", args=[tamper(token)]))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()
    assert no_account()


def test_it_refuses_a_token_signed_for_another_invitation_row(practice, manager, client_for):
    """A validly signed token whose fingerprint does not match the row (e.g. ids reused)."""
    invite(client_for, manager, practice)
    invitation = Invitation.objects.get()
    forged = signing.TimestampSigner(salt=invitations.SALT).sign(f"{invitation.pk}.n.0000")
    assert invitations.check_token(forged).problem == invitations.TAMPERED


def test_it_refuses_an_expired_link(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    token = link.split("/")[-2]
    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    assert invitations.check_token(token, now=later).problem == invitations.EXPIRED
    with pytest.raises(invitations.InvitationError, match="expired"):
        invitations.accept(token=token, first_name="A", last_name="B", password=PASSWORD, now=later)
    assert no_account()


def test_it_accepts_a_link_the_day_before_it_expires(practice, manager, client_for):
    token = invite(client_for, manager, practice).split("/")[-2]
    later = timezone.now() + datetime.timedelta(days=6, hours=23)
    assert invitations.check_token(token, now=later).invitation is not None


def test_it_takes_the_lifetime_from_settings(practice, manager, client_for, settings):
    settings.LIFTOFF_INVITATION_DAYS = 2
    token = invite(client_for, manager, practice).split("/")[-2]
    later = timezone.now() + datetime.timedelta(days=3)
    assert invitations.check_token(token, now=later).problem == invitations.EXPIRED
    assert "within 2 days" in mail.outbox[-1].body


def test_it_shows_an_expired_link_page(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = accept(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert no_account()


def test_it_refuses_a_withdrawn_invitation(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    invitation = Invitation.objects.get()
    response = client_for(manager).post(reverse("wizard:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    response = accept(link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert no_account()


def test_it_applies_the_password_rules(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    for weak in ("123", "password123", EMAIL):  # short, common, and their own email
        response = accept(link, password=weak)
        assert response.status_code == 200
        assert "field-error" in response.content.decode()
    assert no_account()


def test_it_refuses_two_passwords_that_differ(practice, manager, client_for):
    link = invite(client_for, manager, practice)
    response = Client().post(
        link, {"first_name": "N", "last_name": "L", "password1": PASSWORD, "password2": "x"}
    )
    assert "The two passwords differ" in response.content.decode()
    assert no_account()


def test_it_refuses_to_invite_someone_already_in_the_organisation(
    practice, manager, staff, client_for
):
    response = client_for(manager).post(
        reverse("wizard:members", args=[practice.pk]),
        {"email": staff.username, "role": Role.PRACTICE_STAFF},
    )
    assert response.status_code == 200
    assert "already a member of" in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def _add_member_answer(client, practice, email) -> tuple[int, str, str]:
    response = client.post(
        reverse("wizard:members", args=[practice.pk]),
        {"email": email, "role": Role.PRACTICE_STAFF},
        follow=True,
    )
    page = response.content.decode().replace(email, "EMAIL")
    # The CSRF token is masked afresh on every response and the invitation's id differs.
    page = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)
    page = re.sub(r"invitations/\d+/", "invitations/ID/", page)
    listed = "pending" if Invitation.objects.filter(email=email, practice=practice) else "none"
    return response.status_code, page, listed


def test_it_answers_the_same_for_an_account_of_another_organisation(
    practice, manager, outsider, client_for
):
    client = client_for(manager)
    unknown = _add_member_answer(client, practice, "nobody.yet@harbour.example")
    Invitation.objects.all().delete()
    known = _add_member_answer(client, practice, outsider.username)
    assert known == unknown
    assert known[2] == "pending" and "Invitation sent to EMAIL" in known[1]


def test_it_tells_the_owner_of_an_existing_account_instead_of_sending_a_link(
    practice, manager, outsider, client_for
):
    client_for(manager).post(
        reverse("wizard:members", args=[practice.pk]),
        {"email": outsider.username, "role": Role.PRACTICE_STAFF},
    )
    assert mail.outbox[-1].to == [outsider.username.lower()]
    assert "already has a Liftoff account" in mail.outbox[-1].body
    assert "/invitations/" not in mail.outbox[-1].body
    outsider.refresh_from_db()
    assert outsider.membership.organisation_id != practice.organisation_id


def test_it_offers_a_practice_manager_only_practice_roles(practice, manager, client_for):
    response = client_for(manager).post(
        reverse("wizard:members", args=[practice.pk]),
        {"email": EMAIL, "role": Role.ONBOARDING_LEAD},
    )
    assert response.status_code == 200 and not Invitation.objects.exists()


def test_it_lets_the_lead_invite_team_members(lead, client_for):
    response = client_for(lead).post(
        reverse("wizard:team_members"),
        {"email": "spec2@summit.example", "role": Role.ONBOARDING_SPECIALIST},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.practice, invitation.role) == (None, Role.ONBOARDING_SPECIALIST)


def test_it_lets_only_the_lead_invite_to_the_team(specialist, manager, client_for):
    for user in (specialist, manager):
        response = client_for(user).post(
            reverse("wizard:team_members"),
            {"email": "spec2@summit.example", "role": Role.ONBOARDING_SPECIALIST},
        )
        assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_lets_someone_removed_earlier_join_again(practice, manager, staff, client_for):
    client_for(manager).post(
        reverse("wizard:member_remove", args=[staff.membership.pk]), {"confirmed": "1"}
    )
    link = invite(client_for, manager, practice, email=staff.username)
    assert accept(link).status_code == 302
    staff.refresh_from_db()
    assert staff.is_active and staff.membership.practice == practice
    assert staff.check_password(PASSWORD)
