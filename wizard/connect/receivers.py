"""What the product does when the engine reports on a connection: an audit event (never a
token) when a refresh was refused."""

from __future__ import annotations

from django.dispatch import receiver

from audits.models import PullStatus
from audits.signals import connection_lost, pull_finished
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
