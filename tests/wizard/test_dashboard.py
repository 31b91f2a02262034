import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import RunStatus, ValidationRun
from wizard import dashboard, events, services
from wizard.models import StepProgress, StepStatus, Verb


def _set(practice, statuses: dict[int, str]):
    onboarding = practice.current_onboarding()
    for number, status in statuses.items():
        StepProgress.objects.filter(onboarding=onboarding, number=number).update(status=status)
    return onboarding


def _row(practice):
    from wizard.models import Practice

    (row,) = dashboard.rows(Practice.objects.filter(pk=practice.pk))
    return row


def test_it_counts_signed_steps_and_finds_the_current_one(practice):
    _set(practice, {1: StepStatus.SIGNED_OFF, 2: StepStatus.SIGNED_OFF, 3: StepStatus.READY})
    row = _row(practice)
    assert (row.signed, row.current, row.percent) == (2, 3, 13)


def test_it_marks_a_practice_with_errors_open_as_blocked(practice):
    onboarding = _set(practice, {5: StepStatus.NEEDS_ATTENTION})
    ValidationRun.objects.create(
        practice=practice,
        onboarding=onboarding,
        step_key="clean-data",
        status=RunStatus.SUCCEEDED,
        counts={"error": 4, "warning": 2},
    )
    row = _row(practice)
    assert (row.health, row.blocked_steps, row.errors, row.warnings) == (
        dashboard.Health.BLOCKED,
        [5],
        4,
        2,
    )


def test_it_counts_only_the_latest_run_of_each_step(practice):
    onboarding = practice.current_onboarding()
    for errors in (9, 1):
        ValidationRun.objects.create(
            practice=practice,
            onboarding=onboarding,
            step_key="clean-data",
            status=RunStatus.SUCCEEDED,
            counts={"error": errors},
        )
    assert _row(practice).errors == 1


def test_it_calls_a_practice_stuck_after_days_without_activity(practice, settings, monkeypatch):
    settings.LIFTOFF_STUCK_AFTER_DAYS = 7
    assert _row(practice).health == dashboard.Health.ON_TRACK
    later = timezone.now() + datetime.timedelta(days=8)
    monkeypatch.setattr(dashboard.timezone, "now", lambda: later)
    assert _row(practice).health == dashboard.Health.STUCK


def test_it_uses_the_same_number_of_queries_for_5_and_50_practices(organisation, lead, client_for):
    client = client_for(lead)

    def queries(n):
        existing = organisation.practices.count()
        for i in range(existing, n):
            services.create_practice(organisation=organisation, name=f"Practice {i:03d}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("wizard:practice_list")).status_code == 200
        return len(captured)

    assert queries(5) == queries(50)


def test_it_filters_searches_and_exports(organisation, lead, client_for):
    blocked = services.create_practice(organisation=organisation, name="Blocked Bookkeepers")
    _set(blocked, {4: StepStatus.NEEDS_ATTENTION})
    services.create_practice(organisation=organisation, name="Fine Accounting")
    client = client_for(lead)
    body = client.get(reverse("wizard:practice_list"), {"status": "blocked"}).content.decode()
    assert "Blocked Bookkeepers" in body and "Fine Accounting" not in body
    body = client.get(reverse("wizard:practice_list"), {"q": "fine"}).content.decode()
    assert "Fine Accounting" in body and "Blocked Bookkeepers" not in body
    csv_body = client.get(reverse("wizard:practice_list"), {"format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert csv_body.splitlines()[0].startswith("practice,signed of 15,current step")
    assert "Blocked Bookkeepers,0,1,0,0,4" in csv_body


def test_it_hides_archived_practices_unless_asked(organisation, lead, client_for):
    gone = services.create_practice(organisation=organisation, name="Archived Advisers")
    gone.archived_at = timezone.now()
    gone.save()
    client = client_for(lead)
    assert "Archived Advisers" not in client.get(reverse("wizard:practice_list")).content.decode()
    assert (
        "Archived Advisers"
        in client.get(reverse("wizard:practice_list"), {"archived": "1"}).content.decode()
    )


def test_it_counts_practices_per_current_step(organisation):
    from wizard.models import Practice

    for name, signed in (("A", 0), ("B", 2), ("C", 2)):
        p = services.create_practice(organisation=organisation, name=name)
        _set(p, {n: StepStatus.SIGNED_OFF for n in range(1, signed + 1)})
    histogram = dashboard.step_histogram(
        dashboard.rows(Practice.objects.filter(organisation=organisation))
    )
    assert [(n, c) for n, _, c in histogram[:3]] == [(1, 1), (2, 0), (3, 2)]


def test_it_records_activity_per_practice(practice):
    events.record(organisation=practice.organisation, practice=practice, verb=Verb.PRACTICE_UPDATED)
    assert _row(practice).last_activity is not None


def test_it_shows_a_state_change_at_once_despite_the_cache(practice, lead, manager, client_for):
    client = client_for(lead)
    assert "0 / 15" in client.get(reverse("wizard:practice_list")).content.decode()
    progress = practice.current_onboarding().steps.get(number=1)
    services.record_attestation(
        progress=progress, actor=manager, checked_by="Priya", checked_on=datetime.date(2026, 11, 2)
    )
    from wizard import signoff

    signoff.sign_off(progress=progress, actor=manager)
    assert "1 / 15" in client.get(reverse("wizard:practice_list")).content.decode()
