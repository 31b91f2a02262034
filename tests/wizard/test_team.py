import datetime
import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wizard.models import AuditEvent, Invitation, Membership, Role, Verb

PASSWORD = "a-long-enough-password-42"


def _invite(client_for, manager, practice, email="new.pm@harbour.example"):
    response = client_for(manager).post(
        reverse("wizard:members", args=[practice.pk]),
        {"email": email, "role": Role.PRACTICE_STAFF},
    )
    assert response.status_code == 302
    return re.search(r"(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def _accept(link, password=PASSWORD):
    return Client().post(
        link,
        {"first_name": "Nia", "last_name": "Long", "password1": password, "password2": password},
    )


def test_it_emails_a_link_that_creates_the_account(practice, manager, client_for):
    link = _invite(client_for, manager, practice)
    assert mail.outbox[-1].to == ["new.pm@harbour.example"]
    assert _accept(link).status_code == 302
    membership = Membership.objects.get(user__username="new.pm@harbour.example")
    assert (membership.practice, membership.role) == (practice, Role.PRACTICE_STAFF)
    assert AuditEvent.objects.filter(verb=Verb.MEMBER_JOINED).count() == 1
    login = Client().post(
        reverse("login"), {"username": "new.pm@harbour.example", "password": PASSWORD}
    )
    assert login.status_code == 302


def test_it_refuses_a_used_link(practice, manager, client_for):
    link = _invite(client_for, manager, practice)
    _accept(link)
    response = _accept(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_it_refuses_a_tampered_link(practice, manager, client_for):
    link = _invite(client_for, manager, practice)
    response = Client().get(link.replace(":", ":x", 1))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_it_refuses_an_expired_link(practice, manager, client_for):
    link = _invite(client_for, manager, practice)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = _accept(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Membership.objects.filter(user__username="new.pm@harbour.example").exists()


def test_it_applies_the_password_rules(practice, manager, client_for):
    link = _invite(client_for, manager, practice)
    response = _accept(link, password="123")
    assert "This password is too short" in response.content.decode()
    assert not Membership.objects.filter(user__username="new.pm@harbour.example").exists()


def test_it_ends_access_at_once_when_a_member_is_removed(practice, manager, staff, client_for):
    staff_client = client_for(staff)
    assert staff_client.get(reverse("wizard:overview", args=[practice.pk])).status_code == 200
    client_for(manager).post(reverse("wizard:member_remove", args=[staff.membership.pk]))
    response = staff_client.get(reverse("wizard:overview", args=[practice.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    staff.refresh_from_db()
    assert not staff.is_active


def test_it_lets_the_lead_create_archive_and_restart_a_practice(organisation, lead, client_for):
    client = client_for(lead)
    response = client.post(
        reverse("wizard:practice_new"),
        {"name": "Kestrel Tax", "date_order": "dmy", "target_go_live": "2027-03-01"},
    )
    practice = organisation.practices.get(name="Kestrel Tax")
    assert response["Location"] == reverse("wizard:overview", args=[practice.pk])
    assert practice.target_go_live == datetime.date(2027, 3, 1)
    client.post(reverse("wizard:practice_archive", args=[practice.pk]), {"archived": "1"})
    practice.refresh_from_db()
    assert practice.archived_at is not None
    first = practice.current_onboarding()
    client.post(reverse("wizard:onboarding_new", args=[practice.pk]), {"label": "Re-check 2027"})
    assert practice.onboardings.count() == 2
    assert practice.current_onboarding().label == "Re-check 2027" and first.steps.count() == 15


def test_it_lets_the_lead_invite_team_members(lead, client_for):
    client_for(lead).post(
        reverse("wizard:team_members"),
        {"email": "spec2@summit.example", "role": Role.ONBOARDING_SPECIALIST},
    )
    invitation = Invitation.objects.get()
    assert (invitation.practice, invitation.role) == (None, Role.ONBOARDING_SPECIALIST)
