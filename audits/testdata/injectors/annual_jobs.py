"""Step 10 (annual jobs): repeated, period-named and missing annual jobs.

C10.E001 a client's "Bookkeeping 2025" job repeated (12 monthly starts, or one duplicate deployment),
         the extras with blank Client Order No. rows = all those job rows; value = client name.
C10.W002 the client's main 2025 job is named "… - June 2025" or "… Q2 2025". job row; value = job
         name.
C10.W003 one member of a client group has no job, proposal or invoice at all (the others have
         annual jobs). xpm row; value = name. ALSO labelled C05.W004 (no job at all).
"""

from __future__ import annotations

import datetime as dt

from audits.testdata import rows
from audits.testdata.injectors.victims import anyone, with_proposals
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Deployment
from audits.testdata.vocabulary import MONTHS, YEAR


def _with_bookkeeping(c: Client) -> bool:
    return with_proposals(c) and "bookkeeping" in c.services


def mark(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C10.E001", _with_bookkeeping)):
        c.mods["C10.E001"] = 11 if i % 2 == 0 else 1
    for i, c in enumerate(p.pick(n, "C10.W002", anyone)):
        c.mods["C10.W002"] = i


def inject_group_member_without_job(p: Practice, n: int) -> None:
    """C10.W003: the last member of ``n`` shuffled client groups loses every job."""
    groups = [g for g in p.groups if len(g) >= 2]
    p.rng.shuffle(groups)
    for g in groups[:n]:
        c = g[-1]
        c.victim = "C10.W003"
        c.jobs = "none"
        c.ignition = c.proposals = c.invoices = False
        p.label("C10.W003", "xpm_clients", [c], c.name)
        p.label("C05.W004", "xpm_clients", [c], c.name)


def period_name(d: Deployment, tpl: str) -> None:
    """Before the main job is written: name it after a month or a quarter."""
    i = d.client.mods.get("C10.W002")
    if i is None:
        return
    if i % 2 == 0:
        d.name = f"{tpl} - {MONTHS[d.start.month - 1]} {YEAR}"
    else:
        d.name = f"{tpl} Q{(d.start.month - 1) // 3 + 1} {YEAR}"


def label_period_name(p: Practice, d: Deployment) -> None:
    if "C10.W002" in d.client.mods:
        p.label("C10.W002", "xpm_jobs", [d.row], d.name)


def repeat_bookkeeping(p: Practice, d: Deployment, tpl: str) -> None:
    """After the bookkeeping job is written: repeat it monthly (11 extras) or once."""
    c = d.client
    if "C10.E001" not in c.mods:
        return
    extra = c.mods.pop("C10.E001")
    job_rows = [d.row]
    months = [m for m in range(1, 13) if m != d.start.month]
    if extra == 1:
        months = [p.rng.choice(months)]
    for m in months:
        d0 = dt.date(YEAR, m, 1)
        due = d0 + dt.timedelta(days=19)
        row = rows.add_job(p, c, d.name, tpl, "Planned", d0, "", due=due, budget=d.price / 12)
        job_rows.append(row)
    p.label("C10.E001", "xpm_jobs", job_rows, c.name)
