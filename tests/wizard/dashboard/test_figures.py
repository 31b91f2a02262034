"""The team dashboard's figures, against practices put in known states."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audits.models import RunStatus, ValidationRun
from tests.wizard.signoff.factories import finding, ready_data_step
from wizard import events
from wizard.dashboard import figures as dashboard
from wizard.models import (
    AuditEvent,
    Practice,
    StepProgress,
    StepStatus,
    Verb,
    Waiver,
)
from wizard.practices.services import create_practice, start_onboarding
from wizard.signoff import services as signoff

NOW = timezone.now()


def set_steps(practice, statuses: dict[int, str]):
    onboarding = practice.current_onboarding()
    for number, status in statuses.items():
        StepProgress.objects.filter(onboarding=onboarding, number=number).update(status=status)
    return onboarding


def add_run(practice, step_key, status=RunStatus.SUCCEEDED, at=None, **counts):
    return ValidationRun.objects.create(
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key=step_key,
        status=status,
        counts=counts,
        created_at=at or timezone.now(),
    )


def event_at(practice, when):
    """An audit event dated ``when``: events are append-only, so the date is set at insert."""
    last = AuditEvent.objects.filter(organisation=practice.organisation).order_by("-sequence")[0]
    event = AuditEvent(
        organisation=practice.organisation,
        practice=practice,
        verb=Verb.PRACTICE_UPDATED,
        actor_label="test",
        created_at=when,
        sequence=last.sequence + 1,
        prev_hash=last.hash,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def row_of(practice, now=None, **filters) -> dashboard.Row:
    rows = dashboard.select(
        Practice.objects.filter(pk=practice.pk), dashboard.Filters(**filters), now or NOW
    )
    (row,) = rows
    return row


def test_it_counts_signed_steps(practice):
    set_steps(practice, {1: StepStatus.SIGNED_OFF, 2: StepStatus.SIGNED_OFF})
    row = row_of(practice)
    assert (row.signed, row.percent) == (2, 13)


def test_it_does_not_count_a_stale_sign_off_as_signed(practice):
    set_steps(practice, {1: StepStatus.SIGNED_OFF, 2: StepStatus.STALE})
    row = row_of(practice)
    assert (row.signed, row.current_step) == (1, 2)


def test_it_takes_the_first_step_neither_signed_nor_ready_as_current(practice):
    set_steps(practice, {1: StepStatus.SIGNED_OFF, 2: StepStatus.READY, 3: StepStatus.IN_PROGRESS})
    assert row_of(practice).current_step == 3


def test_it_falls_back_to_the_first_step_awaiting_sign_off(practice):
    set_steps(practice, {n: StepStatus.SIGNED_OFF for n in range(1, 15)} | {15: StepStatus.READY})
    assert row_of(practice).current_step == 15


def test_it_marks_a_fully_signed_practice_complete(practice):
    set_steps(practice, {n: StepStatus.SIGNED_OFF for n in range(1, 16)})
    row = row_of(practice)
    assert (row.signed, row.current_step, row.health) == (15, None, dashboard.Health.DONE)


def test_it_sums_open_errors_and_warnings_per_step_from_the_latest_runs(practice):
    set_steps(practice, {5: StepStatus.NEEDS_ATTENTION})
    add_run(practice, "clean-data", error=4, warning=2, info=9)
    add_run(practice, "client-names", warning=3)
    row = row_of(practice)
    assert (row.errors, row.warnings) == (4, 5)
    assert [(s.number, s.errors, s.warnings, s.needs_attention) for s in row.steps] == [
        (3, 0, 3, False),
        (5, 4, 2, True),
    ]


def test_it_counts_only_the_latest_successful_run_of_each_step(practice):
    earlier = timezone.now() - datetime.timedelta(hours=2)
    add_run(practice, "clean-data", at=earlier, error=9)
    add_run(practice, "clean-data", at=earlier + datetime.timedelta(hours=1), error=1)
    add_run(practice, "clean-data", status=RunStatus.FAILED)  # newest, but counted nothing
    row = row_of(practice)
    assert row.errors == 1
    assert [(s.number, s.errors) for s in row.steps] == [(5, 1)]


def test_it_ignores_runs_of_an_earlier_onboarding(practice):
    add_run(practice, "clean-data", error=7)
    start_onboarding(practice=practice, label="Re-check")
    assert row_of(practice).errors == 0


def test_it_counts_waivers_still_in_force(practice):
    onboarding = practice.current_onboarding()
    for revoked in (None, None, timezone.now()):
        Waiver.objects.create(
            onboarding=onboarding,
            step_key="clean-data",
            code="C05.E001",
            match_key="k",
            reason="kept on purpose",
            waived_by_label="x",
            revoked_at=revoked,
        )
    assert row_of(practice).waivers == 2


def test_it_marks_a_step_needing_attention_as_blocked(practice):
    set_steps(practice, {4: StepStatus.NEEDS_ATTENTION})
    row = row_of(practice)
    assert (row.health, row.blocked_steps) == (dashboard.Health.BLOCKED, [4])


def test_it_calls_a_practice_stuck_after_the_setting_s_days_without_activity(
    organisation, settings
):
    settings.LIFTOFF_STUCK_AFTER_DAYS = 7
    practice = create_practice(organisation=organisation, name="Quiet & Co")
    assert row_of(practice, now=NOW).health == dashboard.Health.ON_TRACK
    assert row_of(practice, now=NOW + datetime.timedelta(days=6)).health == "on_track"
    assert row_of(practice, now=NOW + datetime.timedelta(days=8)).health == "stuck"
    settings.LIFTOFF_STUCK_AFTER_DAYS = 10
    assert row_of(practice, now=NOW + datetime.timedelta(days=8)).health == "on_track"


def test_it_takes_the_latest_event_as_last_activity(practice):
    old = NOW - datetime.timedelta(days=30)
    event_at(practice, old)
    latest = events.record(
        organisation=practice.organisation, practice=practice, verb=Verb.PRACTICE_UPDATED
    )
    assert row_of(practice).last_activity == latest.created_at


def test_it_lists_assignees_by_name(practice, lead, specialist):
    practice.assignees.set([specialist, lead])
    assert row_of(practice).assignees == ["Lead", "Specialist"]


@pytest.fixture
def three(organisation, lead, specialist):
    """Blocked (assigned to the specialist), stuck, and on track at step 3."""
    blocked = create_practice(organisation=organisation, name="Blocked Bookkeepers")
    set_steps(blocked, {4: StepStatus.NEEDS_ATTENTION})
    blocked.assignees.set([specialist])
    stuck = create_practice(organisation=organisation, name="Sleepy Partners")
    fine = create_practice(organisation=organisation, name="Fine Accounting")
    set_steps(fine, {1: StepStatus.SIGNED_OFF, 2: StepStatus.SIGNED_OFF})
    fine.assignees.set([lead])
    return blocked, stuck, fine


def names(now=None, **filters) -> list[str]:
    rows = dashboard.select(Practice.objects.all(), dashboard.Filters(**filters), now or NOW)
    return [r.name for r in dashboard.at_step(rows, filters.get("step"))]


def test_it_filters_by_status(three):
    later = NOW + datetime.timedelta(days=30)
    event_at(three[2], later)  # only Fine Accounting has been active lately
    assert names(now=later, status="stuck") == ["Sleepy Partners"]
    assert names(now=later, status="blocked") == ["Blocked Bookkeepers"]  # blocked before stuck
    assert names(now=later, status="on_track") == ["Fine Accounting"]


def test_it_filters_by_assignee_and_by_nobody(three, specialist):
    assert names(assignee=specialist.pk) == ["Blocked Bookkeepers"]
    assert names(assignee=0) == ["Sleepy Partners"]


def test_it_filters_by_current_step(three):
    assert names(step=3) == ["Fine Accounting"]
    assert names(step=1) == ["Blocked Bookkeepers", "Sleepy Partners"]


def test_it_searches_by_name_ignoring_case(three):
    assert names(q="SLEEPY") == ["Sleepy Partners"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Blocked Bookkeepers", "Fine Accounting", "Sleepy Partners"]),
        ("-name", ["Sleepy Partners", "Fine Accounting", "Blocked Bookkeepers"]),
        ("-progress", ["Fine Accounting", "Blocked Bookkeepers", "Sleepy Partners"]),
        ("-step", ["Fine Accounting", "Blocked Bookkeepers", "Sleepy Partners"]),
        ("status", ["Blocked Bookkeepers", "Fine Accounting", "Sleepy Partners"]),
        ("-status", ["Fine Accounting", "Sleepy Partners", "Blocked Bookkeepers"]),
    ],
)
def test_it_sorts(three, sort, expected):
    assert names(sort=sort) == expected


def test_it_puts_practices_without_a_target_date_last_either_way(three):
    three[1].target_go_live = datetime.date(2027, 1, 31)
    three[1].save()
    three[2].target_go_live = datetime.date(2026, 12, 1)
    three[2].save()
    assert names(sort="target") == ["Fine Accounting", "Sleepy Partners", "Blocked Bookkeepers"]
    assert names(sort="-target") == ["Sleepy Partners", "Fine Accounting", "Blocked Bookkeepers"]


def test_it_hides_archived_practices_unless_asked(three):
    three[1].archived_at = timezone.now()
    three[1].save()
    assert "Sleepy Partners" not in names()
    assert "Sleepy Partners" in names(archived=True)


def test_it_counts_practices_at_each_step(three):
    rows = dashboard.select(Practice.objects.all(), dashboard.Filters(), NOW)
    histogram = dashboard.step_histogram(rows)
    assert [(n, c) for n, _, c in histogram[:4]] == [(1, 2), (2, 0), (3, 1), (4, 0)]
    assert len(histogram) == 15


def test_namesakes_keep_their_creation_order_both_ways(organisation):
    first = Practice.objects.create(organisation=organisation, name="Twin Accounts")
    second = Practice.objects.create(organisation=organisation, name="twin accounts")
    for sort in ("name", "-name"):
        rows = dashboard.select(Practice.objects.all(), dashboard.Filters(sort=sort), NOW)
        assert [r.pk for r in rows] == [first.pk, second.pk], sort


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 5000, "-1", "1e3"])
def test_it_ignores_numbers_that_are_not_plain_digits(raw):
    from django.http import QueryDict

    filters = dashboard.Filters.from_query(QueryDict(f"assignee={raw}&step={raw}"))
    assert (filters.assignee, filters.step) == (None, None)


def test_it_spells_each_view_one_way():
    filters = dashboard.Filters(q="a&b", status="stuck", assignee=0, sort="-errors")
    assert filters.query() == "q=a%26b&status=stuck&assignee=0&sort=-errors"
    assert filters.query(without=("sort", "q")) == "status=stuck&assignee=0"
    assert dashboard.Filters().query() == ""


def test_it_counts_only_findings_still_open(practice, manager):
    """A waived error and an acknowledged warning are no longer open: the dashboard says what
    the completion report says (issue: 21 "open" errors on a practice with 0 open)."""
    ready_data_step(
        practice,
        findings=[
            finding("C03.E001", "Lee, Ann", rows=(14,)),
            finding("C03.E002", "Bo  Stone", rows=(15,)),
            finding("C03.W003", "Mr Bob Stone"),
        ],
    )
    run = practice.current_onboarding().validation_runs.get()
    assert (row_of(practice).errors, row_of(practice).warnings) == (2, 1)
    signoff.waive(
        finding=run.findings.get(code="C03.E001"),
        actor=manager,
        reason="The partners keep this legal name until June.",
    )
    signoff.acknowledge(findings=[run.findings.get(code="C03.W003")], actor=manager)
    row = row_of(practice)
    assert (row.errors, row.warnings) == (1, 0)
    assert [(s.number, s.errors, s.warnings) for s in row.steps] == [(3, 1, 0)]


def test_it_leaves_a_step_out_when_everything_in_it_was_waived(practice, manager):
    ready_data_step(practice, findings=[finding("C03.E001", "Lee, Ann", rows=(14,))])
    run = practice.current_onboarding().validation_runs.get()
    signoff.waive(
        finding=run.findings.get(code="C03.E001"),
        actor=manager,
        reason="The partners keep this legal name until June.",
    )
    row = row_of(practice)
    assert (row.errors, row.steps) == (0, [])


def test_it_gives_each_step_a_cell_of_the_strip(practice):
    set_steps(
        practice,
        {1: StepStatus.SIGNED_OFF, 2: StepStatus.READY, 5: StepStatus.NEEDS_ATTENTION},
    )
    add_run(practice, "clean-data", error=3, warning=1)
    strip = row_of(practice).strip
    assert [c.state for c in strip[:6]] == [
        "signed",
        "ready",
        "not-started",
        "not-started",
        "attention",
        "not-started",
    ]
    assert strip[4].label == "Step 5, Needs attention: 3 error(s), 1 warning(s)"
    assert len(strip) == 15
