"""What the connect panel shows, and the one widening of the page's policy it needs."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from audits.kinds import KINDS
from audits.models import ConnectionState
from audits.xero import oauth
from audits.xero.sources import default_window
from wizard.access import Action, can, connection_of
from wizard.connect.services import PULLABLE, WINDOWED, latest_pulls
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
        "pull_calls_left": connection.calls_left_today() if connected else None,
    }


def allow_consent_redirect(response: HttpResponse) -> HttpResponse:
    """Let the Connect form lead to Xero's consent page. Browsers hold a form's redirects to the
    submitting page's CSP ``form-action`` ('self' only), so the page with the panel also allows
    the login origin (XERO_LOGIN_URL), and only that page."""
    login = urlsplit(settings.XERO_LOGIN_URL)
    if login.scheme in ("http", "https") and login.netloc:
        response._csp_update = {"form-action": [f"{login.scheme}://{login.netloc}"]}
    return response
