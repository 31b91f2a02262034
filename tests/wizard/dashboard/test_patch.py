"""Bringing the dashboard's rows up to date by computing again only the practices that changed:
after every kind of change, the patched rows equal a full computation."""

from __future__ import annotations

import datetime

import pytest

from tests.wizard.signoff.factories import attest, finding, run
from wizard import events
from wizard.dashboard import figures as dashboard
from wizard.models import Practice, Verb
from wizard.practices import services as team
from wizard.practices.services import create_practice
from wizard.signoff import services as signoff

NOW = datetime.datetime(2026, 11, 25, 9, 30, 5, tzinfo=datetime.UTC)
REASON = "Agreed with the partner: this client is closing next month."


@pytest.fixture
def computed(monkeypatch):
    """How many practices each computation covered (the real one runs)."""
    sizes: list[int] = []
    real = dashboard.compute

    def counting(practices, now):
        rows = real(practices, now)
        sizes.append(len(rows))
        return rows

    counting.real = real
    monkeypatch.setattr(dashboard, "compute", counting)
    return sizes


@pytest.fixture
def portfolio(organisation, lead, manager, practice):
    others = [create_practice(organisation=organisation, name=f"Practice {n}") for n in range(4)]
    return [practice, *others]


def rows_now(organisation):
    practices = Practice.objects.filter(organisation=organisation)
    return dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, NOW), practices)


def test_every_kind_of_change_patches_to_what_a_full_computation_gives(
    organisation, portfolio, lead, manager, specialist, computed
):
    first, second, third, fourth, fifth = portfolio
    rows_now(organisation)
    assert computed == [5]

    def check(expected_size: int) -> dict[int, dashboard.Row]:
        patched = sorted(rows_now(organisation), key=lambda r: r.pk)
        assert computed[-1] == expected_size
        assert patched == sorted(
            dashboard.compute.real(Practice.objects.filter(organisation=organisation), NOW),
            key=lambda r: r.pk,
        )
        return {r.pk: r for r in patched}

    signoff.sign_off(progress=attest(first, "api-access", manager), actor=manager)
    row = check(1)[first.pk]
    assert (row.signed, row.current_step) == (1, 2)

    checked = run(second, "client-names", [finding("C03.E001", "Smith, John")])
    events.record(organisation=organisation, verb=Verb.RUN_FINISHED, practice=second, details={})
    assert check(1)[second.pk].errors == 1
    signoff.waive(finding=checked.findings.get(), actor=lead, reason=REASON)
    assert check(1)[second.pk].waivers == 1

    team.update_practice(
        practice=third,
        actor=lead,
        assignees=[specialist],
        target_go_live=datetime.date(2027, 1, 31),
    )
    assert check(1)[third.pk].assignees == ["Specialist"]
    team.set_archived(practice=fourth, actor=lead, archived=True)
    signoff.sign_off(progress=attest(fifth, "api-access", lead), actor=manager)
    rows = check(2)  # two practices changed since the last look
    assert rows[fourth.pk].archived_at is not None and rows[fifth.pk].signed == 1

    create_practice(organisation=organisation, name="Newcomer & Co")
    check(1)  # appears
    assert len(rows_now(organisation)) == 6

    events.record(organisation=organisation, verb=Verb.MEMBER_INVITED)  # the whole organisation
    check(6)


def test_a_new_minute_computes_everything(organisation, portfolio, manager, computed):
    practices = Practice.objects.filter(organisation=organisation)
    dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, NOW), practices)
    signoff.sign_off(progress=attest(portfolio[0], "api-access", manager), actor=manager)
    later = NOW + datetime.timedelta(minutes=1)
    dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, later), practices)
    assert computed == [5, 5]


def test_many_changes_at_once_compute_everything(organisation, portfolio, manager, computed):
    rows_now(organisation)
    for _ in range(dashboard.PATCH_AT_MOST + 1):
        events.record(organisation=organisation, verb=Verb.PRACTICE_UPDATED, practice=portfolio[1])
    rows_now(organisation)
    assert computed == [5, 5]
