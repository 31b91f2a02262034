"""The onboarding team's view of every practice: progress, where each is, what is open, and who
is stuck. Built with a fixed number of queries, whatever the number of practices."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from audits.models import RunStatus, ValidationRun
from wizard.checklist import STEPS
from wizard.models import AuditEvent, Practice, StepProgress, StepStatus, Waiver


class Health(StrEnum):
    ON_TRACK = "on_track"
    STUCK = "stuck"
    BLOCKED = "blocked"
    DONE = "done"


HEALTH_LABELS = {
    Health.ON_TRACK: "On track",
    Health.STUCK: "Stuck",
    Health.BLOCKED: "Blocked",
    Health.DONE: "Complete",
}


@dataclass
class Row:
    practice: Practice
    signed: int = 0
    current: int | None = None
    errors: int = 0
    warnings: int = 0
    blocked_steps: list[int] = field(default_factory=list)
    waivers: int = 0
    last_activity: datetime | None = None
    assignees: list[str] = field(default_factory=list)
    assignee_ids: set[int] = field(default_factory=set)
    health: Health = Health.ON_TRACK

    @property
    def percent(self) -> int:
        return round(100 * self.signed / len(STEPS))

    @property
    def health_label(self) -> str:
        return HEALTH_LABELS[self.health]

    @property
    def current_title(self) -> str:
        return STEPS[self.current - 1].title if self.current else "All steps signed"


def stuck_after() -> timedelta:
    return timedelta(days=getattr(settings, "LIFTOFF_STUCK_AFTER_DAYS", 7))


def rows(practices) -> list[Row]:
    practices = list(practices.prefetch_related("assignees"))
    by_id = {p.pk: Row(practice=p) for p in practices}
    # The newest onboarding of each practice is the one the dashboard shows.
    latest = (
        Practice.objects.filter(pk__in=by_id)
        .annotate(latest=Max("onboardings__pk"))
        .values_list("pk", "latest")
    )
    onboarding_ids = {}
    for practice_id, onboarding_id in latest:
        onboarding_ids[onboarding_id] = practice_id
    progress = StepProgress.objects.filter(onboarding_id__in=onboarding_ids).values_list(
        "onboarding_id", "number", "status"
    )
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for onboarding_id, number, status in progress:
        statuses[onboarding_ids[onboarding_id]][number] = status
    counts: dict[int, Counter] = defaultdict(Counter)
    runs = (
        ValidationRun.objects.filter(onboarding_id__in=onboarding_ids, status=RunStatus.SUCCEEDED)
        .order_by("onboarding_id", "step_key", "-created_at", "-pk")
        .values_list("onboarding_id", "step_key", "counts")
    )
    seen = set()
    for onboarding_id, step_key, run_counts in runs:
        if (onboarding_id, step_key) in seen:
            continue
        seen.add((onboarding_id, step_key))
        counts[onboarding_ids[onboarding_id]].update(
            {k: int(v) for k, v in (run_counts or {}).items() if k in ("error", "warning")}
        )
    waivers = dict(
        Waiver.objects.filter(onboarding_id__in=onboarding_ids, revoked_at=None)
        .values_list("onboarding__practice_id")
        .annotate(n=Count("pk"))
    )
    activity = dict(
        AuditEvent.objects.filter(practice_id__in=by_id)
        .values_list("practice_id")
        .annotate(last=Max("created_at"))
    )
    now = timezone.now()
    for practice_id, row in by_id.items():
        steps = statuses.get(practice_id, {})
        row.signed = sum(1 for s in steps.values() if s == StepStatus.SIGNED_OFF)
        row.current = next(
            (n for n in sorted(steps) if steps[n] not in (StepStatus.SIGNED_OFF,)), None
        )
        row.blocked_steps = sorted(n for n, s in steps.items() if s == StepStatus.NEEDS_ATTENTION)
        row.errors = counts[practice_id]["error"]
        row.warnings = counts[practice_id]["warning"]
        row.waivers = waivers.get(practice_id, 0)
        row.last_activity = activity.get(practice_id)
        people = list(row.practice.assignees.all())
        row.assignees = sorted(u.get_full_name() or u.get_username() for u in people)
        row.assignee_ids = {u.pk for u in people}
        if row.signed == len(STEPS):
            row.health = Health.DONE
        elif row.blocked_steps:
            row.health = Health.BLOCKED
        elif row.last_activity is None or now - row.last_activity > stuck_after():
            row.health = Health.STUCK
    return list(by_id.values())


CACHE_SECONDS = 60  # also bounds how late "stuck" can be noticed


_LOCAL: dict[str, tuple[float, list[Row], int]] = {}  # per process: no pickling on every request


def cached_rows(membership) -> list[Row]:
    """Every practice the member can see, computed once per state change of the organisation.

    Every state change writes an audit event, so the organisation's latest event sequence is an
    exact version number for the dashboard; the short lifetime lets "stuck" age without events.
    Rows stay in this process (500 practices un-pickled from a cache cost more than the page).
    """
    from wizard.access import practices_for

    latest = (
        AuditEvent.objects.filter(organisation_id=membership.organisation_id).aggregate(
            m=Max("sequence")
        )["m"]
        or 0
    )
    scope = (
        f"{membership.organisation_id}:{'all' if membership.is_team else membership.practice_id}"
    )
    now = time.monotonic()
    held = _LOCAL.get(scope)
    if held is not None and held[0] > now and held[1] and held[2] == latest:
        return held[1]
    found = rows(practices_for(membership.user).select_related("organisation"))
    _LOCAL[scope] = (now + CACHE_SECONDS, found, latest)
    return found


def clear_cache() -> None:
    _LOCAL.clear()


def step_histogram(all_rows: list[Row]) -> list[tuple[int, str, int]]:
    """(step number, title, practices whose current step it is)."""
    at = Counter(r.current for r in all_rows if r.current)
    return [(s.number, s.title, at.get(s.number, 0)) for s in STEPS]


SORTS = {
    "name": lambda r: r.practice.name.casefold(),
    "progress": lambda r: (-r.signed, r.practice.name.casefold()),
    "errors": lambda r: (-r.errors, r.practice.name.casefold()),
    "activity": lambda r: r.last_activity or datetime.min.replace(tzinfo=timezone.utc),
    "target": lambda r: (r.practice.target_go_live is None, r.practice.target_go_live or 0),
}
