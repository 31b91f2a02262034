"""What the connect panel shows."""

from __future__ import annotations

from django.utils import timezone

from audits.models import ConnectionState
from audits.xero import oauth
from audits.xero.sources import default_window
from wizard.access import Action, can, connection_of
from wizard.connect.services import PULLABLE, WINDOWED, latest_pulls
from wizard.models import Practice


def connect_context(user, practice: Practice) -> dict:
    return {
        "configured": oauth.configured(),
        "connection": connection_of(practice),
        "can_connect": can(user, Action.CONNECT) and practice.archived_at is None,
    }


def pull_context(practice: Practice, onboarding) -> dict:
    """What the upload area offers besides uploads: a pull per kind the connection can read
    (with the default date window of a kind read over dates), and the newest pull of each kind
    with its progress."""
    connection = connection_of(practice)
    connected = connection is not None and connection.state == ConnectionState.CONNECTED
    window = default_window(timezone.localdate())
    return {
        "pull_connected": connected and practice.archived_at is None,
        "pullable": PULLABLE,
        "pull_windows": {kind: window for kind in WINDOWED},
        "pulls": latest_pulls(onboarding) if connection is not None else {},
    }
