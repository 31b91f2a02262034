"""What the connect panel shows."""

from __future__ import annotations

from audits.kinds import KINDS
from audits.models import ConnectionState
from audits.xero import oauth
from wizard.access import Action, can, connection_of
from wizard.connect.services import PULLABLE, latest_pulls
from wizard.models import Practice


def connect_context(user, practice: Practice) -> dict:
    connection = connection_of(practice)
    onboarding = practice.current_onboarding()
    pulls = latest_pulls(onboarding) if connection is not None and onboarding else {}
    return {
        "configured": oauth.configured(),
        "connection": connection,
        "can_connect": can(user, Action.CONNECT) and practice.archived_at is None,
        # What "Re-check everything" pulls again, and how the newest pull of each kind went.
        "pullable_labels": [KINDS[kind].label for kind in PULLABLE],
        "pulls": [(KINDS[kind].label, pull) for kind, pull in pulls.items()],
    }


def pull_context(practice: Practice, onboarding) -> dict:
    """What the upload area offers besides uploads: a pull per kind the connection can read,
    and the newest pull of each kind with its progress."""
    connection = connection_of(practice)
    connected = connection is not None and connection.state == ConnectionState.CONNECTED
    return {
        "pull_connected": connected and practice.archived_at is None,
        "pullable": PULLABLE,
        "pulls": latest_pulls(onboarding) if connection is not None else {},
    }
