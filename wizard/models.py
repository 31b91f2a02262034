"""Tenancy (organisations, practices, memberships), onboardings and their steps, attestations and
the append-only audit trail."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from wizard.checklist import STEPS_BY_KEY, Step


class Organisation(models.Model):
    """An accounting firm's onboarding team (or a firm onboarding itself): the tenant."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ONBOARDING_LEAD = "lead", "Onboarding lead"
    ONBOARDING_SPECIALIST = "specialist", "Onboarding specialist"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    PRACTICE_STAFF = "practice_staff", "Practice staff"


# Tuples, not sets: their order ends up in a migration and must not change between runs.
TEAM_ROLES = (Role.ONBOARDING_LEAD, Role.ONBOARDING_SPECIALIST)
PRACTICE_ROLES = (Role.PRACTICE_MANAGER, Role.PRACTICE_STAFF)


class DateOrder(models.TextChoices):
    DMY = "dmy", "Day/Month/Year (e.g. 31/12/2026)"
    MDY = "mdy", "Month/Day/Year (e.g. 12/31/2026)"


class Country(models.TextChoices):
    """Where the practice is: its clients' tax numbers and phone numbers are checked as this
    country's (step 5, C05.W006; ``audits.validators.identifier_checks.COUNTRIES``)."""

    AU = "AU", "Australia"
    NZ = "NZ", "New Zealand"
    GB = "GB", "United Kingdom"


class Practice(models.Model):
    """A client firm being onboarded, owned by an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="practices"
    )
    name = models.CharField(max_length=200)
    date_order = models.CharField(max_length=3, choices=DateOrder, default=DateOrder.DMY)
    country = models.CharField(max_length=2, choices=Country, default=Country.AU)
    target_go_live = models.DateField(null=True, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_practices"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    def current_onboarding(self) -> Onboarding | None:
        return self.onboardings.order_by("-started_at", "-pk").first()


class Membership(models.Model):
    """A user's place: in an organisation's team, or in one practice of it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField(max_length=20, choices=Role)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="practice_roles_have_a_practice",
                condition=(
                    models.Q(role__in=[r.value for r in PRACTICE_ROLES], practice__isnull=False)
                    | models.Q(role__in=[r.value for r in TEAM_ROLES], practice__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_team(self) -> bool:
        return self.role in TEAM_ROLES

    @property
    def is_lead(self) -> bool:
        return self.role == Role.ONBOARDING_LEAD


class Onboarding(models.Model):
    """One pass through the checklist for a practice (a re-check next year is a new one)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="onboardings")
    label = models.CharField(max_length=100, default="Onboarding")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"{self.practice} — {self.label}"


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    READY = "ready", "Ready for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    STALE = "stale", "Sign-off stale"


class StepProgress(models.Model):
    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="steps")
    step_key = models.CharField(max_length=40)
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=StepStatus, default=StepStatus.NOT_STARTED)
    status_note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("number",)
        constraints = [
            models.UniqueConstraint(fields=("onboarding", "step_key"), name="one_progress_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.step.title}: {self.get_status_display()}"

    @property
    def step(self) -> Step:
        return STEPS_BY_KEY[self.step_key]


class Attestation(models.Model):
    """A person's confirmation of a setting no export shows. Never edited: a new one supersedes."""

    class ScreenshotStatus(models.TextChoices):
        NONE = "none", "No screenshot"
        PENDING = "pending", "Checking"
        OK = "ok", "Checked"
        REJECTED = "rejected", "Rejected"

    progress = models.ForeignKey(
        StepProgress, on_delete=models.CASCADE, related_name="attestations"
    )
    checked_by = models.CharField("who checked the setting", max_length=200)
    checked_on = models.DateField("when it was checked")
    note = models.TextField(blank=True)
    screenshot = models.FileField(upload_to="screenshots/%Y/%m/", blank=True)
    screenshot_name = models.CharField(max_length=255, blank=True)
    screenshot_status = models.CharField(
        max_length=10, choices=ScreenshotStatus, default=ScreenshotStatus.NONE
    )
    screenshot_sha256 = models.CharField(max_length=64, blank=True)
    screenshot_error = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One token per rendered form: a double-submit finds the first record instead of a second.
    submission_token = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Step {self.progress.number} confirmed by {self.checked_by} on {self.checked_on}"


class Verb(models.TextChoices):
    PRACTICE_CREATED = "practice_created", "Practice created"
    ONBOARDING_STARTED = "onboarding_started", "Onboarding started"
    ATTESTED = "attested", "Attestation confirmed"
    SCREENSHOT_CHECKED = "screenshot_checked", "Screenshot checked"
    UPLOADED = "uploaded", "Export uploaded"
    UPLOAD_REJECTED = "upload_rejected", "Export refused"
    MAPPING_SAVED = "mapping_saved", "Column mapping saved"
    UPLOAD_DISMISSED = "upload_dismissed", "Refused or pending export dismissed"
    RUN_QUEUED = "run_queued", "Validation queued"
    RUN_FINISHED = "run_finished", "Validation finished"
    RUN_FAILED = "run_failed", "Validation failed"
    WAIVED = "waived", "Finding waived"
    ACKNOWLEDGED = "acknowledged", "Warning acknowledged"
    SIGNED_OFF = "signed_off", "Step signed off"
    COUNTERSIGNED = "countersigned", "Step countersigned"
    SIGN_OFF_STALE = "sign_off_stale", "Sign-off made stale"
    SIGN_OFF_REVOKED = "sign_off_revoked", "Sign-off revoked"
    MEMBER_INVITED = "member_invited", "Member invited"
    MEMBER_JOINED = "member_joined", "Member joined"
    MEMBER_REMOVED = "member_removed", "Member removed"
    PRACTICE_UPDATED = "practice_updated", "Practice updated"
    PRACTICE_ARCHIVED = "practice_archived", "Practice archived"
    CONNECTED = "connected", "XPM and Xero connected"
    DISCONNECTED = "disconnected", "XPM and Xero disconnected"
    CONNECTION_LOST = "connection_lost", "XPM and Xero need reconnecting"
    PULLED = "pulled", "Data pulled from XPM or Xero"
    PULL_FAILED = "pull_failed", "Pull from XPM or Xero failed"
    WRITE_BACK_SWITCHED = "write_back_switched", "Writing fixes back switched on or off"
    FIX_EDITED = "fix_edited", "Fix edited"
    FIX_APPROVED = "fix_approved", "Fix approved"
    FIX_SENT = "fix_sent", "Fix sent to XPM or Xero"
    FIX_NOT_SENT = "fix_not_sent", "Fix refused or failed"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only; they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only; they cannot be deleted.")


class AuditEvent(models.Model):
    """One state change. Append-only, and chained per organisation by HMAC-SHA256 keyed with
    ``LIFTOFF_AUDIT_KEY`` (from the environment, never in the database), so that a quiet edit
    anywhere breaks every hash after it and cannot be re-hashed without the key; chain heads are
    checkpointed outside the database (``wizard/audit_chain.py``, ``manage.py verify_audit``).

    Whoever acted stays: an account with events is deactivated, never deleted (``PROTECT``), and
    ``actor_label`` keeps the name the event was written with."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="audit_events"
    )
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    onboarding = models.ForeignKey(
        Onboarding, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    step_key = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=300, blank=True)
    verb = models.CharField(max_length=30, choices=Verb)
    details = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    sequence = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("organisation_id", "sequence")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "sequence"), name="one_event_per_sequence"
            )
        ]
        # A practice's last activity (dashboard, stuck notices) without reading its history.
        indexes = [models.Index(fields=("practice", "-created_at"), name="event_practice_recent")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_verb_display()} ({self.actor_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only; they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only; they cannot be deleted.")

    def canonical(self) -> str:
        """The event's content as canonical JSON: what the hash covers."""
        payload = {
            "organisation": self.organisation_id,
            "practice": self.practice_id,
            "onboarding": self.onboarding_id,
            "step": self.step_key,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "details": self.details,
            "created_at": self.created_at.isoformat(),
            "sequence": self.sequence,
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.canonical())


def chain_hash(prev_hash: str, canonical: str, key: str | None = None) -> str:
    """HMAC-SHA256 of the previous hash and the event's canonical JSON, keyed by the audit key."""
    secret = (key if key is not None else settings.LIFTOFF_AUDIT_KEY).encode()
    return hmac.new(secret, (prev_hash + canonical).encode(), hashlib.sha256).hexdigest()


class SignOff(models.Model):
    """A signature on one step, with the evidence it was based on. Never edited in place except
    to mark it stale, countersigned or revoked; the history keeps every sign-off."""

    progress = models.ForeignKey(StepProgress, on_delete=models.CASCADE, related_name="sign_offs")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by_label = models.CharField(max_length=300)
    role = models.CharField(max_length=20, choices=Role)
    signed_at = models.DateTimeField(default=timezone.now)
    run = models.ForeignKey(
        "audits.ValidationRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attestation = models.ForeignKey(
        Attestation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.JSONField(default=list)  # [{"kind", "name", "sha256", "upload"}]
    summary = models.JSONField(default=dict)  # counts, waivers and acknowledgements signed over
    statement = models.TextField(blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    stale_at = models.DateTimeField(null=True, blank=True)
    stale_reason = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ("-signed_at", "-pk")

    def __str__(self) -> str:
        return f"Step {self.progress.number} signed by {self.signed_by_label}"

    @property
    def is_current(self) -> bool:
        return self.stale_at is None and self.revoked_at is None


def _of_outer_finding(model) -> models.QuerySet:
    """Rows of ``model`` about the finding an outer query is on: its run's onboarding and step,
    and its match key (the indexed columns). For ``Exists()``/``Subquery()`` over findings."""
    return model.objects.filter(
        onboarding_id=models.OuterRef("run__onboarding_id"),
        step_key=models.OuterRef("run__step_key"),
        match_key=models.OuterRef("match_key"),
    )


class Waiver(models.Model):
    """An error accepted with a written reason. Follows its finding across re-runs by match key."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="waivers")
    step_key = models.CharField(max_length=40)
    code = models.CharField(max_length=10)
    match_key = models.CharField(max_length=500)
    value = models.TextField(blank=True)
    data_fingerprint = models.CharField(max_length=64, blank=True)  # rows/suggestion when waived
    reason = models.TextField()
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_by_label = models.CharField(max_length=300)
    waived_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-waived_at", "-pk")
        indexes = [models.Index(fields=("onboarding", "step_key", "match_key"))]

    def __str__(self) -> str:
        return f"{self.code} waived by {self.waived_by_label}"

    @classmethod
    def of_outer_finding(cls) -> models.QuerySet:
        """The waiver in force of the finding an outer query is on."""
        return _of_outer_finding(cls).filter(revoked_at=None)


class Acknowledgement(models.Model):
    """A warning a person has read and accepted. Follows its finding across re-runs."""

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    step_key = models.CharField(max_length=40)
    code = models.CharField(max_length=10)
    match_key = models.CharField(max_length=500)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-acknowledged_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("onboarding", "step_key", "match_key"), name="one_ack_per_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} acknowledged"

    @classmethod
    def of_outer_finding(cls) -> models.QuerySet:
        """The acknowledgement of the finding an outer query is on."""
        return _of_outer_finding(cls)


class Invitation(models.Model):
    """A signed, single-use, expiring invitation to join an organisation's team or a practice."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"


class NotificationPreference(models.Model):
    """Which emails a user wants; absent means the defaults (all on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    step_signed = models.BooleanField(default=True)
    run_failed = models.BooleanField(default=True)
    practice_stuck = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Notifications for {self.user}"


class StuckNotice(models.Model):
    """One per practice and stuck period: the daily beat task never sends the same email twice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="stuck_notices")
    since = models.DateTimeField()  # the last activity the notice was about
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("practice", "since"), name="one_notice_per_stuck_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} stuck since {self.since:%Y-%m-%d}"
