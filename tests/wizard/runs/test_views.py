import csv
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import RunStatus, ValidationRun
from audits.runs.diff import diff_against_previous
from audits.validators import clean_data
from tests.audits.runs.factories import CLIENTS_CSV, make_run, make_upload
from tests.audits.validators.rule_helpers import findings
from wizard.models import AuditEvent, Verb

HTMX = {"HTTP_HX_REQUEST": "true"}


def findings_url(run, **params):
    url = reverse("wizard:findings", args=(run.practice_id, run.pk))
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def mixed_findings():
    return [
        {"code": "C03.E001", "value": "Smith, John", "file": "clients.csv", "rows": [3]},
        {"code": "C03.E001", "value": "Doe, Jane", "file": "clients.csv", "rows": [7]},
        {"code": "C03.W002", "value": "J Smith", "hint": "Write the first name in full."},
        {"code": "C03.I003", "value": "Ltd"},
    ]


def test_it_shows_findings_grouped_worst_first(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    response = client_for(manager).get(findings_url(run))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("C03.E001") < body.index("C03.W002") < body.index("C03.I003")
    assert "Smith, John" in body and "Write the first name in full." in body


def test_it_filters_by_severity(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    body = client_for(manager).get(findings_url(run, severity="warning")).content.decode()
    assert "J Smith" in body
    assert "Doe, Jane" not in body


def test_it_filters_by_rule(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    body = client_for(manager).get(findings_url(run, rule="C03.I003")).content.decode()
    assert "<code>Ltd</code>" in body
    assert "Doe, Jane" not in body


def test_it_searches_text(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    body = client_for(manager).get(findings_url(run, q="doe")).content.decode()
    assert "Doe, Jane" in body
    assert "Smith, John" not in body


def test_it_returns_the_findings_partial_to_htmx(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    response = client_for(manager).get(findings_url(run, fragment="findings"), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="findings"')
    assert "<html" not in body


def test_it_paginates_and_caps_pages(client_for, manager, practice):
    run = make_run(practice, findings=[{"value": f"Client {i:03}"} for i in range(120)])
    client = client_for(manager)
    third = client.get(findings_url(run, page=3)).content.decode()
    assert "Client 100" in third and "Client 099" not in third
    assert "Page 3 of 3" in third
    beyond = client.get(findings_url(run, page=999)).content.decode()
    assert "Page 3 of 3" in beyond
    junk = client.get(findings_url(run, page="x")).content.decode()
    assert "Page 1 of 3" in junk


def test_it_renders_many_findings_in_constant_queries(
    client_for, manager, practice, django_assert_max_num_queries
):
    # Both runs have a previous run, so "what changed" is computed for each.
    make_run(practice, findings=[{"value": "A0"}])
    few = make_run(practice, findings=[{"value": f"A{i}"} for i in range(3)])
    lots = [
        {"code": "C05.E001" if i < 2000 else "C05.W002", "value": f"V{i}", "rows": [i + 2]}
        for i in range(4000)
    ]
    make_run(practice, "clean-data", (5,), findings=lots[::2])
    many = make_run(practice, "clean-data", (5,), findings=lots)
    client = client_for(manager)
    with django_assert_max_num_queries(30) as few_queries:
        assert client.get(findings_url(few)).status_code == 200
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        body = client.get(findings_url(many)).content.decode()
    assert "Page 1 of 80" in body
    assert "<strong>0</strong> fixed · <strong>2000</strong> new" in body


def test_it_downloads_filtered_findings_as_csv(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    response = client_for(manager).get(
        reverse("wizard:findings_csv", args=(practice.pk, run.pk)) + "?severity=error"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["value"] for r in rows] == ["Smith, John", "Doe, Jane"]


def test_it_defuses_formulas_in_downloads(client_for, manager, practice):
    hostile = '=HYPERLINK("http://evil.example","click")'
    run = make_run(practice, findings=[{"value": hostile, "message": hostile}])
    client = client_for(manager)
    csv_body = client.get(reverse("wizard:findings_csv", args=(practice.pk, run.pk)))
    row = next(csv.DictReader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    assert row["value"] == "'" + hostile
    xlsx = client.get(reverse("wizard:findings_xlsx", args=(practice.pk, run.pk)))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("value") + 1)
    assert cell.data_type == "s" and cell.value == "'" + hostile


def test_it_shows_what_changed_since_the_last_run(client_for, manager, practice):
    make_run(
        practice,
        findings=[
            {"value": "Smith, John", "rows": [3]},
            {"value": "Doe, Jane", "rows": [7]},
        ],
    )
    # Same problem on another row (still open), one fixed, one new.
    run = make_run(
        practice,
        findings=[{"value": "smith,  john", "rows": [40]}, {"value": "Roe, Richard"}],
    )
    body = client_for(manager).get(findings_url(run)).content.decode()
    assert "<strong>1</strong> fixed · <strong>1</strong> new · <strong>1</strong> still open" in (
        body
    )


def test_it_shows_the_stored_diff_without_computing_it(client_for, manager, practice):
    previous = make_run(practice, findings=[{"value": "Doe, Jane"}, {"value": "Smith, John"}])
    run = make_run(practice, findings=[{"value": "Smith, John"}, {"value": "Roe, Richard"}])
    old = make_run(practice, "clean-data", (5,), findings=[{"code": "C05.E001", "value": "A"}])
    legacy = make_run(practice, "clean-data", (5,), findings=[{"code": "C05.E001", "value": "B"}])
    run.diff = diff_against_previous(run)  # what the engine stores when the run finishes
    run.save(update_fields=["diff"])
    client = client_for(manager)
    with CaptureQueriesContext(connection) as computed:
        assert "<strong>1</strong> fixed" in client.get(findings_url(legacy)).content.decode()
    with CaptureQueriesContext(connection) as stored:
        body = client.get(findings_url(run)).content.decode()
    assert "<strong>1</strong> fixed · <strong>1</strong> new · <strong>1</strong> still open" in (
        body
    )
    assert "Problem with Doe, Jane" in body and "Problem with Roe, Richard" in body
    # The five queries that compare two runs' findings are not run for a stored diff.
    assert len(stored.captured_queries) <= len(computed.captured_queries) - 5

    def reads_findings_of(run, queries):
        return any(re.search(rf'"run_id" = {run.pk}\b', q["sql"]) for q in queries)

    assert reads_findings_of(old, computed.captured_queries)
    assert not reads_findings_of(previous, stored.captured_queries)


def test_it_renders_the_stored_diff_as_stored(client_for, manager, practice):
    run = make_run(practice, findings=[{"value": "Smith, John"}])
    sample = {"code": "C03.E001", "message": "Stored: Doe, Jane", "value": "Doe, Jane"}
    run.diff = {
        "previous": {"id": run.pk - 1, "finished_at": "2026-03-04T10:15:00+00:00"},
        "fixed_count": 7,
        "new_count": 0,
        "open_count": 1,
        "fixed": [{**sample, "position": 0, "rows": [4], "row_count": 1}],
        "new": [],
    }
    run.save(update_fields=["diff"])
    body = client_for(manager).get(findings_url(run)).content.decode()
    assert "What changed since the check of 4 Mar 2026, 10:15" in body
    assert "<strong>7</strong> fixed" in body and "Stored: Doe, Jane" in body
    assert "and 7 in all" in body


def test_it_shows_no_diff_for_the_first_run_of_a_step(client_for, manager, practice):
    run = make_run(practice, findings=[{"value": "Smith, John"}], diff={"previous": None})
    body = client_for(manager).get(findings_url(run)).content.decode()
    assert "What changed" not in body


def test_it_computes_the_diff_of_a_run_stored_before_diffs_were_kept(client_for, manager, practice):
    make_run(practice, findings=[{"value": "Doe, Jane"}])
    run = make_run(practice, findings=[{"value": "Roe, Richard"}])
    assert run.diff is None
    body = client_for(manager).get(findings_url(run)).content.decode()
    assert "<strong>1</strong> fixed · <strong>1</strong> new · <strong>0</strong> still open" in (
        body
    )
    assert "Problem with Doe, Jane" in body


def test_it_offers_every_rule_on_a_filtered_page(client_for, manager, practice):
    run = make_run(practice, findings=mixed_findings())
    body = client_for(manager).get(findings_url(run, severity="warning")).content.decode()
    for code in ("C03.E001", "C03.W002", "C03.I003"):
        assert f'<option value="{code}"' in body


def test_it_polls_while_running_and_stops_when_finished(client_for, manager, practice):
    run = make_run(practice, status=RunStatus.RUNNING, progress=40, progress_note="C03.E001")
    client = client_for(manager)
    url = reverse("wizard:run_panel", args=(practice.pk, "client-names"))
    running = client.get(url, **HTMX)
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Trigger" not in running
    ValidationRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    finished = client.get(url, **HTMX)
    assert "every 1s" not in finished.content.decode()
    # A finished panel still reloads itself when a new upload starts the next check.
    assert 'hx-trigger="uploadsChanged from:body"' in finished.content.decode()
    assert "stepsChanged" in finished["HX-Trigger"]


def test_it_includes_the_run_panel_on_the_step_page(client_for, manager, practice):
    make_run(practice, status=RunStatus.FAILED, error="We could not read your export: bad")
    body = (
        client_for(manager)
        .get(reverse("wizard:step", args=(practice.pk, "client-names")))
        .content.decode()
    )
    assert 'id="run-panel"' in body
    assert "We could not read your export: bad" in body


def test_it_runs_again(client_for, manager, practice):
    make_upload(practice.current_onboarding(), "xpm_clients", CLIENTS_CSV)
    response = client_for(manager).post(
        reverse("wizard:run_again", args=(practice.pk, "client-names"))
    )
    assert response.status_code == 302
    run = ValidationRun.objects.get(practice=practice)
    assert run.step_key == "client-names" and run.items == [3]
    assert AuditEvent.objects.filter(verb=Verb.RUN_QUEUED, practice=practice).exists()


def test_it_refuses_to_run_without_the_exports(client_for, manager, practice):
    client_for(manager).post(reverse("wizard:run_again", args=(practice.pk, "client-names")))
    assert not ValidationRun.objects.exists()


def test_it_rejects_get_on_run_again(client_for, manager, practice):
    response = client_for(manager).get(
        reverse("wizard:run_again", args=(practice.pk, "client-names"))
    )
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["wizard:findings", "wizard:findings_csv", "wizard:findings_xlsx"])
def test_it_hides_other_tenants_runs(client_for, outsider, practice, name):
    run = make_run(practice, findings=mixed_findings())
    response = client_for(outsider).get(reverse(name, args=(practice.pk, run.pk)))
    assert response.status_code == 404


def test_it_hides_a_run_behind_another_practice_id(client_for, outsider, practice, other_practice):
    run = make_run(practice, findings=mixed_findings())
    response = client_for(outsider).get(
        reverse("wizard:findings", args=(other_practice.pk, run.pk))
    )
    assert response.status_code == 404


def test_it_refuses_run_again_across_tenants(client_for, outsider, practice):
    make_upload(practice.current_onboarding(), "xpm_clients", CLIENTS_CSV)
    response = client_for(outsider).post(
        reverse("wizard:run_again", args=(practice.pk, "client-names"))
    )
    assert response.status_code == 404
    assert not ValidationRun.objects.exists()


def test_it_sends_anonymous_visitors_to_login(client, practice):
    run = make_run(practice)
    response = client.get(findings_url(run))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lets_the_onboarding_team_see_findings(client_for, lead, practice):
    run = make_run(practice, findings=mixed_findings())
    assert client_for(lead).get(findings_url(run)).status_code == 200


def test_it_shows_a_linkage_findings_evidence_side_by_side(client_for, manager, practice):
    rows = [
        {
            "name": "Harper Sharma",
            "tax_number": "123456782",
            "date_of_birth": "1984-03-12",
            "status": "Active",
        },
        {
            "name": "Harper Shamra",
            "tax_number": "123456782",
            "date_of_birth": "1984-03-12",
            "status": "Active",
        },
    ]
    (found,) = findings(clean_data, "C05.W002", xpm_clients=rows)
    run = make_run(
        practice,
        step_key="clean-data",
        items=(5,),
        findings=[{"code": "C05.W002", "value": found.value, "evidence": found.evidence}],
    )
    body = client_for(manager).get(findings_url(run)).content.decode()
    assert "Why: the evidence, field by field (probable duplicate)" in body
    start = body.index('<table class="evidence-pair">')
    table = body[start : body.index("</table>", start)]
    assert "Rows 2 and 3" in table
    assert re.search(r"family name</th><td>Sharma</td><td>Shamra</td><td>spelled slightly", table)
    assert "tax number" in table and "date of birth" in table
