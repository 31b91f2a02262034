"""A practice's stored connection: saving a token set encrypted, a valid access token (refreshed
before expiry, the rotated refresh token saved at once), "needs reconnecting" when the refresh is
refused, and emptying it on disconnect. The product records the audit events
(``audits.signals.connection_lost`` when a refresh is refused)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audits.models import Connection, ConnectionState
from audits.signals import connection_lost
from audits.xero import oauth, tokens

logger = logging.getLogger(__name__)

# Refresh this long before the access token's expiry, so a call never goes out with a dying one.
MARGIN = timedelta(minutes=2)


class NeedsReconnecting(Exception):
    """The connection cannot be used until a person connects again."""


def save_tokens(connection: Connection, token: dict) -> None:
    """Store a token set (encrypted) on the connection (not saved)."""
    connection.access_token = tokens.encrypt(token["access_token"])
    connection.refresh_token = tokens.encrypt(token.get("refresh_token", ""))
    connection.expires_at = timezone.now() + timedelta(seconds=int(token["expires_in"]))
    connection.scopes = token.get("scope", "")[:500]


def access_token(connection: Connection, *, force_refresh: bool = False) -> str:
    """A valid access token: the stored one, or a refreshed one (rotation saved)."""
    if connection.state != ConnectionState.CONNECTED:
        raise NeedsReconnecting(connection.get_state_display())
    fresh = connection.expires_at and connection.expires_at - MARGIN > timezone.now()
    if fresh and not force_refresh:
        return tokens.decrypt(connection.access_token)
    return _refresh(connection)


def _refresh(connection: Connection) -> str:
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.access_token != connection.access_token:  # another worker refreshed first
            _copy(locked, connection)
            return tokens.decrypt(connection.access_token)
        try:
            token = oauth.refresh(tokens.decrypt(locked.refresh_token))
        except oauth.Refused as refused:
            reason = str(refused)
            logger.warning("Refresh refused for practice %s: %s", locked.practice_id, reason)
            locked.state = ConnectionState.NEEDS_RECONNECTING
            locked.access_token = locked.refresh_token = ""
            locked.save()
            connection_lost.send(Connection, connection=locked, reason=reason)
            token = None
        else:
            save_tokens(locked, token)
            locked.save()
        _copy(locked, connection)
    if token is None:  # raised after the commit, so "needs reconnecting" stays recorded
        raise NeedsReconnecting(reason)
    return token["access_token"]


def _copy(source: Connection, target: Connection) -> None:
    for name in ("state", "access_token", "refresh_token", "expires_at", "scopes"):
        setattr(target, name, getattr(source, name))


def forget(connection: Connection) -> None:
    """Empty the stored tokens and tenants and mark it disconnected (saved)."""
    connection.state = ConnectionState.DISCONNECTED
    connection.access_token = connection.refresh_token = connection.scopes = ""
    connection.expires_at = None
    connection.xpm_tenant_id = connection.xpm_connection_id = connection.xpm_tenant_name = ""
    connection.xero_tenant_id = connection.xero_connection_id = connection.xero_tenant_name = ""
    connection.save()
