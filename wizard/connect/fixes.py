"""The fix list's changes (docs/connect.md, "Sending fixes back"): switching "Write fixes back"
on, editing a suggestion (anyone on the practice), approving (its practice manager only) and
starting the send. Each change is an audit event; the sending itself is
``audits.xero.sending`` in a worker, whose outcome ``receivers.on_fix_sent`` records."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audits import fixes as derivation
from audits.models import (
    Connection,
    ConnectionState,
    Fix,
    FixStatus,
    StateMapping,
    StateType,
)
from audits.xero.tasks import send_fixes
from wizard import events
from wizard.access import Action, require
from wizard.connect.services import Refused
from wizard.models import Practice, Verb

EDITABLE = (FixStatus.PROPOSED, FixStatus.APPROVED, FixStatus.FAILED, FixStatus.REFUSED)
APPROVABLE = (FixStatus.PROPOSED, FixStatus.FAILED)
SENDABLE = (FixStatus.APPROVED, FixStatus.FAILED)


def fixes_of(onboarding) -> QuerySet[Fix]:
    return Fix.objects.filter(onboarding=onboarding).select_related("approved_by")


def refresh(*, practice: Practice, onboarding, actor) -> list[Fix]:
    """The fix list brought up to date with the latest runs' findings."""
    return derivation.derive(practice=practice, onboarding=onboarding, actor=actor)


def standard_states(practice: Practice) -> list[str]:
    """The job states a job may be moved to: those the practice mapped to Standard."""
    found = StateMapping.objects.filter(practice=practice, state_type=StateType.STANDARD)
    return list(found.values_list("state_name", flat=True))


def switch_write_back(*, practice: Practice, on: bool, actor) -> Connection:
    """Turn "Write fixes back" on or off; on, the next connect asks for the write scopes."""
    with transaction.atomic():
        connection = Connection.objects.select_for_update().filter(practice=practice).first()
        if connection is None:
            raise Refused("Connect XPM and Xero first: use the panel on the practice's overview.")
        connection.write_back = on
        connection.save(update_fields=["write_back"])
        events.record_for(
            practice, Verb.WRITE_BACK_SWITCHED, actor=actor, details={"write_back": on}
        )
    return connection


def can_write(connection: Connection | None) -> bool:
    """Connected, switched on, and the consent given covers the write scopes."""
    if connection is None or connection.state != ConnectionState.CONNECTED:
        return False
    granted = set(connection.scopes.split())
    return connection.write_back and {"practicemanager.client", "accounting.contacts"} <= granted


def edit(*, fix: Fix, after: str, actor) -> list[Fix]:
    """Set the new value. A name is set on every record of the fix's group (one spelling per
    client across XPM and Xero); an approval of another value is withdrawn."""
    after = " ".join(after.split())[:500]
    if fix.status not in EDITABLE:
        raise Refused("This fix is being sent or was sent; it cannot be changed now.")
    if not after:
        raise Refused("Give the new value.")
    if after == fix.before:
        raise Refused(f"“{after}” is what {fix.system} holds already: nothing to change.")
    if fix.field == "state" and after not in standard_states(fix.practice):
        raise Refused("Pick a job state of type Standard (map the states in step 11 first).")
    with transaction.atomic():
        group = fixes_of(fix.onboarding).select_for_update(of=("self",)).filter(status__in=EDITABLE)
        group = (
            group.filter(group=fix.group, field=fix.field) if fix.group else group.filter(pk=fix.pk)
        )
        changed = []
        for one in group:
            if one.status == FixStatus.APPROVED and one.after != after:
                one.status, one.approved_by, one.approved_at = FixStatus.PROPOSED, None, None
            one.after, one.choices = after, []
            one.save(update_fields=["after", "choices", "status", "approved_by", "approved_at"])
            changed.append(one)
        changed += _rename_partners(fix, after, actor)
        details = {"fixes": [_shown(f) for f in changed]}
        events.record_for(fix, Verb.FIX_EDITED, actor=actor, details=details)
    return changed


def _rename_partners(fix: Fix, after: str, actor) -> list[Fix]:
    """The group's records already spelled as suggested get a fix too when a person picks
    another spelling: one spelling per client across XPM and Xero."""
    made = []
    for partner in fix.partners if fix.field == "name" else ():
        if partner["before"] == after:
            continue
        found, created = Fix.objects.get_or_create(
            onboarding=fix.onboarding,
            system=partner["system"],
            record_id=partner["record_id"],
            field="name",
            defaults={
                "practice": fix.practice,
                "record_kind": partner["record_kind"],
                "record_url": partner.get("url", ""),
                "before": partner["before"],
                "after": after,
                "group": fix.group,
                "partners": fix.partners,
                "findings": fix.findings,
                "proposed_by": actor,
            },
        )
        if created:
            made.append(found)
    return made


def approve(*, onboarding, pks: list[int], actor) -> list[Fix]:
    """Approve the fixes (one, or a reviewed batch): only by a practice manager, only with a
    value chosen and no conflict left."""
    require(actor, Action.APPROVE_FIX)
    with transaction.atomic():
        chosen = list(fixes_of(onboarding).select_for_update(of=("self",)).filter(pk__in=pks))
        ready = [
            f
            for f in chosen
            if f.status in APPROVABLE and f.after and not f.choices and f.after != f.before
        ]
        if not ready:
            raise Refused("Choose the new value of each fix first; then approve it.")
        now = timezone.now()
        for fix in ready:
            fix.status, fix.approved_by, fix.approved_at = FixStatus.APPROVED, actor, now
            fix.save(update_fields=["status", "approved_by", "approved_at"])
        details = {"fixes": [_shown(f) for f in ready]}
        events.record_for(onboarding, Verb.FIX_APPROVED, actor=actor, details=details)
    return ready


def start_sending(*, practice: Practice, onboarding, actor) -> int:
    """Mark the approved (and failed, to retry) fixes "sending" and hand them to a worker."""
    require(actor, Action.APPROVE_FIX)
    with transaction.atomic():
        connection = Connection.objects.select_for_update().filter(practice=practice).first()
        if not can_write(connection):
            raise Refused(
                "Turn on \u201cWrite fixes back\u201d and connect again to allow changes first."
            )
        count = (
            fixes_of(onboarding)
            .filter(status__in=SENDABLE, approved_by__isnull=False)
            .update(status=FixStatus.SENDING, reason="", sending_since=timezone.now())
        )
        if not count:
            raise Refused("Approve a fix first; then send it.")
        send_fixes.delay_on_commit(onboarding.pk)
    return count


def _shown(fix: Fix) -> dict:
    """What the audit trail says of a fix."""
    found = {"fix": fix.pk, "system": fix.system, "record": fix.record_kind}
    found |= {"record_id": fix.record_id, "field": fix.field}
    return found | {"before": fix.before, "after": fix.after, "findings": fix.findings}
