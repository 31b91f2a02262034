"""Connecting a practice to XPM and Xero and disconnecting it (docs/connect.md): the OAuth
``state`` bound to the person's session and the practice, the tenants from ``/connections``,
tokens stored encrypted (audits.xero.session), and an audit event for each change that never
carries a token."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import httpx2
from django.db import transaction
from django.utils import timezone

from audits.kinds import KINDS
from audits.models import Connection, ConnectionState, Pull, PullStatus
from audits.xero import oauth, pulling
from audits.xero.session import NeedsReconnecting, access_token, forget, save_tokens
from audits.xero.sources import SOURCES
from audits.xero.tasks import pull as pull_task
from wizard import events
from wizard.checklist import STEPS
from wizard.models import Practice, Verb

logger = logging.getLogger(__name__)

SESSION_KEY = "xero_oauth_states"
PENDING_LIMIT = 5  # connect attempts a session may have open at once


class Refused(Exception):
    """The connection could not be made; the message is for the person."""


def begin(*, practice: Practice, session, redirect_uri: str) -> str:
    """The authorise URL, with a fresh ``state`` remembered in this session for this practice."""
    state = secrets.token_urlsafe(32)
    pending = dict(session.get(SESSION_KEY, {}))
    pending[state] = practice.pk
    session[SESSION_KEY] = dict(list(pending.items())[-PENDING_LIMIT:])
    connection = Connection.objects.filter(practice=practice).first()
    write = bool(connection and connection.write_back)
    return oauth.authorization_url(state=state, redirect_uri=redirect_uri, write=write)


def claim_state(session, state: str) -> int | None:
    """The practice this session started connecting with ``state`` (used once), else None."""
    pending = dict(session.get(SESSION_KEY, {}))
    practice_pk = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    return practice_pk


def _tenant(found: list[dict], kind: str) -> dict:
    return next((t for t in found if t.get("tenantType") == kind), {})


def complete(*, practice: Practice, actor, code: str, redirect_uri: str) -> Connection:
    """Exchange the code, pick the XPM and Xero tenants the person allowed, store it all."""
    try:
        token = oauth.exchange(code=code, redirect_uri=redirect_uri)
        found = oauth.connections(token["access_token"])
    except (oauth.Refused, httpx2.HTTPError) as error:
        logger.warning("Connecting practice %s failed: %s", practice.pk, type(error).__name__)
        raise Refused("Xero did not accept the connection. Try connecting again.") from None
    xpm, xero = _tenant(found, oauth.XPM), _tenant(found, oauth.XERO)
    if not xpm and not xero:
        raise Refused("Neither an XPM practice nor a Xero organisation was allowed. Try again.")
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(practice=practice)
        connection.xpm_tenant_id, connection.xpm_connection_id = _ids(xpm)
        connection.xero_tenant_id, connection.xero_connection_id = _ids(xero)
        connection.xpm_tenant_name = xpm.get("tenantName", "")[:200]
        connection.xero_tenant_name = xero.get("tenantName", "")[:200]
        save_tokens(connection, token)
        connection.state = ConnectionState.CONNECTED
        connection.connected_by, connection.connected_at = actor, timezone.now()
        connection.save()
        details = {"xpm": connection.xpm_tenant_name, "xero": connection.xero_tenant_name}
        events.record_for(
            practice, Verb.CONNECTED, actor=actor, details=details | {"scopes": connection.scopes}
        )
    return connection


def _ids(tenant: dict) -> tuple[str, str]:
    return tenant.get("tenantId", ""), tenant.get("id", "")


def disconnect(*, practice: Practice, actor) -> bool:
    """Revoke the tenants' connections at Xero (when the tokens still work) and forget the
    tokens here whatever Xero answers. True when Xero confirmed the revocation."""
    connection = Connection.objects.filter(practice=practice).first()
    if connection is None or connection.state == ConnectionState.DISCONNECTED:
        return False
    revoked = _revoke(connection)
    with transaction.atomic():
        forget(connection)
        details = {"revoked_at_xero": revoked}
        events.record_for(practice, Verb.DISCONNECTED, actor=actor, details=details)
    return revoked


def _revoke(connection: Connection) -> bool:
    ids = [i for i in (connection.xpm_connection_id, connection.xero_connection_id) if i]
    try:
        token = access_token(connection)
        for connection_id in ids:
            oauth.delete_connection(token, connection_id)
    except (NeedsReconnecting, httpx2.HTTPError) as error:
        logger.warning(
            "Revoking practice %s failed: %s", connection.practice_id, type(error).__name__
        )
        return False
    return True


PULLABLE = tuple(SOURCES)  # the kinds a connection can read today
WINDOWED = tuple(k for k, source in SOURCES.items() if source.windowed)  # read over dates
IN_FLIGHT = (PullStatus.RUNNING, PullStatus.WAITING)
# A pull still "running" after this long lost its worker (retries spent): it no longer blocks.
ABANDONED_AFTER = timedelta(days=1)


def _connected_for_update(practice: Practice) -> Connection:
    """The practice's connection, locked so that pulls of it are started one request at a time;
    refused in words when it is not connected. Call inside a transaction."""
    connection = Connection.objects.select_for_update().filter(practice=practice).first()
    if connection is None or connection.state != ConnectionState.CONNECTED:
        raise Refused("Connect XPM and Xero first: use the panel on the practice's overview.")
    return connection


def pulling_now(onboarding) -> set[str]:
    """The kinds a pull is reading right now for this onboarding."""
    since = timezone.now() - ABANDONED_AFTER
    running = Pull.objects.filter(
        onboarding=onboarding, status__in=IN_FLIGHT, created_at__gte=since
    )
    return set(running.values_list("kind", flat=True))


def _begin(*, practice: Practice, onboarding, step_key: str, kind: str, actor, window=None) -> Pull:
    """A pull of ``kind`` queued once this commits; a kind read over dates gets ``window`` (by
    default the last 18 months)."""
    pull = pulling.start(
        practice=practice,
        onboarding=onboarding,
        kind=kind,
        step_key=step_key,
        actor=actor,
        window=window if kind in WINDOWED else None,
    )
    pull_task.delay_on_commit(pull.pk)
    return pull


def window_from(values, today: dt.date) -> dict | None:
    """The date window a person picked (``from``, ``to``: ISO dates, ``to`` by default today);
    None when they picked none (the default window applies). Refused in words when it cannot
    be a window."""
    start, end = (values.get(k, "").strip() for k in ("from", "to"))
    if not start and not end:
        return None
    try:
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else today
    except ValueError:
        raise Refused("Give the dates to pull as dates, e.g. 2025-07-01.") from None
    if first is None or first > last or last > today:
        raise Refused(
            "Pick a start date on or before the end date, and an end date not after today."
        )
    return {"from": first.isoformat(), "to": last.isoformat()}


def start_pull(
    *, practice: Practice, onboarding, step_key: str, kind: str, actor, window: dict | None = None
) -> Pull:
    """Read ``kind`` from XPM or Xero in a worker; the pulled table then goes through the upload
    path like a file. Refused in words when the practice is not connected, or when that kind is
    being pulled already."""
    with transaction.atomic():
        _connected_for_update(practice)
        if kind not in PULLABLE:
            raise Refused(f"{KINDS[kind].label} cannot be pulled yet: upload the export instead.")
        if kind in pulling_now(onboarding):
            label = KINDS[kind].label
            raise Refused(f"{label} is being pulled already; it is checked once it is in.")
        return _begin(
            practice=practice,
            onboarding=onboarding,
            step_key=step_key,
            kind=kind,
            actor=actor,
            window=window,
        )


@dataclass(frozen=True)
class Recheck:
    started: list[Pull]
    running: list[str]  # kinds already being pulled: not started twice


def _first_reader(kind: str) -> str:
    """The step a pulled kind is filed under: the first that reads it."""
    return next((step.key for step in STEPS if kind in step.all_exports), "")


def recheck_everything(*, practice: Practice, onboarding, actor) -> Recheck:
    """Pull again every kind the connection's tenants can read (whatever ``SOURCES``
    holds), except a kind being pulled right now. Each pull ends in an upload, and the upload
    path checks every step that reads its kind again."""
    with transaction.atomic():
        connection = _connected_for_update(practice)
        busy = pulling_now(onboarding)
        readable = [k for k, s in SOURCES.items() if getattr(connection, s.tenant, "")]
        started = [
            _begin(
                practice=practice,
                onboarding=onboarding,
                step_key=_first_reader(kind),
                kind=kind,
                actor=actor,
            )
            for kind in readable
            if kind not in busy
        ]
    return Recheck(started=started, running=[k for k in readable if k in busy])


def latest_pulls(onboarding) -> dict[str, Pull]:
    """The newest pull of each kind for this onboarding (what the upload area reports)."""
    found: dict[str, Pull] = {}
    for pull in Pull.objects.filter(onboarding=onboarding).order_by("-created_at", "-pk"):
        found.setdefault(pull.kind, pull)
    return found
