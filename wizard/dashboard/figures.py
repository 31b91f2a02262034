"""The onboarding team's view of every practice: progress, where each is, what is open, and who
is stuck.

One query gives every practice's progress, current step, waivers, last activity and health
(correlated subqueries on its newest onboarding), and three more the details: assignees and the
open errors and warnings of each step's latest run. The number of queries never depends on the
number of practices (``tests/wizard/test_dashboard_view.py``). Filtering, search and sorting
happen in Python over those rows, so one computation per ``Snapshot`` (the organisation's latest
audit event and the minute) serves every sort, filter, page and the CSV. Each process keeps the
rows of its latest snapshot; within a minute, a newer snapshot recomputes only the practices its
audit events name (``_patched``), and rows that did not change keep their rendered HTML. The
view caches rendered tables on top.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from audits.models import RunStatus, ValidationRun
from wizard.checklist import STEPS
from wizard.dashboard.open_counts import open_counts
from wizard.dashboard.strip import StripCell
from wizard.http import plain_int
from wizard.models import (
    AuditEvent,
    Onboarding,
    Practice,
    StepProgress,
    StepStatus,
    Waiver,
)


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
            return plain_int(params.get(key, "").strip())

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

    def query(self, *, without: tuple[str, ...] = ()) -> str:
        """The filters as a query string, defaults left out: the one spelling of each view,
        for links, the address bar and cache keys (unknown parameters never reach them)."""
        values = {
            "q": self.q,
            "status": self.status,
            "assignee": self.assignee,
            "step": self.step,
            "archived": "1" if self.archived else "",
            "sort": "" if self.sort == "name" else self.sort,
        }
        return urlencode(
            {k: v for k, v in values.items() if k not in without and v not in ("", None)}
        )


@dataclass
class StepFigures:
    number: int
    needs_attention: bool = False
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
    assignee_ids: frozenset[int] = frozenset()
    steps: list[StepFigures] = field(default_factory=list)  # only those with something open
    states: dict[int, str] = field(default_factory=dict)  # step number -> StepStatus
    html: str | None = field(default=None, compare=False, repr=False)  # the rendered table row

    @property
    def percent(self) -> int:
        return round(100 * self.signed / len(STEPS))

    @property
    def health_rank(self) -> int:
        return HEALTH_ORDER.index(Health(self.health))

    @property
    def health_label(self) -> str:
        return HEALTH_LABELS[Health(self.health)]

    @property
    def current_title(self) -> str:
        return STEPS[self.current_step - 1].title if self.current_step else "All steps signed"

    @property
    def blocked_steps(self) -> list[int]:
        return [s.number for s in self.steps if s.needs_attention]

    @property
    def strip(self) -> list[StripCell]:
        """One cell per step, in order, for the dashboard's 15-cell strip."""
        open_ = {s.number: s for s in self.steps}
        return [
            StripCell.of(step, self.states.get(step.number, StepStatus.NOT_STARTED), open_)
            for step in STEPS
        ]


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


def annotate(practices: QuerySet[Practice], now: datetime) -> QuerySet[Practice]:
    """The dashboard's figures on each practice that the database can give in one row per
    practice: its newest onboarding, steps signed, current step, waivers, last activity and
    health. Open errors and warnings come with the details (``_fill_details``), from the same
    latest runs that give the per-step figures."""
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
        waivers=_count(
            Waiver.objects.filter(onboarding_id=OuterRef("latest_onboarding"), revoked_at=None),
            "onboarding_id",
        ),
        last_activity=Subquery(  # newest first: one step down the (practice, -created_at) index
            AuditEvent.objects.filter(practice_id=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
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
    )


_FIELDS = (
    "pk",
    "name",
    "target_go_live",
    "archived_at",
    "signed",
    "current_step",
    "waivers",
    "last_activity",
    "health",
)


def compute(practices: QuerySet[Practice], now: datetime) -> list[Row]:
    """Every practice's row with its details, archived ones included: four queries, whatever
    the number of practices (one for the figures, three for assignees and per-step figures)."""
    rows: list[Row] = []
    onboarding_of: dict[int, int] = {}
    for values in annotate(practices, now).values(*_FIELDS, "latest_onboarding"):
        onboarding = values.pop("latest_onboarding")
        rows.append(Row(**values, errors=0, warnings=0))
        if onboarding is not None:
            onboarding_of[onboarding] = values["pk"]
    _fill_details(rows, onboarding_of, practices.values("pk"))
    return rows


def _matches(row: Row, filters: Filters, q: str) -> bool:
    """Whether a row passes every filter but the step filter (``q`` is the folded search)."""
    if row.archived_at is not None and not filters.archived:
        return False
    if q and q not in row.name.casefold():
        return False
    if filters.assignee is not None:
        # 0 means "nobody assigned"; another number, that team member.
        assigned = (
            filters.assignee in row.assignee_ids if filters.assignee else not row.assignee_ids
        )
        if not assigned:
            return False
    return not filters.status or row.health == filters.status


def choose(rows: list[Row], filters: Filters) -> list[Row]:
    """The rows matching the filters (except the step filter, so the chart can still show
    every step), sorted; nulls last whichever the direction, then by name."""
    q = filters.q.casefold()
    found = [r for r in rows if _matches(r, filters, q)]
    found.sort(key=lambda r: (r.name.casefold(), r.pk))
    column = SORTS[filters.sort.removeprefix("-")]
    if column == "name":
        if filters.sort.startswith("-"):  # stable: namesakes stay in creation order
            found.sort(key=lambda r: r.name.casefold(), reverse=True)
        return found
    present = [r for r in found if getattr(r, column) is not None]
    present.sort(key=lambda r: getattr(r, column), reverse=filters.sort.startswith("-"))
    return present + [r for r in found if getattr(r, column) is None]


def select(practices: QuerySet[Practice], filters: Filters, now: datetime) -> list[Row]:
    """``choose`` over freshly computed rows (no cache)."""
    return choose(compute(practices, now), filters)


CACHE_SECONDS = 60


@dataclass(frozen=True)
class Snapshot:
    """What the organisation's dashboard looks like now, as a cache key.

    Every change the dashboard shows (runs, sign-offs, waivers, settings, assignees, archive)
    appends an audit event in the same transaction, so the organisation's latest event (its
    sequence and chained hash) versions the figures exactly; the minute lets "stuck" and
    "n minutes ago" age without events.
    """

    organisation_id: int
    sequence: int
    head: str
    minute: int

    @classmethod
    def of(cls, organisation_id: int, now: datetime) -> Snapshot:
        latest = (
            AuditEvent.objects.filter(organisation_id=organisation_id)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        ) or (0, "")
        return cls(organisation_id, latest[0], latest[1][:16], int(now.timestamp() // 60))

    @property
    def at(self) -> datetime:
        """The start of the minute: every figure of one snapshot is computed at the same time."""
        return datetime.fromtimestamp(self.minute * 60, tz=UTC)

    def key(self, kind: str, *parts: object) -> str:
        wanted = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
        return (
            f"liftoff:dashboard:{kind}:{self.organisation_id}:{self.sequence}:{self.head}:"
            f"{self.minute}:{wanted}"
        )


# Each process keeps the rows of the latest snapshot it computed, per organisation: one
# computation serves every sort, filter, page and the CSV until the next change or minute, and
# a hit costs no unpickling (bench/bench_dashboard.py). Bounded; the oldest organisation goes.
MEMO_ORGANISATIONS = 64
_memo: dict[int, tuple[Snapshot, list[Row]]] = {}
_memo_lock = threading.Lock()


def rows_for(snapshot: Snapshot, practices: QuerySet[Practice]) -> list[Row]:
    """Every row of the snapshot's organisation; ``practices`` must be that organisation's."""
    held = _memo.get(snapshot.organisation_id)
    if held is not None and held[0] == snapshot:
        return held[1]
    same_minute = held is not None and held[0].minute == snapshot.minute
    rows = _patched(held[0], held[1], snapshot, practices) if same_minute else None
    if rows is None:
        rows = compute(practices, snapshot.at)
    if same_minute:
        _keep_html(held[1], rows)
    with _memo_lock:
        _memo.pop(snapshot.organisation_id, None)
        while len(_memo) >= MEMO_ORGANISATIONS:
            _memo.pop(next(iter(_memo)))
        _memo[snapshot.organisation_id] = (snapshot, rows)
    return rows


# More events than this since the last snapshot: compute everything again.
PATCH_AT_MOST = 50


def _patched(
    before: Snapshot, rows: list[Row], snapshot: Snapshot, practices: QuerySet[Practice]
) -> list[Row] | None:
    """``rows`` brought up to ``snapshot`` by computing again only the practices named by the
    audit events in between; None when that cannot be trusted: an event of the whole
    organisation (no practice), too many events, or a history other than the one ``rows``
    came from (the event at ``before.sequence`` must still carry ``before.head``).

    Sound because every change the dashboard shows writes its practice's event in the same
    transaction, and within one minute nothing else moves a row."""
    if before.sequence == 0 or snapshot.sequence <= before.sequence:
        return None
    since = list(
        AuditEvent.objects.filter(
            organisation_id=snapshot.organisation_id,
            sequence__gte=before.sequence,
            sequence__lte=snapshot.sequence,
        )
        .order_by("sequence")
        .values_list("sequence", "hash", "practice_id")[: PATCH_AT_MOST + 2]
    )
    if not since or since[0][0] != before.sequence or since[0][1][:16] != before.head:
        return None
    changed = {practice_id for _, _, practice_id in since[1:]}
    if len(since) > PATCH_AT_MOST + 1 or None in changed:
        return None
    fresh = {r.pk: r for r in compute(practices.filter(pk__in=changed), snapshot.at)}
    patched = [
        fresh.pop(r.pk) if r.pk in fresh else r
        for r in rows
        if r.pk not in changed or r.pk in fresh  # a practice gone since is dropped
    ]
    patched.extend(fresh.values())  # practices created since
    return patched


def _keep_html(before: list[Row], rows: list[Row]) -> None:
    """Rows whose figures are the same as a moment ago keep their rendered HTML (it depends
    only on the row and the minute): a change usually touches one practice."""
    previous = {r.pk: r for r in before}
    for row in rows:
        was = previous.get(row.pk)
        if was is not None and was is not row and was == row:
            row.html = was.html


def clear_cache() -> None:
    """Forget every process-local row list (tests: ids and sequences repeat after rollbacks)."""
    with _memo_lock:
        _memo.clear()


def at_step(rows: list[Row], step: int | None) -> list[Row]:
    return rows if step is None else [r for r in rows if r.current_step == step]


def _fill_details(rows: list[Row], onboarding_of: dict[int, int], practice_ids: QuerySet) -> None:
    """Assignees, open errors and warnings, and per-step open figures of ``rows``: four
    queries. ``onboarding_of`` maps each row's newest onboarding to its practice; the queries
    select by ``practice_ids`` (a subquery: no list of ids to send) and skip older
    onboardings here."""
    if not rows:
        return
    by_pk = {r.pk: r for r in rows}
    names: dict[int, list[str]] = defaultdict(list)
    ids: dict[int, set[int]] = defaultdict(set)
    for practice_id, user_id, first, last, username in Practice.assignees.through.objects.filter(
        practice_id__in=practice_ids
    ).values_list(
        "practice_id", "user_id", "user__first_name", "user__last_name", "user__username"
    ):
        names[practice_id].append(f"{first} {last}".strip() or username)
        ids[practice_id].add(user_id)
    figures: dict[int, dict[int, StepFigures]] = defaultdict(dict)
    # Every step's status (the strip); those needing attention also count as open figures.
    for onboarding_id, number, status in StepProgress.objects.filter(
        onboarding__practice_id__in=practice_ids
    ).values_list("onboarding_id", "number", "status"):
        if onboarding_id in onboarding_of:
            by_pk[onboarding_of[onboarding_id]].states[number] = status
            if status == StepStatus.NEEDS_ATTENTION:
                figures[onboarding_of[onboarding_id]][number] = StepFigures(number, True)
    number_of = {s.key: s.number for s in STEPS}
    for onboarding_id, step_key, errors, warnings in open_counts(latest_runs(), practice_ids):
        number = number_of.get(step_key)
        practice_id = onboarding_of.get(onboarding_id)
        if number is None or practice_id is None:
            continue
        step = figures[practice_id].setdefault(number, StepFigures(number))
        step.errors, step.warnings = errors, warnings
        by_pk[practice_id].errors += errors
        by_pk[practice_id].warnings += warnings
    for pk, row in by_pk.items():
        row.assignees = sorted(names.get(pk, []), key=str.casefold)
        row.assignee_ids = frozenset(ids.get(pk, ()))
        row.steps = [s for _, s in sorted(figures[pk].items())]


def step_histogram(rows: list[Row]) -> list[tuple[int, str, int]]:
    """(step number, title, practices whose current step it is)."""
    at = Counter(r.current_step for r in rows if r.current_step)
    return [(s.number, s.title, at.get(s.number, 0)) for s in STEPS]
