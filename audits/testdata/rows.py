"""Appending rows to the practice's jobs, proposals and invoices; each returns the new row number.

The builders (``activity``) and the injectors use the same three functions, so a job, proposal or
invoice draws the same random values wherever it is made.
"""

from __future__ import annotations

import datetime as dt

from audits.testdata.practice import Practice
from audits.testdata.records import Client, dmy, money
from audits.testdata.vocabulary import SERVICES, TEMPLATES

SECOND_LINES = ["Additional work", "Prior year adjustments", "Additional transactions"]


def add_job(
    p: Practice,
    c: Client,
    name: str,
    tpl: str,
    state: str,
    start: dt.date,
    order_no: str,
    *,
    due=None,
    budget=None,
) -> int:
    rng = p.rng
    p.job_no += 1
    due = due or start + dt.timedelta(days=rng.randint(60, 170))
    category = TEMPLATES[tpl][0] if tpl in TEMPLATES else ""
    if budget is None:
        budget = next((s[4] for s in SERVICES.values() if s[5] == tpl), 500)
    p.jobs.append(
        (
            f"J{p.job_no:06d}",
            c.name,
            name,
            tpl,
            category,
            state,
            c.job_manager,
            c.partner,
            dmy(start),
            dmy(due),
            order_no,
            money(budget),
        )
    )
    return len(p.jobs) + 1


def add_invoice(
    p: Practice,
    contact: str,
    ref: str,
    date: dt.date,
    desc: str,
    amount: float,
    *,
    second: bool = False,
) -> int:
    rng = p.rng
    p.inv_no += 1
    number = f"INV-{p.inv_no:06d}"
    status = "PAID" if date.month < 9 and rng.random() < 0.7 else "AUTHORISED"
    due = dmy(date + dt.timedelta(days=14))
    base = (contact, number, ref, dmy(date), due)
    tail = ("200", "GST on Income", "AUD", status)
    p.invoices.append((*base, desc, "1", money(amount), *tail))
    row = len(p.invoices) + 1
    if second:
        line = rng.choice(SECOND_LINES)
        p.invoices.append((*base, line, "1", money(rng.randint(2, 12) * 50), *tail))
    return row


def add_proposal(
    p: Practice, c: Client, service_key: str, start: dt.date
) -> tuple[str, int, float]:
    p.prop_no += 1
    s = SERVICES[service_key]
    price = round(s[4] * p.rng.uniform(0.8, 1.4) / 10) * 10
    ref = f"PROP-{p.prop_no}"
    client = c.ignition_name or c.name
    p.proposals.append(
        (ref, client, s[0], s[3], "Proposal", money(price), "Accepted", start.isoformat())
    )
    return ref, len(p.proposals) + 1, price
