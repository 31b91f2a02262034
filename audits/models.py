"""Uploads (content-addressed, never modified), column mappings, validation runs and findings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from audits.kinds import KIND_CHOICES
from audits.severity import Severity


class StoredFile(models.Model):
    """Bytes exactly as received, addressed by their SHA-256: the same bytes are stored once."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    blob = models.FileField(upload_to="uploads/", max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.size} bytes)"


class UploadStatus(models.TextChoices):
    READING = "reading", "Being read"  # stored; a worker is loading it (audits.reading)
    ACCEPTED = "accepted", "Loaded"
    NEEDS_MAPPING = "needs_mapping", "Needs column mapping"
    NEEDS_CONFIRMATION = "needs_confirmation", "Some rows could not be read"
    REJECTED = "rejected", "Refused"


class Upload(models.Model):
    """One file a person gave us for a practice, with what loading made of it. The newest
    accepted upload of a kind is the one the next run reads; older ones stay as history."""

    practice = models.ForeignKey(
        "wizard.Practice", on_delete=models.CASCADE, related_name="uploads"
    )
    onboarding = models.ForeignKey(
        "wizard.Onboarding", on_delete=models.CASCADE, related_name="uploads"
    )
    step_key = models.CharField(max_length=40, blank=True)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uploads")
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES, blank=True)
    status = models.CharField(max_length=20, choices=UploadStatus)
    rows = models.PositiveIntegerField(default=0)
    columns = models.JSONField(default=dict)  # canonical field -> header as in the file
    report = models.JSONField(default=dict)  # what loading did: encoding, delimiter, skipped rows…
    error = models.JSONField(default=dict)  # code, message, details when refused or pending
    # While reading: what the worker is asked to do (kind, mapping, accept_bad_rows, actor id).
    read_request = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # A refused or pending upload the person no longer wants listed (the history keeps it).
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-uploaded_at", "-pk")
        indexes = [models.Index(fields=("onboarding", "kind", "status", "superseded_at"))]

    def __str__(self) -> str:
        return self.original_name

    @property
    def sha256(self) -> str:
        return self.stored_file.sha256


class ColumnMapping(models.Model):
    """A confirmed mapping for a header set, remembered per practice and reused automatically."""

    practice = models.ForeignKey(
        "wizard.Practice", on_delete=models.CASCADE, related_name="column_mappings"
    )
    header_signature = models.CharField(max_length=64)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    mapping = models.JSONField()  # canonical field -> header
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("practice", "header_signature"), name="one_mapping_per_header_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} mapping for {self.practice}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class ValidationRun(models.Model):
    practice = models.ForeignKey(
        "wizard.Practice", on_delete=models.CASCADE, related_name="validation_runs"
    )
    onboarding = models.ForeignKey(
        "wizard.Onboarding", on_delete=models.CASCADE, related_name="validation_runs"
    )
    step_key = models.CharField(max_length=40, blank=True)  # blank: the whole onboarding
    items = models.JSONField(default=list)  # checklist item numbers this run checks
    uploads = models.ManyToManyField(Upload, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    progress_note = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict)  # {"error": n, "warning": n, "info": n}
    timings = models.JSONField(default=dict)  # rule code -> seconds
    # What changed since the previous successful run of the step (audits.runs.diff), stored when
    # the findings are; None until then, and for runs stored before this field existed.
    diff = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("onboarding", "step_key", "status"))]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)


class Finding(models.Model):
    """A stored finding of one run, in the shape of ``audits.validators.base.Finding``."""

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField()  # deterministic order within the run
    code = models.CharField(max_length=10)
    item = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=10, choices=Severity)
    message = models.TextField()
    hint = models.TextField(blank=True)
    file = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list)
    column = models.CharField(max_length=255, blank=True)
    value = models.TextField(blank=True)
    suggestion = models.TextField(blank=True)
    related = models.JSONField(default=list)
    evidence = models.JSONField(default=dict, blank=True)  # record-linkage findings only
    match_key = models.CharField(max_length=500, db_index=True)
    # On a pulled file: the XPM/Xero records of its rows (and related rows), each
    # {"system", "file", "row", "id", "url"} (audits.records); empty for uploaded files.
    records = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("run", "position")
        indexes = [
            models.Index(fields=("run", "position")),
            models.Index(fields=("run", "item", "severity")),
            # Covers the findings page's per-rule counts: an index-only scan, not 50,000 rows.
            models.Index(
                fields=("run", "code", "severity", "item", "position"), name="finding_rule_groups"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class StateType(models.TextChoices):
    """XPM's job-state types (Business → Settings → Job states)."""

    STANDARD = "standard", "Standard"
    ON_HOLD = "on_hold", "On Hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class StateMapping(models.Model):
    """A practice's confirmed type for one XPM job-state name (checklist step 11)."""

    practice = models.ForeignKey(
        "wizard.Practice", on_delete=models.CASCADE, related_name="state_mappings"
    )
    state_name = models.CharField(max_length=100)
    state_type = models.CharField(max_length=20, choices=StateType)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("state_name",)
        constraints = [
            models.UniqueConstraint(
                fields=("practice", "state_name"), name="one_type_per_state_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state_name} → {self.get_state_type_display()}"


class ConnectionState(models.TextChoices):
    CONNECTED = "connected", "Connected"
    NEEDS_RECONNECTING = "needs_reconnecting", "Needs reconnecting"
    DISCONNECTED = "disconnected", "Disconnected"


class Connection(models.Model):
    """A practice's OAuth connection to XPM and Xero (docs/connect.md). The tokens are stored
    encrypted (``audits.xero.tokens``) and never leave this row in clear: not in logs, not in the
    audit trail. Disconnecting empties them."""

    practice = models.OneToOneField(
        "wizard.Practice", on_delete=models.CASCADE, related_name="connection"
    )
    state = models.CharField(
        max_length=20, choices=ConnectionState, default=ConnectionState.DISCONNECTED
    )
    xpm_tenant_id = models.CharField(max_length=64, blank=True)
    xpm_tenant_name = models.CharField(max_length=200, blank=True)
    xpm_connection_id = models.CharField(max_length=64, blank=True)  # for DELETE /connections/{id}
    xero_tenant_id = models.CharField(max_length=64, blank=True)
    xero_tenant_name = models.CharField(max_length=200, blank=True)
    xero_connection_id = models.CharField(max_length=64, blank=True)
    access_token = models.TextField(blank=True)  # Fernet ciphertext
    refresh_token = models.TextField(blank=True)  # Fernet ciphertext
    expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=500, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    # Calls made today (UTC) against the daily limit, shared by every pull of the practice.
    calls_day = models.DateField(null=True, blank=True)
    calls_today = models.PositiveIntegerField(default=0)
    # "Write fixes back" switched on: the next consent asks for the write scopes too.
    write_back = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.practice} ({self.get_state_display()})"

    def calls_left_today(self) -> int:
        """Calls left of today's allowance (XERO_CALLS_PER_DAY), as the pulls count them."""
        used = self.calls_today if self.calls_day == timezone.now().date() else 0
        return max(settings.XERO_CALLS_PER_DAY - used, 0)


class PullStatus(models.TextChoices):
    RUNNING = "running", "Pulling"
    WAITING = "waiting", "Waiting for the rate limit"
    SUCCEEDED = "succeeded", "Pulled"
    FAILED = "failed", "Failed"


class Pull(models.Model):
    """One kind read from XPM or Xero: the raw pages as received (content-addressed stored
    files), where to resume, and the upload the canonical table became."""

    practice = models.ForeignKey("wizard.Practice", on_delete=models.CASCADE, related_name="pulls")
    onboarding = models.ForeignKey(
        "wizard.Onboarding", on_delete=models.CASCADE, related_name="pulls"
    )
    step_key = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    status = models.CharField(max_length=10, choices=PullStatus, default=PullStatus.RUNNING)
    pages = models.JSONField(default=list)  # [{"page": n, "sha256": …, "rows": n}, …]
    cursor = models.CharField(max_length=500, blank=True)  # next page number or page token
    # The dates read, for a kind read over a window (invoices, jobs): {"from": …, "to": …}.
    window = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Pull of {self.kind} ({self.get_status_display()})"


class FixStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused: changed since the pull"


class Fix(models.Model):
    """One change to send back to XPM or Xero (docs/connect.md, "Sending fixes back"): a record's
    name or a job's state, before → after, from the findings it resolves. Only a rename or a state
    change: nothing is ever deleted, archived or merged."""

    practice = models.ForeignKey("wizard.Practice", on_delete=models.CASCADE, related_name="fixes")
    onboarding = models.ForeignKey(
        "wizard.Onboarding", on_delete=models.CASCADE, related_name="fixes"
    )
    system = models.CharField(max_length=10)  # "XPM" | "Xero"
    record_kind = models.CharField(max_length=10)  # "client" | "contact" | "job"
    record_id = models.CharField(max_length=64)  # uuid (XPM) or ContactID (Xero)
    record_ref = models.CharField(max_length=64, blank=True)  # an XPM job's number
    record_url = models.URLField(max_length=500, blank=True)
    field = models.CharField(max_length=10)  # "name" | "state"
    before = models.CharField(max_length=500)
    after = models.CharField(max_length=500, blank=True)  # blank: a person must choose
    choices = models.JSONField(default=list, blank=True)  # conflicting suggestions, when several
    group = models.CharField(max_length=64, blank=True)  # records that share one spelling
    # Records of the group already spelled as suggested, renamed too if a person picks another
    # spelling: [{"system", "record_kind", "record_id", "before", "url"}].
    partners = models.JSONField(default=list, blank=True)
    findings = models.JSONField(default=list)  # [{"code", "match_key"}]
    status = models.CharField(max_length=10, choices=FixStatus, default=FixStatus.PROPOSED)
    reason = models.TextField(blank=True)  # why it failed or was refused, in the user's words
    answer = models.JSONField(default=dict, blank=True)  # what was sent and what came back
    idempotency_key = models.UUIDField(default=uuid.uuid4)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # When it was handed to a worker ("sending"); a send that outlives the broker's redelivery is
    # handed over again (audits.xero.sending.stale_sends).
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("system", "record_kind", "before", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("onboarding", "system", "record_id", "field"), name="one_fix_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.record_kind} {self.field}: {self.before} → {self.after}"

    @property
    def record_label(self) -> str:
        return {"client": "XPM client", "contact": "Xero contact", "job": "XPM job"}.get(
            self.record_kind, self.record_kind
        )
