"""Whoever acted in the audit trail is deactivated, never deleted: the history reads the same."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.urls import reverse

from wizard import audit_chain, events
from wizard.models import AuditEvent, Verb


@pytest.fixture
def acted(practice, manager) -> AuditEvent:
    return events.record(
        organisation=practice.organisation,
        practice=practice,
        verb=Verb.PRACTICE_UPDATED,
        actor=manager,
    )


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    return client


def test_it_refuses_to_delete_a_user_who_acted(acted, manager):
    with pytest.raises(ProtectedError):
        manager.delete()
    event = AuditEvent.objects.get(pk=acted.pk)
    assert event.actor_id == manager.pk and event.actor_label == acted.actor_label
    assert audit_chain.verify(acted.organisation).problem is None


def test_the_admin_offers_no_delete_for_a_user_who_acted(acted, manager, admin_client):
    url = reverse("admin:auth_user_delete", args=[manager.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(pk=manager.pk).exists()


def test_the_admin_bulk_delete_leaves_a_user_who_acted(acted, manager, admin_client):
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [manager.pk], "post": "yes"},
    )
    assert get_user_model().objects.filter(pk=manager.pk).exists()
    assert audit_chain.verify(acted.organisation).problem is None


def test_the_admin_deactivates_instead(acted, manager, admin_client):
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [manager.pk]},
    )
    manager.refresh_from_db()
    assert manager.is_active is False
    assert AuditEvent.objects.get(pk=acted.pk).actor_id == manager.pk
    assert audit_chain.verify(acted.organisation).problem is None


def test_the_admin_still_deletes_a_user_who_never_acted(admin_client, db):
    idle = get_user_model().objects.create_user("idle@example.com")
    url = reverse("admin:auth_user_delete", args=[idle.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not get_user_model().objects.filter(pk=idle.pk).exists()
