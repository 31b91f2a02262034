"""The dashboard page: scope, queries, filters through the URL, CSV, htmx fragment, pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from audits.models import RunStatus, ValidationRun
from wizard.dashboard import figures as dashboard
from wizard.dashboard.views import PER_PAGE
from wizard.models import Practice, StepProgress, StepStatus
from wizard.practices.services import create_practice
from wizard.steps.services import record_attestation

URL = reverse("wizard:practice_list")


def _fill(organisation, n: int, lead) -> None:
    """``n`` practices in mixed states: signed steps, an error run, an assignee."""
    for i in range(organisation.practices.count(), n):
        practice = create_practice(organisation=organisation, name=f"Practice {i:03d}")
        onboarding = practice.current_onboarding()
        StepProgress.objects.filter(onboarding=onboarding, number__lte=i % 4).update(
            status=StepStatus.SIGNED_OFF
        )
        ValidationRun.objects.create(
            practice=practice,
            onboarding=onboarding,
            step_key="clean-data",
            status=RunStatus.SUCCEEDED,
            counts={"error": i % 3, "warning": 1},
        )
        practice.assignees.set([lead])


QUERIES = 12  # session, user, membership, rows, 3 for details, team list, and a margin


@pytest.mark.parametrize("n", [5, 50])
def test_it_uses_a_constant_number_of_queries(
    n, organisation, lead, client_for, django_assert_max_num_queries
):
    _fill(organisation, n, lead)
    client = client_for(lead)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="bar small-bar"') == min(n, PER_PAGE)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(URL, {"format": "csv", "sort": "-errors"}).status_code == 200


def test_it_uses_the_same_queries_for_5_and_50_practices(organisation, lead, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(lead)
    counted = []
    for n in (5, 50):
        _fill(organisation, n, lead)
        dashboard.clear_cache()  # each a full computation (a patch would add its events query)
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, {"page": "1"})
        counted.append(len(captured))
    assert counted[0] == counted[1]


def test_it_shows_only_the_organisation_s_practices(practice, other_practice, lead, client_for):
    body = client_for(lead).get(URL).content.decode()
    assert escape(practice.name) in body
    assert escape(other_practice.name) not in body


def test_it_links_each_practice_to_its_overview(practice, lead, client_for):
    body = client_for(lead).get(URL).content.decode()
    assert f'href="{reverse("wizard:overview", args=[practice.pk])}"' in body


def test_it_sends_practice_people_to_their_own_overview(practice, manager, client_for):
    response = client_for(manager).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("wizard:overview", args=[practice.pk])


def test_it_filters_through_the_query_string(organisation, lead, specialist, client_for):
    mine = create_practice(organisation=organisation, name="Assigned Accounting")
    mine.assignees.set([specialist])
    create_practice(organisation=organisation, name="Other Advisers")
    body = client_for(lead).get(URL, {"assignee": specialist.pk}).content.decode()
    assert "Assigned Accounting" in body and "Other Advisers" not in body
    body = client_for(lead).get(URL, {"q": "other"}).content.decode()
    assert "Other Advisers" in body and "Assigned Accounting" not in body


def test_it_ignores_nonsense_filters(practice, lead, client_for):
    response = client_for(lead).get(URL, {"sort": "password", "status": "x", "step": "abc"})
    assert response.status_code == 200
    assert escape(practice.name) in response.content.decode()


def test_it_shows_archived_practices_only_when_asked(practice, lead, client_for):
    practice.archived_at = practice.created_at
    practice.save()
    client = client_for(lead)
    assert escape(practice.name) not in client.get(URL).content.decode()
    body = client.get(URL, {"archived": "1"}).content.decode()
    assert escape(practice.name) in body and "(archived)" in body


def test_it_exports_the_filtered_table_as_csv_with_formulas_defused(organisation, lead, client_for):
    create_practice(organisation=organisation, name='=HYPERLINK("http://x")')
    create_practice(organisation=organisation, name="Plain Partners")
    response = client_for(lead).get(URL, {"format": "csv", "q": "hyperlink"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["practice", "signed of 15", "current step"]
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://x")']
    assert rows[1][1:3] == ["0", "1"]


def test_it_quotes_every_dashboard_csv_cell(organisation, lead, client_for):
    create_practice(organisation=organisation, name="Acme;=1+2")
    response = client_for(lead).get(URL, {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith('"Acme;\'=1+2","')
    assert all(line.startswith('"') and line.endswith('"') for line in lines)


def test_it_returns_only_the_table_to_htmx(practice, lead, client_for):
    response = client_for(lead).get(
        URL, {"status": "blocked", "fragment": "dashboard"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="dashboard">')
    assert "<html" not in body
    # The address bar shows the filters without the fragment, and caches keep the two apart.
    assert response["HX-Push-Url"] == f"{URL}?status=blocked"
    everything = client_for(lead).get(
        URL, {"q": "", "status": "", "fragment": "dashboard"}, headers={"HX-Request": "true"}
    )
    assert everything["HX-Push-Url"] == URL  # the form's empty fields leave no trace
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client_for(lead).get(URL)["Vary"]


def test_it_pages_the_rows(organisation, lead, client_for):
    for i in range(PER_PAGE + 5):
        Practice.objects.create(organisation=organisation, name=f"P{i:02d}")
    client = client_for(lead)
    last_of_first, first_of_second = f"P{PER_PAGE - 1:02d}", f"P{PER_PAGE:02d}"
    first = client.get(URL).content.decode()
    assert "Page 1 of 2" in first and last_of_first in first and first_of_second not in first
    second = client.get(URL, {"page": "2"}).content.decode()
    assert first_of_second in second and last_of_first not in second


def test_it_draws_the_step_chart_server_side(organisation, lead, client_for):
    for name in ("A", "B"):
        create_practice(organisation=organisation, name=name)
    body = client_for(lead).get(URL).content.decode()
    chart = body.split('<figure class="histogram">')[1].split("</figure>")[0]
    assert "<svg" in chart and "<script" not in chart
    assert 'aria-label="2 practices at step 1: ' in body
    assert 'aria-label="0 practices at step 2: ' in body


def test_it_shows_a_change_at_once_despite_the_shared_rows(practice, lead, manager, client_for):
    import datetime

    from wizard.signoff import services as signoff

    client = client_for(lead)
    assert "0 / 15" in client.get(URL).content.decode()
    progress = practice.current_onboarding().steps.get(number=1)
    record_attestation(
        progress=progress, actor=manager, checked_by="Priya", checked_on=datetime.date(2026, 11, 2)
    )
    signoff.sign_off(progress=progress, actor=manager)
    assert "1 / 15" in client.get(URL).content.decode()


@pytest.fixture
def frozen(monkeypatch):
    """One moment for the whole test: snapshots change with the minute, and a test that
    crosses one would measure a recomputation, not the cache."""
    import datetime

    from django.utils import timezone

    now = datetime.datetime(2026, 11, 25, 9, 30, 5, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def test_one_computation_serves_every_sort_filter_page_and_the_csv(
    organisation, lead, client_for, frozen
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _fill(organisation, 30, lead)
    client = client_for(lead)
    client.get(URL)
    for query in ({"sort": "-errors"}, {"status": "blocked", "page": "2"}, {"format": "csv"}):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, query).status_code == 200
        figures = [q["sql"] for q in captured if "wizard_stepprogress" in q["sql"]]
        assert figures == [], query


def test_unknown_parameters_neither_reach_links_nor_fill_the_cache(
    organisation, lead, client_for, frozen
):
    from django.core.cache import cache

    _fill(organisation, 3, lead)
    client = client_for(lead)
    client.get(URL, {"sort": "-errors"})
    keys = set(cache._cache)  # LocMemCache: the tests' cache
    tables = {
        client.get(URL, {"sort": "-errors", "junk": str(n), "page": page})
        .content.decode()
        .split('<div id="dashboard">')[1]
        for n, page in enumerate(("1", "999", "x", ""))
    }
    assert set(cache._cache) == keys  # the same table, from the same entry
    assert len(tables) == 1
    table = tables.pop()
    assert "junk" not in table and table.count('class="bar small-bar"') == 3


def test_a_new_minute_or_event_is_a_new_snapshot(practice):
    import datetime

    from wizard import events
    from wizard.models import Verb

    now = datetime.datetime(2026, 11, 25, 9, 30, 5, tzinfo=datetime.UTC)
    first = dashboard.Snapshot.of(practice.organisation_id, now)
    assert first == dashboard.Snapshot.of(
        practice.organisation_id, now + datetime.timedelta(seconds=30)
    )
    assert first != dashboard.Snapshot.of(
        practice.organisation_id, now + datetime.timedelta(seconds=60)
    )
    events.record(organisation=practice.organisation, verb=Verb.PRACTICE_UPDATED, practice=practice)
    after = dashboard.Snapshot.of(practice.organisation_id, now)
    assert after.sequence == first.sequence + 1 and after != first
    assert after.at == datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC)


def test_another_organisation_asking_the_same_query_gets_its_own_table(db, client_for, frozen):
    """Two organisations with no audit event yet have the same sequence, head and minute: only
    the organisation in the key keeps their tables apart."""
    from tests.conftest import make_user
    from wizard.models import Organisation, Role

    ours_org = Organisation.objects.create(name="North", slug="north")
    theirs_org = Organisation.objects.create(name="South", slug="south")
    Practice.objects.create(organisation=ours_org, name="Northern Books")
    Practice.objects.create(organisation=theirs_org, name="Southern Ledgers")
    ours = make_user("lead@north.example", Role.ONBOARDING_LEAD, ours_org)
    theirs = make_user("lead@south.example", Role.ONBOARDING_LEAD, theirs_org)
    snapshots = [dashboard.Snapshot.of(o.pk, frozen) for o in (ours_org, theirs_org)]
    assert [(s.sequence, s.head, s.minute) for s in snapshots] == [(0, "", snapshots[0].minute)] * 2
    first = client_for(ours).get(URL).content.decode()
    second = client_for(theirs).get(URL).content.decode()
    assert "Northern Books" in first and "Southern Ledgers" not in first
    assert "Southern Ledgers" in second and "Northern Books" not in second


def test_a_cached_table_stays_escaped(organisation, lead, client_for, frozen):
    from django.core.cache import cache

    create_practice(organisation=organisation, name="<script>alert(1)</script> & Co")
    client = client_for(lead)
    key = dashboard.Snapshot.of(organisation.pk, frozen).key("table", dashboard.Filters(), 1)
    for _ in range(2):  # computed, then from the cache
        body = client.get(URL).content.decode()
        assert cache.get(key) in body
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in body


def test_a_change_renders_again_only_the_rows_it_changed(organisation, lead, client_for, frozen):
    from wizard import events
    from wizard.models import Verb

    _fill(organisation, 3, lead)
    client = client_for(lead)
    client.get(URL)
    practices = Practice.objects.filter(organisation=organisation)
    before = {
        r.pk: r
        for r in dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, frozen), practices)
    }
    renamed, *others = practices.order_by("name")
    Practice.objects.filter(pk=renamed.pk).update(name="Renamed Partners")
    events.record(organisation=organisation, verb=Verb.PRACTICE_UPDATED, practice=renamed)
    body = client.get(URL).content.decode()
    assert "Renamed Partners" in body
    after = {
        r.pk: r
        for r in dashboard.rows_for(dashboard.Snapshot.of(organisation.pk, frozen), practices)
    }
    assert "Renamed Partners" in after[renamed.pk].html
    assert after[renamed.pk].html != before[renamed.pk].html
    for other in others:  # the very same rendering, carried over
        assert after[other.pk].html is before[other.pk].html
