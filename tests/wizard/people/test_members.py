"""People lists and removal: removing a member ends their access at once."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils.html import escape

from wizard.models import AuditEvent, Membership, Verb


def _remove(client, membership):
    return client.post(reverse("wizard:member_remove", args=[membership.pk]), {"confirmed": "1"})


def test_it_lists_a_practice_s_people_and_pending_invitations(
    practice, manager, staff, lead, client_for
):
    client_for(manager).post(
        reverse("wizard:members", args=[practice.pk]),
        {"email": "pending@harbour.example", "role": "practice_staff"},
    )
    body = client_for(lead).get(reverse("wizard:members", args=[practice.pk])).content.decode()
    assert escape(manager.email) in body and escape(staff.email) in body
    assert "pending@harbour.example" in body and "Withdraw" in body


def test_it_lists_the_team_without_practice_people(lead, specialist, manager, client_for):
    body = client_for(lead).get(reverse("wizard:team_members")).content.decode()
    assert specialist.email in body and manager.email not in body


def test_it_ends_access_at_once_when_a_member_is_removed(practice, manager, staff, client_for):
    staff_client = client_for(staff)
    overview = reverse("wizard:overview", args=[practice.pk])
    assert staff_client.get(overview).status_code == 200
    assert _remove(client_for(manager), staff.membership).status_code == 302
    response = staff_client.get(overview)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Membership.objects.filter(user=staff).exists()
    staff.refresh_from_db()
    assert not staff.is_active and not staff.has_usable_password()


def test_it_ends_every_session_of_the_removed_member(practice, lead, specialist, client_for):
    sessions = [client_for(specialist) for _ in range(2)]
    assert Session.objects.count() == 2
    _remove(client_for(lead), specialist.membership)
    for client in sessions:
        assert client.get(reverse("wizard:practice_list")).status_code == 302


def test_it_drops_the_removed_member_from_assignments(practice, lead, specialist, client_for):
    practice.assignees.set([specialist])
    _remove(client_for(lead), specialist.membership)
    assert not practice.assignees.exists()


def test_it_records_the_removal(practice, manager, staff, client_for):
    _remove(client_for(manager), staff.membership)
    event = AuditEvent.objects.filter(verb=Verb.MEMBER_REMOVED).get()
    assert (event.practice, event.details["email"]) == (practice, staff.email)


def test_it_lets_a_practice_manager_remove_only_their_practice_s_people(
    organisation, practice, manager, specialist, client_for
):
    from tests.conftest import make_user
    from wizard.models import Role
    from wizard.practices.services import create_practice

    sibling = create_practice(organisation=organisation, name="Sibling & Co")
    theirs = make_user("staff@sibling.example", Role.PRACTICE_STAFF, organisation, sibling)
    client = client_for(manager)
    assert _remove(client, theirs.membership).status_code == 404
    assert _remove(client, specialist.membership).status_code == 404
    assert Membership.objects.filter(user__in=[theirs, specialist]).count() == 2


def test_it_refuses_removal_to_staff_and_specialists(
    practice, manager, staff, specialist, client_for
):
    assert _remove(client_for(staff), manager.membership).status_code == 403
    assert _remove(client_for(specialist), staff.membership).status_code == 403
    assert Membership.objects.filter(user__in=[manager, staff]).count() == 2


def test_it_does_not_let_a_lead_remove_themselves(lead, client_for):
    assert _remove(client_for(lead), lead.membership).status_code == 403
    lead.refresh_from_db()
    assert lead.is_active


def test_it_hides_another_organisation_s_member(outsider, lead, client_for):
    assert _remove(client_for(lead), outsider.membership).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


def test_the_team_invitation_form_offers_specialist_first(lead, client_for):
    body = client_for(lead).get(reverse("wizard:team_members")).content.decode()
    assert '<option value="specialist" selected>Onboarding specialist</option>' in body


def test_it_asks_before_removing_a_member(practice, manager, staff, client_for):
    response = client_for(manager).post(reverse("wizard:member_remove", args=[staff.membership.pk]))
    assert response.status_code == 200
    assert "logged out at once" in response.content.decode()
    assert Membership.objects.filter(user=staff).exists()
