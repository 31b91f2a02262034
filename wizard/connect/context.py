"""What the connect panel shows."""

from __future__ import annotations

from audits.xero import oauth
from wizard.access import Action, can, connection_of
from wizard.models import Practice


def connect_context(user, practice: Practice) -> dict:
    return {
        "configured": oauth.configured(),
        "connection": connection_of(practice),
        "can_connect": can(user, Action.CONNECT) and practice.archived_at is None,
    }
