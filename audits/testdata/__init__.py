"""A realistic, labelled set of exports for one accounting practice (pure Python, no Django).

``generate(out_dir, clients=N, seed=S, problems="default"|"none"|"heavy")`` writes all ten export
kinds of ``audits.kinds`` for one practice, in the header styles practices really upload, plus
``labels.json``: every finding a correct validator must report, nothing less, nothing more.
Output is a pure function of (clients, seed, problems): ``random.Random(seed)`` drives everything.

Files (kind -> file, encoding, header style; row numbers are spreadsheet rows, header = row 1)
------------------------------------------------------------------------------------------------
xpm_clients        xpm_clients.csv         UTF-8 with BOM, ``[Client] Client`` report headers, d/m/Y DOB,
                                           sorted by name (blank names last)
xpm_jobs           xpm_jobs.csv            UTF-8, ``[Job] Job No.`` headers, state in ``[Job] Status``,
                                           d/m/Y dates, sorted by job number
xpm_staff          xpm_staff.csv           plain headers (Staff Name, Email Address, Position, Access Level)
xpm_job_templates  xpm_job_templates.xlsx  title line in row 1, header in row 2, data from row 3
ignition_clients   ignition_clients.csv    **Windows-1252**, one row per contact, accented names
ignition_team      ignition_team.csv       Name, Email, Role, Linked XPM User
ignition_services  ignition_services.csv   Service Name … XPM Job Template
ignition_proposals ignition_proposals.csv  one row per service line, Y-m-d dates
xero_contacts      xero_contacts.csv       Xero style ``*ContactName``, AccountNumber, EmailAddress …
xero_invoices      xero_invoices.csv       Xero style ``*ContactName``, ``*InvoiceNumber``, d/m/Y dates,
                                           one row per line

The clean practice (``problems="none"``)
----------------------------------------
Clients are individuals ("First Last", accents such as "Zoë Müller", "José García"), companies
(Pty Ltd / Ltd / Limited / Pty Limited), trusts, partnerships ("Nguyen & Patel") and client groups
(2-4 entities sharing a base name, e.g. "Silver Creek Holdings Pty Ltd", "Silver Creek Unit Trust",
group "Silver Creek Group"). Names are unique after the spec normalisation (and after dropping legal
suffixes entirely); emails, phones, tax numbers and street+postcode are unique; a date of birth is
never shared by two individuals with the same first name or the same last name. No digits, brackets,
"zz"/"xx", "old", "archived" or "DO NOT USE" in any client name; no titles; status "Active".
Every client has an exactly equal Xero contact; ~95% have an Ignition client (exact name) with one
accepted proposal (``PROP-…``, billing level "Proposal") per job-creating service; each proposal
deploys exactly ONE current-year job (2025) whose Client Order No. is the proposal number; the
remaining ~5% (and some victims below) have no proposals: their jobs have a blank Client Order No. and
their invoices reference the job number (``J…``). Every client also has a 2024 job in state
"Completed" with a blank Client Order No. and no invoice. Current jobs are Planned / Not Started /
In Progress. One job per client per template per year; job names are "<Template> <year>", start and
due dates within that year. Invoices reference ``PROP-…`` of existing jobs (annual services: one
invoice or four quarterly instalments; monthly services: one invoice per month). All staff are
Ignition team members linked to their own XPM user. Bookkeeping and Payroll templates have exactly 12
monthly tasks; every Ignition service (recurring or one-off) maps to an existing XPM template.
A correct validator reports nothing on it except C00.I001 "not checked" infos.

Conventions the labels follow (validators should implement the same reading)
---------------------------------------------------------------------------
* ``audits.testdata.scoring`` scores a finding against a label by code + file + overlapping rows,
  so the FILE each rule reports on matters: it is named per rule in the injector modules (e.g.
  C04.E001 on xpm_staff, C04.E002 on ignition_team, C09.* on xero_invoices, C10.E001/W002 on
  xpm_jobs, C10.W003 on xpm_clients, C13.W003 on xero_contacts, C13.E005 on ignition_clients,
  C15.E001 on proposals).
* One label per finding. ``rows`` are sorted spreadsheet rows; clusters list all their rows.
* Row-less values: ``value`` is the offending value as it appears in the labelled row(s).
* Item 3: one finding per row, most specific code only. C03.E002 is reported only when the name,
  after undoing the E001/W003/W004 patterns (swap "Last, First", drop a title, fix case, collapse
  spaces), still differs from ``first_name + " " + last_name``.
* "Near match" (items 12, 13) is at least "equal after the spec normalisation". Every injected near
  match is normalisation-equal; every C13.W002/W003 victim has no other name within
  rapidfuzz ratio / token_sort_ratio 85 (after dropping legal suffixes).
* Item 13 does not report a pair that differs only by an internal code: C12.E002 reports it.
  C13.W003 means a Xero contact with invoices that has no exact AND no near XPM client.
  C13.E005 is only for an Ignition client with no exactly equal XPM client.
* A row with no client name is only C05.E005 (other rules skip blank names).
* Clients are matched to jobs/contacts/invoices by exact name (so a duplicate or namesake row shares
  the jobs of its name and is not "without a job").
* A blank Client Order No. is not C14.W001. Prior-year "Completed" jobs without a reference and
  without an invoice are fine for C11.E001.
* Invoice findings (C09.*): every injected invoice has exactly one line, so per-line, per-invoice and
  per-reference readings give the same single row.

Scale: 1,000 clients ~0.2 s; 100,000 clients ~18 s default / ~29 s heavy (~265k jobs, ~155k
proposal lines, ~540k invoice lines, ~0.3 GB RAM).

Rule by rule: how each problem is injected and what is labelled is documented in the injector
module of its checklist step (``audits.testdata.injectors.<step>``, named as in
``audits.validators``); ``audits.testdata.injectors`` gives the number of cases per level.

Modules: ``vocabulary`` (name pools, places, templates, services), ``formats`` (files, headers,
encodings), ``names`` (name keys, fuzzy isolation), ``records``, ``practice`` (the shared state and
identity draws), ``builder`` (the clean practice), ``injectors`` (the problems), ``rows`` and
``activity`` (jobs, proposals, invoices), ``tables`` (the final tables), ``writing`` (files and
labels.json), ``scoring`` (validator findings against labels.json).
"""

from __future__ import annotations

import time
from pathlib import Path

from audits.testdata import activity, builder, tables, writing
from audits.testdata.formats import ENCODINGS, FILES, HEADERS, TITLE_LINES
from audits.testdata.injectors import inject_clients, team_linked
from audits.testdata.names import name_key
from audits.testdata.noise import apply as realistic_noise
from audits.testdata.practice import PROBLEM_LEVELS, Practice
from audits.testdata.vocabulary import FIRST_F, FIRST_M, LAST

__all__ = [
    "DATA_RULE_CODES",
    "ENCODINGS",
    "FILES",
    "FIRST_F",
    "FIRST_M",
    "HEADERS",
    "LAST",
    "PROBLEM_LEVELS",
    "TITLE_LINES",
    "build_practice",
    "generate",
    "name_key",
]

DATA_RULE_CODES: tuple[str, ...] = (
    "C03.E001",
    "C03.E002",
    "C03.W003",
    "C03.W004",
    "C04.E001",
    "C04.E002",
    "C04.W003",
    "C05.E001",
    "C05.W002",
    "C05.W003",
    "C05.W004",
    "C05.E005",
    "C07.E001",
    "C07.W002",
    "C07.W003",
    "C08.E001",
    "C08.E002",
    "C08.W003",
    "C09.E001",
    "C09.E002",
    "C09.E003",
    "C09.W004",
    "C10.E001",
    "C10.W002",
    "C10.W003",
    "C11.E001",
    "C11.E002",
    "C12.E001",
    "C12.E002",
    "C13.E001",
    "C13.W002",
    "C13.W003",
    "C13.E005",
    "C13.W004",
    "C14.W001",
    "C15.E001",
    "C15.W002",
)


def build_practice(
    clients: int, seed: int, problems: str = "default", noise: str = "none"
) -> Practice:
    """The whole practice in memory: clean, then with problems, then its activity and tables.

    The order of the steps is part of the output (they share one random source). ``noise``
    "realistic" respells and blurs a quarter of the Xero contacts as people type (``noise``).
    """
    p = Practice(clients, seed, problems)
    builder.build_staff(p)
    builder.build_clients(p)
    builder.build_templates(p)
    builder.build_services(p)
    inject_clients(p)
    if noise == "realistic":
        realistic_noise(p)
    team_linked.inject(p)
    activity.build_ignition_ids(p)
    activity.build_activity(p)
    tables.finish(p)
    return p


def generate(
    out_dir: Path, *, clients: int, seed: int, problems: str = "default", noise: str = "none"
) -> dict:
    """Write the ten exports and labels.json into ``out_dir``; return a summary."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = build_practice(clients, seed, problems, noise)
    counts = writing.write_tables(out, tables.tables(p))
    labels = writing.resolve_labels(p.labels)
    doc = {
        "version": 1,
        "seed": seed,
        "clients": clients,
        "problems": problems,
        "noise": noise,
        "files": dict(FILES),
        "labels": labels,
    }
    writing.write_labels(out, doc)
    return {
        "out_dir": str(out),
        "files": {kind: {"file": FILES[kind], "rows": counts[kind]} for kind in FILES},
        "labels": {code: len(v) for code, v in labels.items()},
        "seconds": round(time.perf_counter() - started, 2),
    }
