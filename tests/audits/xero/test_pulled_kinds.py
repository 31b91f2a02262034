"""Every pullable kind from the fake (which checks each call and answer against the vendors'
contracts) into an upload the loader accepts with the generator's own values, then a run over
the pulled tables whose findings carry the XPM/Xero record behind each row."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from audits import reading
from audits.loading import load_bytes
from audits.models import PullStatus, UploadStatus
from audits.records import rows_of
from audits.runs import execution
from audits.runs.queue import queue_run
from audits.xero import sources
from audits.xero.tasks import pull as pull_task
from tests.audits.xero.conftest import start

pytestmark = pytest.mark.django_db

EVERYTHING = {"from": "2020-01-01", "to": "2026-12-31"}


def pulled(practice, kind, window=None):
    """Pull ``kind`` in full (the task run eagerly) and read the upload it made."""
    pull = start(practice, kind, window=window)
    pull_task.delay(pull.pk)
    pull.refresh_from_db()
    assert pull.status == PullStatus.SUCCEEDED, pull.error
    reading.read_upload(pull.upload.pk)  # queued on commit, which a test transaction never does
    pull.upload.refresh_from_db()
    assert pull.upload.status == UploadStatus.ACCEPTED, pull.upload.error
    return pull


def table(pull):
    with pull.upload.stored_file.blob.open("rb") as handle:
        data = handle.read()
    return load_bytes(data, pull.upload.original_name, kind=pull.kind).table, data


def iso(day: str) -> str:
    return dt.datetime.strptime(day, "%d/%m/%Y").date().isoformat() if day else ""


def asked(fake, path: str) -> list[dict]:
    return [
        {k: v[0] for k, v in parse_qs(urlparse(r.url).query).items()}
        for r in fake.seen
        if r.path.endswith(path)
    ]


def test_it_pulls_current_jobs_and_those_of_the_window_once_each(connection, practice, fake_xero):
    pull = pulled(practice, "xpm_jobs", EVERYTHING)
    assert [p["page"] for p in pull.pages] == [1, 2]  # job.api/current, then job.api/list
    assert asked(fake_xero, "job.api/list") == [{"from": "20200101", "to": "20261231"}]
    loaded, data = table(pull)
    made = fake_xero.generated.tables["xpm_jobs"]
    assert pull.upload.rows == pull.rows == len(made)  # a current job also listed: written once
    columns = ("job_no", "client", "name", "category", "state", "manager", "partner")
    assert sorted(zip(*(loaded.col(c) for c in columns), strict=True)) == sorted(
        (r[0], r[1], r[2], r[4], r[5], r[6], r[7]) for r in made
    )
    by_job = dict(zip(loaded.col("job_no"), loaded.col("start_date"), strict=True))
    assert all(by_job[r[0]] == iso(r[8]) for r in made)
    assert set(loaded.col("template")) == {""}  # the API has no template name for a job
    records = rows_of(data)
    assert len(records) == len(made)
    assert all(
        url.startswith("https://practicemanager.xero.com/Job/") for _, url in records.values()
    )


def test_it_reads_jobs_over_the_last_18_months_by_default(connection, practice, fake_xero):
    pull = pulled(practice, "xpm_jobs")
    today = timezone.localdate()
    assert pull.window == sources.default_window(today)
    assert pull.window["to"] == today.isoformat()
    (query,) = asked(fake_xero, "job.api/list")
    assert query["from"] == pull.window["from"].replace("-", "")


def test_it_pulls_the_staff_list(connection, practice, fake_xero):
    pull = pulled(practice, "xpm_staff")
    loaded, data = table(pull)
    made = fake_xero.generated.tables["xpm_staff"]
    assert list(zip(loaded.col("name"), loaded.col("email"), strict=True)) == [
        (r[0], r[1]) for r in made
    ]
    assert {record for record, _ in rows_of(data).values()} == {s["uuid"] for s in fake_xero.staff}


def test_it_pulls_sales_invoices_page_by_page_one_row_per_line(
    connection, practice, fake_xero, monkeypatch
):
    monkeypatch.setattr(sources, "PAGE_SIZE", 20)
    pull = pulled(practice, "xero_invoices", EVERYTHING)
    invoices = fake_xero.invoices
    assert len(pull.pages) == -(-len(invoices) // 20) and pull.rows == len(invoices)
    where = {q["where"] for q in asked(fake_xero, "/Invoices")}
    assert where == {'Type=="ACCREC" AND Date>=DateTime(2020,01,01) AND Date<=DateTime(2026,12,31)'}
    loaded, data = table(pull)
    made = fake_xero.generated.tables["xero_invoices"]
    columns = ("contact", "invoice_number", "reference", "invoice_date", "due_date")
    columns += ("description", "quantity", "unit_amount", "account_code", "status")
    lines = [list(line) for line in zip(*(loaded.col(c) for c in columns), strict=True)]
    for line in lines:  # 150 as JSON sends it, 150.00 as the export writes it
        line[6:8] = float(line[6]), float(line[7])
    assert sorted(map(tuple, lines)) == sorted(
        (r[0], r[1], r[2], iso(r[3]), iso(r[4]), r[5], float(r[6]), float(r[7]), r[8], r[11])
        for r in made
    )
    ids = {i["InvoiceNumber"]: i["InvoiceID"] for i in invoices}
    for row, (record, url) in rows_of(data).items():
        number = loaded.df.loc[loaded.rows == row, "invoice_number"].iloc[0]
        assert record == ids[number]
        assert url == f"https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID={record}"


def test_it_reads_only_the_window_of_invoices(connection, practice, fake_xero):
    pull = pulled(practice, "xero_invoices", {"from": "2025-07-01", "to": "2025-09-30"})
    loaded, _ = table(pull)
    dates = set(loaded.col("invoice_date"))
    assert dates and all("2025-07-01" <= d <= "2025-09-30" for d in dates)
    made = fake_xero.generated.tables["xero_invoices"]
    assert len(loaded.df) == sum(1 for r in made if "2025-07-01" <= iso(r[3]) <= "2025-09-30")


def test_a_run_over_pulled_tables_links_each_finding_to_its_records(
    connection, practice, fake_xero
):
    jobs = pulled(practice, "xpm_jobs", EVERYTHING)
    invoices = pulled(practice, "xero_invoices", EVERYTHING)
    run, _ = queue_run(
        practice=practice,
        onboarding=practice.current_onboarding(),
        step_key="proposal-billing",
        items=[9],
        uploads=[jobs.upload, invoices.upload],
        actor=None,
    )
    assert execution.execute_run(run.pk) == execution.Outcome.DONE
    findings = list(run.findings.all())
    assert findings and not [f for f in findings if f.code == "C00.E999"]
    on_invoices = [f for f in findings if f.file == invoices.upload.original_name]
    assert on_invoices and all(f.records for f in on_invoices)
    ids = {i["InvoiceID"] for i in fake_xero.invoices}
    for finding in on_invoices:
        first = finding.records[0]
        assert first["system"] == "Xero" and first["id"] in ids and first["row"] in finding.rows
        assert first["url"].startswith("https://go.xero.com/AccountsReceivable/View.aspx?")
    many = [f for f in findings if f.code == "C09.E002"]  # related rows: the XPM jobs
    assert many and all(any(r["system"] == "XPM" for r in f.records) for f in many)
