from datetime import timedelta

import pytest
from django.utils import timezone

from audits import tasks
from audits.models import Finding, RunStatus, StateMapping, ValidationRun
from audits.runs import checking, execution, state_map
from audits.validators import registry
from audits.validators.base import Registry, Rule
from tests.audits.runs.factories import CLIENTS_CSV, make_upload
from wizard.models import AuditEvent, StepStatus, Verb
from wizard.runs import services as run_services

# Until audits/loading.py lands (another engineer is writing it against the agreed API).


class CommaNames(Rule):
    code = "C03.E901"
    title = "Test: comma in a name"
    needs = ("xpm_clients",)

    def check(self, ctx):
        table = ctx.table("xpm_clients")
        names = table.col("name")
        for row, name in zip(
            table.rows[names.str.contains(",")], names[names.str.contains(",")], strict=True
        ):
            yield self.finding(
                f'"{name}" is written "Last, First".',
                file=table.file,
                rows=[row],
                column=table.header("name"),
                value=name,
            )


class Crashes(Rule):
    code = "C03.E902"
    title = "Test: always crashes"
    needs = ("xpm_clients",)

    def check(self, ctx):
        raise KeyError("boom")


class EveryName(Rule):
    code = "C03.I903"
    title = "Test: one note per client"
    needs = ("xpm_clients",)

    def check(self, ctx):
        table = ctx.table("xpm_clients")
        for row, name in zip(table.rows, table.col("name"), strict=True):
            yield self.finding("A client.", file=table.file, rows=[row], value=name)


@pytest.fixture
def rules(monkeypatch):
    def use(*rules):
        monkeypatch.setattr(registry, "REGISTRY", Registry(rules))

    use(CommaNames(), EveryName())
    return use


def queued_run(onboarding, step_key="client-names"):
    (run,) = [
        r
        for r in run_services.start_runs_for_kinds(onboarding=onboarding, kinds={"xpm_clients"})
        if r.step_key == step_key
    ]
    return run


def stored(run):
    return list(
        Finding.objects.filter(run=run)
        .order_by("position")
        .values_list("position", "code", "severity", "rows", "value", "message", "match_key")
    )


def test_it_queues_a_run_for_each_step_reading_the_kind(onboarding, clients, manager):
    started = run_services.start_runs_for_kinds(
        onboarding=onboarding, kinds={"xpm_clients"}, actor=manager
    )
    assert sorted(r.step_key for r in started) == ["clean-data", "client-names", "internal-names"]
    run = next(r for r in started if r.step_key == "client-names")
    assert run.items == [3]
    assert run.status == RunStatus.QUEUED
    assert list(run.uploads.all()) == [clients]
    assert run.requested_by == manager


def test_it_skips_steps_missing_a_required_export(onboarding, clients):
    started = run_services.start_runs_for_kinds(onboarding=onboarding, kinds={"xpm_clients"})
    assert "name-parity" not in {r.step_key for r in started}  # needs xero_contacts too


def test_it_records_the_queued_run(onboarding, clients, manager):
    run = run_services.start_run(onboarding=onboarding, step_key="client-names", actor=manager)
    event = AuditEvent.objects.get(verb=Verb.RUN_QUEUED)
    assert event.details["run"] == run.pk and event.actor == manager


def test_it_executes_once_committed(onboarding, clients, rules, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_services.start_run(onboarding=onboarding, step_key="client-names", actor=None)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_it_stores_findings_counts_and_timings(onboarding, clients, rules):
    run = queued_run(onboarding)
    assert execution.execute_run(run.pk) == execution.Outcome.DONE
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.progress == 100
    assert run.attempts == 1 and run.finished_at is not None
    assert run.counts == {"error": 1, "warning": 0, "info": 3}
    assert set(run.timings) >= {"C03.E901", "C03.I903"}
    first = Finding.objects.get(run=run, code="C03.E901")
    assert first.position == 0
    assert first.rows == [3] and first.value == "Smith, John" and first.file == "clients.csv"
    assert first.match_key == "C03.E901|smith, john"
    assert AuditEvent.objects.filter(verb=Verb.RUN_FINISHED, details__run=run.pk).exists()


def test_it_refreshes_the_step_status(onboarding, clients, rules):
    run = queued_run(onboarding)
    execution.execute_run(run.pk)
    progress = onboarding.steps.get(step_key="client-names")
    assert progress.status == StepStatus.NEEDS_ATTENTION


def test_it_runs_once_when_claimed_twice(onboarding, clients, rules):
    run = queued_run(onboarding)
    assert execution.execute_run(run.pk) == execution.Outcome.DONE
    assert execution.execute_run(run.pk) == execution.Outcome.FINISHED
    run.refresh_from_db()
    assert run.attempts == 1
    assert Finding.objects.filter(run=run).count() == 4
    assert AuditEvent.objects.filter(verb=Verb.RUN_FINISHED).count() == 1


def test_it_leaves_a_live_run_to_its_worker(onboarding, clients, rules):
    run = queued_run(onboarding)
    assert execution.claim(run.pk) == 1
    assert execution.execute_run(run.pk) == execution.Outcome.BUSY
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempts == 1


@pytest.mark.parametrize("where", ["_store", "check_files"])
def test_it_hands_the_run_back_when_the_database_hiccups(
    onboarding, clients, rules, monkeypatch, where
):
    """A transient database error (SQLite "database is locked", PostgreSQL restarting) while
    checking or storing: the run goes back to the queue, so the task's retry runs it at once
    rather than finding it "running" until the stale sweep."""
    from django.db import OperationalError

    run = queued_run(onboarding)
    real = getattr(execution, where)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(execution, where, locked)
    with pytest.raises(OperationalError):
        execution.execute_run(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.QUEUED, 1)
    monkeypatch.setattr(execution, where, real)
    assert execution.execute_run(run.pk) == execution.Outcome.DONE  # the retry
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.SUCCEEDED, 2)


def test_it_is_quiet_about_a_deleted_run(db):
    assert execution.execute_run(987654) == execution.Outcome.GONE


def test_it_stores_a_crashing_rule_as_c00_e999(onboarding, clients, rules):
    rules(CommaNames(), Crashes())
    run = queued_run(onboarding)
    execution.execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    crash = Finding.objects.get(run=run, code="C00.E999")
    assert crash.value == "C03.E902" and "KeyError" in crash.hint
    assert Finding.objects.filter(run=run, code="C03.E901").exists()


def test_it_fails_a_run_whose_file_cannot_be_read(onboarding, rules):
    make_upload(onboarding, "xpm_clients", b"Client,Email\r\n", name="empty.csv")
    run = queued_run(onboarding)
    assert execution.execute_run(run.pk) == execution.Outcome.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("We could not read your export")
    assert "Traceback" not in run.error
    assert not Finding.objects.filter(run=run).exists()
    event = AuditEvent.objects.get(verb=Verb.RUN_FAILED)
    assert event.details["reason"] == run.error
    assert onboarding.steps.get(step_key="client-names").status == StepStatus.NEEDS_ATTENTION


def test_it_resumes_an_interrupted_run_with_the_same_findings(onboarding, clients, rules, settings):
    reference = queued_run(onboarding)
    execution.execute_run(reference.pk)

    run = queued_run(onboarding)
    assert execution.claim(run.pk) == 1
    # What a worker killed half-way through writing could leave behind.
    Finding.objects.create(
        run=run,
        position=0,
        code="C03.E901",
        item=3,
        severity="error",
        message="partial",
        match_key="x",
    )
    ValidationRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.LIFTOFF_RUN_STALE_AFTER + 5)
    )
    assert execution.execute_run(run.pk) == execution.Outcome.DONE
    run.refresh_from_db()
    assert run.attempts == 2 and run.status == RunStatus.SUCCEEDED
    assert stored(run) == stored(reference)


def test_it_drops_the_result_of_an_attempt_that_was_taken_over(
    onboarding, clients, rules, settings
):
    run = queued_run(onboarding)
    checked = checking.check_files(checking.inputs_for(run), items=[3])
    assert execution.claim(run.pk) == 1
    ValidationRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.LIFTOFF_RUN_STALE_AFTER + 5)
    )
    assert execution.claim(run.pk) == 2
    assert execution._store(run, 1, checked) == execution.Outcome.SUPERSEDED
    assert not Finding.objects.filter(run=run).exists()


def _stale(run, settings, attempts):
    ValidationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.LIFTOFF_RUN_STALE_AFTER + 5),
    )


def test_it_requeues_a_stale_run(
    onboarding, clients, rules, settings, django_capture_on_commit_callbacks
):
    run = queued_run(onboarding)
    _stale(run, settings, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stale_runs()["requeued"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 2


def test_it_fails_a_run_whose_worker_keeps_dying(onboarding, clients, settings):
    run = queued_run(onboarding)
    _stale(run, settings, attempts=execution.MAX_ATTEMPTS)
    assert tasks.sweep_stale_runs()["failed"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "stopped responding" in run.error
    assert AuditEvent.objects.filter(verb=Verb.RUN_FAILED, details__run=run.pk).exists()


def test_it_leaves_a_live_run_alone_when_sweeping(onboarding, clients):
    run = queued_run(onboarding)
    execution.claim(run.pk)
    assert tasks.sweep_stale_runs() == {"requeued": 0, "failed": 0}
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_it_overlays_the_confirmed_state_map(practice, manager):
    state_map.save_state_map(practice=practice, choices={"WIP  Review": "on_hold"}, actor=manager)
    mapping = StateMapping.objects.get(practice=practice)
    assert mapping.confirmed_by == manager
    assert state_map.state_map_for(practice)["wip review"] == "on_hold"


def test_it_passes_the_state_map_to_the_rules(onboarding, practice, manager, rules):
    seen = {}

    class ReadsStates(Rule):
        code = "C11.I901"
        title = "Test: reads the state map"
        needs = ("xpm_jobs",)

        def check(self, ctx):
            seen.update(ctx.state_map)
            return ()

    rules(ReadsStates())
    jobs = b"Job No.,Client,State\r\nJ1,Jane Smith,WIP Review\r\n"
    make_upload(onboarding, "xpm_jobs", jobs, name="jobs.csv")
    state_map.save_state_map(practice=practice, choices={"WIP Review": "on_hold"}, actor=manager)
    run = run_services.start_run(onboarding=onboarding, step_key="job-states", actor=manager)
    execution.execute_run(run.pk)
    assert seen["wip review"] == "on_hold"


def test_it_checks_identifiers_as_the_practices_country(onboarding, practice, manager):
    """The practice's country reaches the rules: an NZ IRD number is right in an NZ practice, an
    Australian ABN is not."""
    practice.country = "NZ"
    practice.save(update_fields=["country"])
    data = (
        b"Client,Business Structure,Tax Number\r\n"
        b"Kiwi Traders Ltd,Company,49-091-850\r\n"
        b"Harbour Dental Pty Ltd,Company,51 824 753 556\r\n"
    )
    make_upload(onboarding, "xpm_clients", data, name="clients.csv")
    run = run_services.start_run(onboarding=onboarding, step_key="clean-data", actor=manager)
    assert execution.execute_run(run.pk) == execution.Outcome.DONE
    found = Finding.objects.filter(run=run, code="C05.W006")
    assert [(f.value, f.rows) for f in found] == [("51 824 753 556", [3])]
    assert "is not a valid IRD number or NZBN" in found[0].message


def test_check_files_reads_identifiers_as_the_given_country():
    data = b"Client,Business Structure,Tax Number\r\nKiwi Traders Ltd,Company,49-091-850\r\n"
    rules = [r for r in registry.REGISTRY if r.code == "C05.W006"]

    def codes_for(country: str) -> list[str]:
        # check_files empties its list of inputs as it reads them: one list per call.
        inputs = [checking.InputFile(name="clients.csv", data=data, kind="xpm_clients")]
        result = checking.check_files(inputs, rules=rules, country=country).result
        return [f.code for f in result.findings]

    codes = {country: codes_for(country) for country in ("AU", "NZ")}
    assert codes == {"AU": ["C05.W006"], "NZ": []}


def test_check_files_lets_each_files_bytes_go_once_read():
    inputs = [checking.InputFile(name="clients.csv", data=CLIENTS_CSV, kind="xpm_clients")]
    checked = checking.check_files(inputs, items=[3])
    assert inputs == [] and checked.files[0].rows > 0
