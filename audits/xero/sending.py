"""Sending approved fixes back to XPM and Xero (docs/connect.md, "Sending fixes back").

Per fix: re-read the record and refuse when it changed since the pull (its value is no longer the
fix's ``before``), send the change (Xero with an ``Idempotency-Key``), re-read it after, and tell
the product (``audits.signals.fix_sent``, which records the audit event). A failure says why in
the person's words and changes nothing here but the fix's own status; a failed fix can be sent
again. A record that already reads the new value (a retry after a lost answer) is not sent twice.
Then the touched kinds are pulled again, and the upload path checks their steps again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import httpx2
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audits.models import Connection, Fix, FixStatus, Pull
from audits.signals import fix_sent
from audits.xero import limits, pulling, session
from audits.xero.sources import XERO, XPM

logger = logging.getLogger(__name__)

KIND_PULLED = {"client": "xpm_clients", "contact": "xero_contacts", "job": "xpm_jobs"}
NOUN = {"client": "XPM client", "contact": "Xero contact", "job": "XPM job"}


class NotSent(Exception):
    """The fix was not applied; the message is for the person."""


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict | None = None
    idempotency_key: str = ""

    def shown(self) -> dict:
        """What the audit trail keeps of the request (never a header: they carry the token)."""
        found = {"method": self.method, "path": self.path, "body": self.body}
        return found | ({"idempotency_key": self.idempotency_key} if self.idempotency_key else {})


def read_call(fix: Fix) -> Call:
    if fix.record_kind == "client":
        return Call("GET", f"{XPM}/client.api/get/{quote(fix.record_id)}")
    if fix.record_kind == "job":
        return Call("GET", f"{XPM}/job.api/get/{quote(fix.record_ref)}")
    return Call("GET", f"{XERO}/Contacts/{quote(fix.record_id)}")


def write_call(fix: Fix) -> Call:
    if fix.record_kind == "client":
        return Call("PUT", f"{XPM}/client.api/update", {"uuid": fix.record_id, "name": fix.after})
    if fix.record_kind == "job":
        return Call("PUT", f"{XPM}/job.api/state", {"id": fix.record_ref, "state": fix.after})
    body = {"Contacts": [{"ContactID": fix.record_id, "Name": fix.after}]}
    path = f"{XERO}/Contacts/{quote(fix.record_id)}"
    return Call("POST", path, body, idempotency_key=str(fix.idempotency_key))


def current_value(fix: Fix, body: dict) -> str:
    if fix.record_kind == "client":
        return (body.get("client") or {}).get("name") or ""
    if fix.record_kind == "job":
        return (body.get("job") or {}).get("state") or ""
    return ((body.get("Contacts") or [{}])[0]).get("Name") or ""


def _tenant(connection: Connection, fix: Fix) -> str:
    return connection.xero_tenant_id if fix.system == "Xero" else connection.xpm_tenant_id


def _call(connection: Connection, tenant: str, call: Call) -> httpx2.Response:
    """One call: the token refreshed once on a 401, a short 429 waited for (Retry-After)."""
    refresh = False
    for _attempt in range(4):
        pulling._count_call(connection)
        token = session.access_token(connection, force_refresh=refresh)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        headers["Xero-Tenant-Id"] = tenant
        if call.idempotency_key:
            headers["Idempotency-Key"] = call.idempotency_key
        with limits.slot(tenant):
            answer = httpx2.request(
                call.method,
                f"{settings.XERO_API_URL}{call.path}",
                json=call.body,
                headers=headers,
                timeout=settings.XERO_TIMEOUT_SECONDS,
            )
        if answer.status_code == 401 and not refresh:
            refresh = True
            continue
        if answer.status_code == 429:
            wait = int(answer.headers.get("Retry-After") or 60)
            if wait > pulling.MAX_WAIT:
                raise NotSent("Xero's rate limit was reached; send it again in a minute.")
            pulling.sleep(wait)
            continue
        return answer
    raise NotSent("Xero kept refusing the call; send it again later.")


def _refusal(answer: httpx2.Response) -> str:
    """Xero's or XPM's own words for a refused change, when it gave any."""
    try:
        body = answer.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        found = [body.get("errorDescription") or body.get("Message") or body.get("Detail")]
        for element in body.get("Elements") or []:
            found += [e.get("Message") for e in element.get("ValidationErrors") or []]
        return " ".join(f for f in found if f)
    return ""


def _read(connection: Connection, fix: Fix) -> str:
    answer = _call(connection, _tenant(connection, fix), read_call(fix))
    if answer.status_code == 404:
        raise NotSent(f"The {NOUN[fix.record_kind]} is no longer there; pull again.")
    if answer.status_code != 200:
        raise NotSent(f"{fix.system} did not let us read the record ({answer.status_code}).")
    return current_value(fix, answer.json())


def apply(connection: Connection, fix: Fix) -> tuple[FixStatus, str, dict]:
    """Send one fix: (status, reason, answer kept for the audit trail)."""
    call = write_call(fix)
    now = _read(connection, fix)
    if now == fix.after:
        return FixStatus.SENT, "", {"request": None, "already": True, "after_read": now}
    if now != fix.before:
        reason = (
            f'Someone changed this {NOUN[fix.record_kind]} since the pull: it now reads "{now}", '
            f'not "{fix.before}". Nothing was sent; it is pulled again: review the fix then.'
        )
        return FixStatus.REFUSED, reason, {"request": None, "read": now}
    answer = _call(connection, _tenant(connection, fix), call)
    kept = {"request": call.shown(), "status": answer.status_code}
    if answer.status_code != 200:
        words = _refusal(answer) or f"it answered {answer.status_code}"
        return FixStatus.FAILED, f"{fix.system} refused the change: {words}", kept
    after = _read(connection, fix)
    kept["after_read"] = after
    if after != fix.after:
        return FixStatus.FAILED, f'{fix.system} accepted it but the record reads "{after}".', kept
    return FixStatus.SENT, "", kept


def send_one(connection: Connection, fix: Fix) -> FixStatus:
    try:
        status, reason, kept = apply(connection, fix)
    except session.NeedsReconnecting:
        status, reason, kept = FixStatus.FAILED, "XPM and Xero need reconnecting first.", {}
    except pulling.Transient as transient:
        status, reason, kept = FixStatus.FAILED, str(transient), {}
    except NotSent as not_sent:
        status, reason, kept = FixStatus.FAILED, str(not_sent), {}
    except httpx2.TransportError as error:
        status, reason, kept = (
            FixStatus.FAILED,
            f"{fix.system} did not answer ({type(error).__name__}).",
            {},
        )
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        # An answer not shaped as the contract says: the fix must not stay "sending" for ever.
        logger.exception("Sending fix %s failed", fix.pk)
        status, reason, kept = FixStatus.FAILED, f"{fix.system} gave an answer we cannot read.", {}
    with transaction.atomic():
        fix.status, fix.reason, fix.answer = status, reason, kept
        fix.sent_at = timezone.now() if status == FixStatus.SENT else None
        fix.save(update_fields=["status", "reason", "answer", "sent_at"])
        fix_sent.send(Fix, fix=fix, actor=fix.approved_by)
    return status


def send_all(onboarding_id: int, queue: Callable[[int], object]) -> dict[str, int]:
    """Send every fix of the onboarding marked "sending", then pull again what was touched,
    each pull handed to ``queue`` (the pull task's ``delay_on_commit``)."""
    fixes = list(
        Fix.objects.filter(onboarding_id=onboarding_id, status=FixStatus.SENDING)
        .select_related("practice", "approved_by")
        .order_by("pk")
    )
    if not fixes:
        return {}
    connection = Connection.objects.get(practice=fixes[0].practice)
    counts: dict[str, int] = {}
    for fix in fixes:
        status = send_one(connection, fix)
        counts[status] = counts.get(status, 0) + 1
    # Sent ones to check them again; refused ones to bring in what someone changed meanwhile.
    pulled_again = (FixStatus.SENT, FixStatus.REFUSED)
    touched = {KIND_PULLED[f.record_kind] for f in fixes if f.status in pulled_again}
    repull(fixes[0], touched, queue)
    return counts


def stale_sends(now=None) -> list[int]:
    """The onboardings whose fixes have been "sending" for longer than
    ``LIFTOFF_FIX_SEND_STALE_AFTER`` (their send task was lost), or since before the clock was
    kept: each is handed over again, its clock restarted so that the next sweep leaves it alone
    while that send runs. Claimed by one UPDATE each, so two sweeps never both hand one over.
    An onboarding with a send handed over recently is left to that send, which takes every fix
    still "sending", the stale ones too."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.LIFTOFF_FIX_SEND_STALE_AFTER)
    sending = Fix.objects.filter(status=FixStatus.SENDING)
    recent = set(sending.filter(sending_since__gte=cutoff).values_list("onboarding_id", flat=True))
    stale = sending.filter(Q(sending_since__lt=cutoff) | Q(sending_since__isnull=True))
    claimed = []
    for onboarding_id in sorted(set(stale.values_list("onboarding_id", flat=True)) - recent):
        if stale.filter(onboarding_id=onboarding_id).update(sending_since=now):
            logger.warning("Fixes of onboarding %s were still sending; sent again", onboarding_id)
            claimed.append(onboarding_id)
    return claimed


def repull(fix: Fix, kinds: set[str], queue: Callable[[int], object]) -> list[Pull]:
    """Pull the touched kinds again, filed under the step their last pull was; the upload path
    then checks every step that reads them."""
    started = []
    for kind in sorted(kinds):
        last = Pull.objects.filter(onboarding=fix.onboarding, kind=kind).first()
        with transaction.atomic():
            pull = pulling.start(
                practice=fix.practice,
                onboarding=fix.onboarding,
                kind=kind,
                step_key=last.step_key if last else "",
                actor=fix.approved_by,
            )
            queue(pull.pk)
        started.append(pull)
    return started
