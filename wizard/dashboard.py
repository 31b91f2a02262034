"""The onboarding team's view of every practice: progress, where each is, what is open, and who
is stuck.

Every figure is computed by the database as a correlated subquery per practice (its newest
onboarding's steps, latest runs, waivers, events), so one query lists the whole organisation
sorted and filtered, and three more fill in the details of the rows shown. The number of queries
never depends on the number of practices (``tests/wizard/test_dashboard_view.py``).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from audits.models import RunStatus, ValidationRun
from wizard.checklist import STEPS
from wizard.models import AuditEvent, Onboarding, Practice, StepProgress, StepStatus, Waiver


class Health(StrEnum):
    ON_TRACK = "on_track"
    STUCK = "stuck"
    BLOCKED = "blocked"
    DONE = "done"


# The order "sort by status" uses: the most worrying first.
HEALTH_ORDER = (Health.BLOCKED, Health.STUCK, Health.ON_TRACK, Health.DONE)

HEALTH_LABELS = {
    Health.ON_TRACK: "On track",
    Health.STUCK: "Stuck",
    Health.BLOCKED: "Blocked",
    Health.DONE: "Complete",
}

# Sort keys offered to people; "-key" reverses. Nulls go last whichever the direction.
SORTS = {
    "name": "name",
    "progress": "signed",
    "step": "current_step",
    "errors": "errors",
    "waivers": "waivers",
    "target": "target_go_live",
    "activity": "last_activity",
    "status": "health_rank",  # the most worrying first
}


def stuck_after() -> timedelta:
    return timedelta(days=settings.LIFTOFF_STUCK_AFTER_DAYS)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    assignee: int | None = None  # a user id; 0 means "nobody assigned"
    step: int | None = None
    archived: bool = False
    sort: str = "name"

    @classmethod
    def from_query(cls, params) -> Filters:
        def number(key: str) -> int | None:
            raw = params.get(key, "").strip()
            return int(raw) if raw.isdigit() else None

        status = params.get("status", "")
        sort = params.get("sort", "name")
        return cls(
            q=params.get("q", "").strip()[:200],
            status=status if status in HEALTH_LABELS else "",
            assignee=number("assignee"),
            step=number("step"),
            archived=params.get("archived") == "1",
            sort=sort if sort.removeprefix("-") in SORTS else "name",
        )


@dataclass
class StepFigures:
    number: int
    status: str
    errors: int = 0
    warnings: int = 0


@dataclass
class Row:
    pk: int
    name: str
    target_go_live: date | None
    archived_at: datetime | None
    signed: int
    current_step: int | None
    errors: int
    warnings: int
    waivers: int
    last_activity: datetime | None
    health: str
    assignees: list[str] = field(default_factory=list)
    steps: list[StepFigures] = field(default_factory=list)  # only those with something open

    @property
    def percent(self) -> int:
        return round(100 * self.signed / len(STEPS))

    @property
    def health_label(self) -> str:
        return HEALTH_LABELS[Health(self.health)]

    @property
    def current_title(self) -> str:
        return STEPS[self.current_step - 1].title if self.current_step else "All steps signed"

    @property
    def blocked_steps(self) -> list[int]:
        return [s.number for s in self.steps if s.status == StepStatus.NEEDS_ATTENTION]


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """COUNT(*) of ``queryset`` as a scalar subquery (grouped on the outer reference)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def latest_runs() -> QuerySet[ValidationRun]:
    """Each step's newest successful run (a failed run has no counts, so the last good one
    stands). Runs over a whole onboarding (no step) are left out: their counts span steps."""
    newer = ValidationRun.objects.filter(
        onboarding_id=OuterRef("onboarding_id"),
        step_key=OuterRef("step_key"),
        status=RunStatus.SUCCEEDED,
    ).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    return (
        ValidationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(step_key="")
        .exclude(Exists(newer))
    )


def _run_total(severity: str) -> Coalesce:
    runs = latest_runs().filter(onboarding_id=OuterRef("latest_onboarding"))
    total = (
        runs.order_by()
        .values("onboarding_id")
        .annotate(n=Sum(Cast(KT(f"counts__{severity}"), IntegerField())))
        .values("n")[:1]
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def annotate(practices: QuerySet[Practice], now: datetime) -> QuerySet[Practice]:
    """The dashboard's figures on each practice, all computed in the database."""
    newest = (
        Onboarding.objects.filter(practice_id=OuterRef("pk"))
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    steps = StepProgress.objects.filter(onboarding_id=OuterRef("latest_onboarding"))
    first_open = steps.exclude(status__in=(StepStatus.SIGNED_OFF, StepStatus.READY))
    first_unsigned = steps.exclude(status=StepStatus.SIGNED_OFF)
    return practices.annotate(
        latest_onboarding=Subquery(newest),
        signed=_count(steps.filter(status=StepStatus.SIGNED_OFF), "onboarding_id"),
        attention=_count(steps.filter(status=StepStatus.NEEDS_ATTENTION), "onboarding_id"),
        # The first step still to work on; when only sign-offs remain, the first to sign.
        current_step=Coalesce(
            Subquery(first_open.order_by("number").values("number")[:1]),
            Subquery(first_unsigned.order_by("number").values("number")[:1]),
        ),
        errors=_run_total("error"),
        warnings=_run_total("warning"),
        waivers=_count(
            Waiver.objects.filter(onboarding_id=OuterRef("latest_onboarding"), revoked_at=None),
            "onboarding_id",
        ),
        last_activity=Subquery(
            AuditEvent.objects.filter(practice_id=OuterRef("pk"))
            .order_by()
            .values("practice_id")
            .annotate(last=Max("created_at"))
            .values("last")[:1]
        ),
        health=Case(
            When(signed__gte=len(STEPS), then=Value(Health.DONE.value)),
            When(attention__gt=0, then=Value(Health.BLOCKED.value)),
            When(
                Q(last_activity__isnull=True) | Q(last_activity__lt=now - stuck_after()),
                then=Value(Health.STUCK.value),
            ),
            default=Value(Health.ON_TRACK.value),
            output_field=CharField(),
        ),
        health_rank=Case(
            *(When(health=h.value, then=Value(rank)) for rank, h in enumerate(HEALTH_ORDER)),
            output_field=IntegerField(),
        ),
    )


_FIELDS = (
    "pk",
    "name",
    "target_go_live",
    "archived_at",
    "signed",
    "current_step",
    "errors",
    "warnings",
    "waivers",
    "last_activity",
    "health",
)


def _ordering(sort: str) -> list[Any]:
    column = SORTS[sort.removeprefix("-")]
    if sort.startswith("-"):
        first = F(column).desc(nulls_last=True)
    else:
        first = F(column).asc(nulls_last=True)
    return [first, "name", "pk"]


def select(practices: QuerySet[Practice], filters: Filters, now: datetime) -> list[Row]:
    """Every row matching the filters (except the step filter), sorted: one query.

    The step filter is left to the caller so the chart can still show every step.
    """
    if not filters.archived:
        practices = practices.filter(archived_at__isnull=True)
    if filters.q:
        practices = practices.filter(name__icontains=filters.q)
    if filters.assignee == 0:
        practices = practices.filter(assignees__isnull=True)
    elif filters.assignee is not None:
        practices = practices.filter(
            pk__in=Practice.assignees.through.objects.filter(user_id=filters.assignee).values(
                "practice_id"
            )
        )
    found = annotate(practices, now)
    if filters.status:
        found = found.filter(health=filters.status)
    found = found.order_by(*_ordering(filters.sort))
    return [Row(**values) for values in found.values(*_FIELDS)]


CACHE_SECONDS = 60


def cached_select(
    organisation_id: int, practices: QuerySet[Practice], filters: Filters, now: datetime
) -> list[Row]:
    """``select`` with details filled, shared for a minute between requests while nothing
    changes.

    Every change the dashboard shows (runs, sign-offs, waivers, settings, assignees, archive)
    appends an audit event in the same transaction, so the organisation's latest event sequence
    versions the rows exactly; the minute in the key lets "stuck" age without events. On two
    cores (bench/bench_dashboard.py, 500 practices) it took the page from 22 to 49 requests/s.
    """
    version = (
        AuditEvent.objects.filter(organisation_id=organisation_id).aggregate(m=Max("sequence"))["m"]
        or 0
    )
    minute = int(now.timestamp() // 60)
    wanted = hashlib.sha256(repr(filters).encode()).hexdigest()[:16]
    key = f"liftoff:dashboard:{organisation_id}:{version}:{minute}:{wanted}"
    held = cache.get(key)
    if held is None:
        at = datetime.fromtimestamp(minute * 60, tz=UTC)
        found = select(practices, filters, at)
        fill_details(found)  # for every row: a miss costs more, each hit only a cache read
        held = [
            (
                tuple(getattr(r, name) for name in _FIELDS),
                r.assignees,
                [(f.number, f.status, f.errors, f.warnings) for f in r.steps],
            )
            for r in found
        ]
        cache.set(key, held, CACHE_SECONDS)
    return [
        Row(*values, assignees=assignees, steps=[StepFigures(*f) for f in steps])
        for values, assignees, steps in held
    ]


def at_step(rows: list[Row], step: int | None) -> list[Row]:
    return rows if step is None else [r for r in rows if r.current_step == step]


def fill_details(rows: list[Row]) -> None:
    """Assignees and per-step open figures for the rows about to be shown: three queries."""
    if not rows:
        return
    by_pk = {r.pk: r for r in rows}
    names: dict[int, list[str]] = defaultdict(list)
    for practice_id, first, last, username in Practice.assignees.through.objects.filter(
        practice_id__in=by_pk
    ).values_list("practice_id", "user__first_name", "user__last_name", "user__username"):
        names[practice_id].append(f"{first} {last}".strip() or username)
    newest = (
        Onboarding.objects.filter(practice_id=OuterRef("pk"))
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    onboarding_of = dict(
        Practice.objects.filter(pk__in=by_pk).annotate(o=Subquery(newest)).values_list("o", "pk")
    )
    figures: dict[int, dict[int, StepFigures]] = defaultdict(dict)
    number_of = {s.key: s.number for s in STEPS}
    for onboarding_id, number, status in StepProgress.objects.filter(
        onboarding_id__in=onboarding_of
    ).values_list("onboarding_id", "number", "status"):
        figures[onboarding_of[onboarding_id]][number] = StepFigures(number, status)
    for onboarding_id, step_key, counts in (
        latest_runs()
        .filter(onboarding_id__in=onboarding_of)
        .values_list("onboarding_id", "step_key", "counts")
    ):
        step = figures[onboarding_of[onboarding_id]].get(number_of.get(step_key, 0))
        if step is not None:
            step.errors = int((counts or {}).get("error", 0))
            step.warnings = int((counts or {}).get("warning", 0))
    for pk, row in by_pk.items():
        row.assignees = sorted(names.get(pk, []), key=str.casefold)
        row.steps = [
            s
            for _, s in sorted(figures[pk].items())
            if s.errors or s.warnings or s.status == StepStatus.NEEDS_ATTENTION
        ]


def step_histogram(rows: list[Row]) -> list[tuple[int, str, int]]:
    """(step number, title, practices whose current step it is)."""
    at = Counter(r.current_step for r in rows if r.current_step)
    return [(s.number, s.title, at.get(s.number, 0)) for s in STEPS]


def clear_cache() -> None:
    """The rows live in Django's cache, which tests/conftest.py clears itself; kept for it."""
