"""What the product does when the engine reports on a connection: an audit event (never a
token) when a refresh was refused."""

from __future__ import annotations

from django.dispatch import receiver

from audits.models import FixStatus, PullStatus
from audits.signals import connection_lost, fix_sent, pull_finished
from wizard import events
from wizard.models import Verb


@receiver(connection_lost, dispatch_uid="wizard.connection_lost")
def on_connection_lost(sender, connection, reason, **kwargs) -> None:
    details = {"reason": "Xero refused to renew access; connect again."}
    events.record_for(connection.practice, Verb.CONNECTION_LOST, details=details)


@receiver(pull_finished, dispatch_uid="wizard.pull_finished")
def on_pull_finished(sender, pull, actor, **kwargs) -> None:
    """Who pulled which kind, how many records, each raw page's SHA-256 and the file it became
    (never a token: the pages are the APIs' data, the tokens never leave the connection)."""
    details = {"kind": pull.kind, "rows": pull.rows, "pages": pull.pages}
    if pull.window:
        details["window"] = pull.window
    if pull.status == PullStatus.FAILED:
        details["error"] = pull.error
        events.record_for(pull, Verb.PULL_FAILED, actor=actor, details=details)
        return
    details |= {"file": pull.upload.original_name, "sha256": pull.upload.stored_file.sha256}
    events.record_for(pull, Verb.PULLED, actor=actor, details=details)


@receiver(fix_sent, dispatch_uid="wizard.fix_sent")
def on_fix_sent(sender, fix, actor, **kwargs) -> None:
    """One event per change: who approved it, what was sent, the answer, before and after
    (the request's headers, which carry the token, are never kept)."""
    details = {"fix": fix.pk, "system": fix.system, "record": fix.record_kind}
    details |= {"record_id": fix.record_id, "record_ref": fix.record_ref, "field": fix.field}
    details |= {"before": fix.before, "after": fix.after, "status": fix.status}
    details |= {"approved_by": events.actor_label(actor), "answer": fix.answer}
    if fix.reason:
        details["reason"] = fix.reason
    verb = Verb.FIX_SENT if fix.status == FixStatus.SENT else Verb.FIX_NOT_SENT
    events.record_for(fix, verb, actor=actor, details=details)
