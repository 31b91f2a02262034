"""Step 15 (no subscriptions): software subscriptions and disbursements sold as services.

C15.E001 an annual proposal gets an extra line "Xero subscription", "Xero Business Edition
         subscription", "MYOB AccountRight licence" or "ASIC fee disbursement". proposals row; value
         = service.
C15.W002 an extra 2025 job "Xero Subscription 2025", "Disbursements 2025" or "Software Licence
         Recharge 2025" (no template, blank order no.) for a client with an annual job. job row;
         value = job name.
"""

from __future__ import annotations

import datetime as dt

from audits.testdata import rows
from audits.testdata.injectors.victims import anyone, with_proposals
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Deployment, money
from audits.testdata.vocabulary import YEAR

SUBSCRIPTION_LINES = [
    "Xero subscription",
    "Xero Business Edition subscription",
    "MYOB AccountRight licence",
    "ASIC fee disbursement",
]
SUBSCRIPTION_JOBS = ["Xero Subscription", "Disbursements", "Software Licence Recharge"]


def mark(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C15.E001", with_proposals)):
        c.mods["C15.E001"] = SUBSCRIPTION_LINES[i % len(SUBSCRIPTION_LINES)]
    for i, c in enumerate(p.pick(n, "C15.W002", anyone)):
        c.mods["C15.W002"] = SUBSCRIPTION_JOBS[i % len(SUBSCRIPTION_JOBS)]


def add_line(p: Practice, d: Deployment) -> None:
    """C15.E001, on the main proposal: a monthly subscription line under the same number."""
    c = d.client
    if "C15.E001" not in c.mods:
        return
    line = c.mods["C15.E001"]
    p.proposals.append(
        (
            d.ref,
            c.ignition_name or c.name,
            line,
            "Monthly",
            "Proposal",
            money(p.rng.choice([35, 62, 90])),
            "Accepted",
            (d.start - dt.timedelta(days=7)).isoformat(),
        )
    )
    p.label("C15.E001", "ignition_proposals", [len(p.proposals) + 1], line)


def add_job(p: Practice, c: Client, contact: str, when: dt.date) -> None:
    """After the client's jobs: a subscription or disbursement job (C15.W002)."""
    if "C15.W002" in c.mods:
        name = f"{c.mods['C15.W002']} {YEAR}"
        row = rows.add_job(p, c, name, "", "Planned", when, "", budget=0)
        p.label("C15.W002", "xpm_jobs", [row], name)
