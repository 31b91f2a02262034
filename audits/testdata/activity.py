"""The practice's activity: 2024 and 2025 jobs, proposals and invoices, client by client.

Every client (except those with ``jobs == "none"``) gets its 2024 "Completed" jobs first (lower job
numbers, in a shuffled client order); then each client with ``jobs == "normal"`` gets, per service,
an accepted proposal (Ignition clients), one 2025 job and its invoices, and finally the extra jobs
and invoices that are problems in themselves. The injectors' hooks are called where their problem
is made, so the random draws happen in one fixed order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from audits.testdata import rows
from audits.testdata.injectors import (
    adhoc_jobs,
    annual_jobs,
    job_states,
    no_subscriptions,
    proposal_billing,
)
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Deployment
from audits.testdata.vocabulary import MONTHS, PRIOR, SERVICES, STANDARD_STATES, YEAR

# (practice, client, Xero contact name, date) -> None: after a client's services, in this order.
EXTRA_ACTIVITY: tuple[Callable[[Practice, Client, str, dt.date], None], ...] = (
    adhoc_jobs.add_job,  # C14.W001
    no_subscriptions.add_job,  # C15.W002
    proposal_billing.add_invoices,  # C09.E001, C09.E003, C09.W004
)


def build_ignition_ids(p: Practice) -> None:
    order = [c for c in p.clients if c.ignition]
    p.rng.shuffle(order)
    for i, c in enumerate(order):
        p.client_ids[c.idx] = str(100001 + i)
    p.ignition_order = order


def _prior_jobs(p: Practice) -> None:
    rng = p.rng
    unmapped_rows: dict[str, list[int]] = {}
    order = [c for c in p.clients + p.extra_rows if c.jobs != "none"]
    rng.shuffle(order)
    for c in order:
        for tpl in c.prior:
            start = dt.date(PRIOR, rng.randint(1, 6), 1) + dt.timedelta(days=rng.randint(0, 27))
            state = job_states.prior_state(c)
            row = rows.add_job(p, c, f"{tpl} {PRIOR}", tpl, state, start, "")
            if state != "Completed":
                unmapped_rows.setdefault(state, []).append(row)
    job_states.label_unmapped(p, unmapped_rows)


def build_activity(p: Practice) -> None:
    _prior_jobs(p)
    order = [c for c in p.clients if c.jobs == "normal"]
    p.rng.shuffle(order)
    for c in order:
        client_activity(p, c)
    for name, ref in p.w003_invoices:  # C13.W003: the extra contacts' one invoice each
        when = dt.date(YEAR, p.rng.randint(2, 11), 10)
        rows.add_invoice(p, name, ref, when, "Consulting services", 850.0)


def client_activity(p: Practice, c: Client) -> None:
    rng = p.rng
    contact = c.xero_name or c.name
    for position, key in enumerate(c.services):
        start = dt.date(YEAR, rng.randint(1, 6), 1) + dt.timedelta(days=rng.randint(0, 27))
        _deploy(p, Deployment(c, key, position == 0, start, contact))
    # Extra jobs and invoices that are problems in themselves.
    when = dt.date(YEAR, rng.randint(3, 9), rng.randint(1, 28))
    for add in EXTRA_ACTIVITY:
        add(p, c, contact, when)


def _propose(p: Practice, d: Deployment) -> None:
    offset = dt.timedelta(days=p.rng.randint(7, 40))
    d.ref, _row, d.price = rows.add_proposal(p, d.client, d.key, d.start - offset)
    if d.main:
        no_subscriptions.add_line(p, d)
        proposal_billing.add_tax_planning_line(p, d)


def _deploy(p: Practice, d: Deployment) -> None:
    """One service: its proposal, its 2025 job (and the problems made with it), its invoices."""
    rng = p.rng
    c = d.client
    tpl = SERVICES[d.key][5]
    d.price = SERVICES[d.key][4]
    if c.proposals:
        _propose(p, d)
    d.state = rng.choice(STANDARD_STATES)
    d.name = f"{tpl} {YEAR}"
    if d.main:
        annual_jobs.period_name(d, tpl)
        job_states.main_state(d)
    due = min(d.start + dt.timedelta(days=rng.randint(60, 170)), dt.date(YEAR, 12, 20))
    d.row = rows.add_job(p, c, d.name, tpl, d.state, d.start, d.ref, due=due, budget=d.price)
    d.job_no = p.jobs[-1][0]
    if d.main:
        annual_jobs.label_period_name(p, d)
        job_states.label_main_state(p, d)
    if d.key == "bookkeeping":
        annual_jobs.repeat_bookkeeping(p, d, tpl)
    if d.main:
        proposal_billing.add_second_job(p, d)
    if c.invoices:
        _bill(p, d)


def _bill(p: Practice, d: Deployment) -> None:
    rng = p.rng
    desc, frequency = SERVICES[d.key][0], SERVICES[d.key][3]
    if not d.client.proposals:
        when = d.start + dt.timedelta(days=20)
        second = rng.random() < 0.25
        rows.add_invoice(p, d.contact, d.job_no, when, desc, d.price, second=second)
        return
    if d.main and proposal_billing.bill_once(p, d, desc):
        return
    if frequency == "Monthly":
        _bill_monthly(p, d, desc)
    elif rng.random() < 0.6 or frequency == "Once":
        when = d.start + dt.timedelta(days=14)
        second = rng.random() < 0.3
        rows.add_invoice(p, d.contact, d.ref, when, desc, d.price, second=second)
    else:
        _bill_quarterly(p, d, desc)


def _bill_monthly(p: Practice, d: Deployment, desc: str) -> None:
    for m in range(d.start.month, min(d.start.month + 6, 13)):
        line = f"{desc} - {MONTHS[m - 1]} {YEAR}"
        second = p.rng.random() < 0.3
        rows.add_invoice(p, d.contact, d.ref, dt.date(YEAR, m, 28), line, d.price, second=second)


def _bill_quarterly(p: Practice, d: Deployment, desc: str) -> None:
    for q in range(4):
        when = d.start + dt.timedelta(days=14 + 45 * q)
        line = f"{desc} - instalment {q + 1} of 4"
        second = p.rng.random() < 0.2
        rows.add_invoice(p, d.contact, d.ref, when, line, d.price / 4, second=second)
