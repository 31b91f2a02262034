"""Connecting a practice to the fake Xero: consent, tenants, encrypted tokens, refresh with
rotation, "needs reconnecting", disconnect that revokes, and a callback from elsewhere refused."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from audits.models import Connection, ConnectionState
from audits.xero import session, tokens
from tests.wizard.connect.helpers import connect, consent
from wizard.models import AuditEvent, Verb

pytestmark = pytest.mark.django_db


def test_it_asks_for_read_scopes_only(client, manager, practice, fake_xero):
    client.force_login(manager)
    started = client.post(reverse("wizard:connect", args=[practice.pk]))
    scope = parse_qs(urlparse(started["Location"]).query)["scope"][0].split()
    assert "practicemanager.read" in scope and "accounting.contacts.read" in scope
    assert not [s for s in scope if s in {"practicemanager", "accounting.contacts"}]


def test_it_connects_both_tenants(connected, fake_xero):
    assert connected.state == ConnectionState.CONNECTED
    assert connected.xpm_tenant_id == fake_xero.xpm["tenantId"]
    assert connected.xero_tenant_id == fake_xero.org["tenantId"]


def test_it_stores_tokens_encrypted(connected, fake_xero):
    access = tokens.decrypt(connected.access_token)
    assert access in fake_xero.access
    assert access not in connected.access_token


def test_it_keeps_tokens_out_of_the_audit_trail_and_logs(
    client, manager, practice, fake_xero, caplog
):
    client.force_login(manager)
    connection = connect(client, fake_xero, practice)
    secrets = {tokens.decrypt(connection.access_token), tokens.decrypt(connection.refresh_token)}
    event = AuditEvent.objects.get(verb=Verb.CONNECTED)
    assert not [s for s in secrets if s in str(event.details)]
    assert not [s for s in secrets if s in caplog.text]


def test_it_refuses_a_callback_whose_state_this_session_did_not_issue(
    client, manager, outsider, practice, other_practice, fake_xero
):
    client.force_login(outsider)
    started = client.post(reverse("wizard:connect", args=[other_practice.pk]))
    callback = consent(fake_xero, started["Location"])
    client.force_login(manager)  # another person's session replays it
    answer = client.get(callback.replace("http://testserver", ""))
    assert answer.status_code == 400
    assert not Connection.objects.exists()


def test_it_refuses_staff(client, staff, practice, fake_xero):
    client.force_login(staff)
    assert client.post(reverse("wizard:connect", args=[practice.pk])).status_code == 403


def test_it_refreshes_and_rotates(connected, fake_xero):
    old_refresh = tokens.decrypt(connected.refresh_token)
    fresh = session.access_token(connected, force_refresh=True)
    connected.refresh_from_db()
    assert tokens.decrypt(connected.access_token) == fresh
    assert tokens.decrypt(connected.refresh_token) != old_refresh
    assert fake_xero.refresh[old_refresh] is False  # used up: the fake refuses it now


def test_it_needs_reconnecting_when_the_refresh_is_refused(connected, fake_xero):
    fake_xero.refresh.clear()  # e.g. 60 days unused
    with pytest.raises(session.NeedsReconnecting):
        session.access_token(connected, force_refresh=True)
    connected.refresh_from_db()
    assert connected.state == ConnectionState.NEEDS_RECONNECTING
    assert connected.access_token == connected.refresh_token == ""
    assert AuditEvent.objects.filter(verb=Verb.CONNECTION_LOST).exists()


def test_it_disconnects_and_revokes(client, connected, practice, fake_xero):
    client.post(reverse("wizard:disconnect", args=[practice.pk]))
    connected.refresh_from_db()
    assert connected.state == ConnectionState.DISCONNECTED
    assert connected.access_token == connected.refresh_token == ""
    assert fake_xero.connected == []
    assert AuditEvent.objects.get(verb=Verb.DISCONNECTED).details == {"revoked_at_xero": True}


def test_it_explains_the_setup_without_a_client_id(client, manager, practice, settings):
    settings.XERO_CLIENT_ID = ""
    client.force_login(manager)
    page = client.get(reverse("wizard:overview", args=[practice.pk]))
    assert b"XERO_CLIENT_ID" in page.content


def test_the_overview_lets_the_connect_form_reach_the_consent_page(
    client, manager, practice, fake_xero
):
    # Browsers hold a form's redirect to the page's form-action: 'self' alone would stop it.
    client.force_login(manager)
    overview = client.get(reverse("wizard:overview", args=[practice.pk]))
    directives = dict(
        part.strip().split(" ", 1) for part in overview["Content-Security-Policy"].split(";")
    )
    assert directives["form-action"].split() == ["'self'", fake_xero.base_url]
    step = client.get(reverse("wizard:step", args=[practice.pk, "client-names"]))
    assert fake_xero.base_url not in step["Content-Security-Policy"]
