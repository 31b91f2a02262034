"""Step 9 (proposal billing): invoices whose reference does not lead to exactly one standard job.

C09.E001 one extra one-line invoice with Reference "CLI-<Ignition client id>". xero_invoices row;
         value = reference.
C09.E002 the client's main proposal gets a "Tax planning" line and a second job ("Tax Planning 2025")
         with the same Client Order No.; that proposal is billed by one one-line invoice. invoice row;
         value = the PROP reference.
C09.E003 an extra accepted "Tax planning" proposal whose job was never deployed, billed by one
         one-line invoice. invoice row; value = the PROP reference.
C09.W004 one extra one-line invoice with a blank Reference. invoice row; value = invoice number.
"""

from __future__ import annotations

import datetime as dt

from audits.testdata import rows
from audits.testdata.injectors.victims import anyone, with_proposals, without_tax_planning
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Deployment, money
from audits.testdata.vocabulary import SERVICES, YEAR


def mark(p: Practice, n: int) -> None:
    for c in p.pick(n, "C09.E001", with_proposals):
        c.mods["C09.E001"] = True
    for c in p.pick(n, "C09.E002", without_tax_planning):
        c.mods["C09.E002"] = True
    for c in p.pick(n, "C09.E003", without_tax_planning):
        c.mods["C09.E003"] = True
    for c in p.pick(n, "C09.W004", anyone):
        c.mods["C09.W004"] = True


def add_tax_planning_line(p: Practice, d: Deployment) -> None:
    """C09.E002, on the main proposal: a "Tax planning" line under the same proposal number."""
    c = d.client
    if "C09.E002" not in c.mods:
        return
    t = SERVICES["tax_planning"]
    p.proposals.append(
        (
            d.ref,
            c.ignition_name or c.name,
            t[0],
            t[3],
            "Proposal",
            money(t[4]),
            "Accepted",
            (d.start - dt.timedelta(days=7)).isoformat(),
        )
    )


def add_second_job(p: Practice, d: Deployment) -> None:
    """C09.E002, after the main job: a "Tax Planning 2025" job with the same Client Order No."""
    if "C09.E002" in d.client.mods:
        t = "Tax Planning"
        rows.add_job(
            p, d.client, f"{t} {YEAR}", t, "Planned", d.start + dt.timedelta(days=30), d.ref
        )


def bill_once(p: Practice, d: Deployment, desc: str) -> bool:
    """C09.E002: bill the main proposal with one one-line invoice; True when it did."""
    if "C09.E002" not in d.client.mods:
        return False
    row = rows.add_invoice(p, d.contact, d.ref, d.start + dt.timedelta(days=14), desc, d.price)
    p.label("C09.E002", "xero_invoices", [row], d.ref)
    return True


def add_invoices(p: Practice, c: Client, contact: str, when: dt.date) -> None:
    """After the client's jobs: the extra invoices of C09.E001, C09.E003 and C09.W004."""
    rng = p.rng
    if "C09.E001" in c.mods:
        ref = f"CLI-{p.client_ids.get(c.idx, '1')}"
        row = rows.add_invoice(p, contact, ref, when, "Fees as agreed", rng.randint(4, 40) * 50)
        p.label("C09.E001", "xero_invoices", [row], ref)
    if "C09.E003" in c.mods:
        ref, _row, price = rows.add_proposal(p, c, "tax_planning", when - dt.timedelta(days=20))
        row = rows.add_invoice(p, contact, ref, when, SERVICES["tax_planning"][0], price)
        p.label("C09.E003", "xero_invoices", [row], ref)
    if "C09.W004" in c.mods:
        row = rows.add_invoice(p, contact, "", when, "Additional advice", rng.randint(2, 20) * 50)
        p.label("C09.W004", "xero_invoices", [row], f"INV-{p.inv_no:06d}")
