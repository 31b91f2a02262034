"""What the checking engine tells whoever orchestrates it. ``audits`` never imports the product;
the product connects receivers (``wizard/apps.py``) and acts: audit events, step status, sign-off
staleness, follow-up runs, notifications.

Every signal is sent inside the transaction that made the change, so a receiver's writes (an
audit event, above all) commit or roll back with it.
"""

from django.dispatch import Signal

# upload=Upload, actor=User | None: an upload was stored (or given a mapping, or its bad rows
# accepted) and waits for a worker to read it (status reading); upload_finished follows.
upload_received = Signal()

# upload=Upload, actor=User | None: an upload reached its outcome (accepted, rejected, or waiting
# for a mapping or a confirmation) and was saved.
upload_finished = Signal()

# upload=Upload, actor: a refused or pending upload was dismissed from the upload area.
upload_dismissed = Signal()

# upload=Upload, actor, kind=str, mapping=dict: a column mapping was confirmed and remembered.
mapping_saved = Signal()

# run=ValidationRun, actor, uploads=list[Upload]: a run was created and will be sent to a worker.
run_queued = Signal()

# run=ValidationRun, counts=dict: a run stored its findings.
run_finished = Signal()

# run=ValidationRun (its ``error`` set), reason=str: a run ended without findings.
run_failed = Signal()

# connection=Connection, reason=str: Xero identity refused the refresh; the connection needs
# reconnecting (its tokens are gone).
connection_lost = Signal()

# pull=Pull, actor: a pull stored its last page and became an upload (pull.upload), or was
# refused (pull.status "failed", pull.error saying why).
pull_finished = Signal()

# fix=Fix, actor (who approved it): a fix was sent, refused (changed since the pull) or failed;
# fix.status, fix.reason and fix.answer say which and why.
fix_sent = Signal()
