"""Step 14 (ad hoc jobs): jobs that no proposal created.

C14.W001 an extra job "Ad hoc", "Ad Hoc Job", "Miscellaneous" or "Misc work" (no template, blank
         order no.; value = job name), or an extra "Tax Planning 2025" job whose Client Order No. is
         a PROP-… that no proposal has (value = that order no.). job row.
"""

from __future__ import annotations

import datetime as dt

from audits.testdata import rows
from audits.testdata.injectors.victims import without_tax_planning
from audits.testdata.practice import Practice
from audits.testdata.records import Client
from audits.testdata.vocabulary import YEAR

ADHOC_NAMES = ["Ad hoc", "Ad Hoc Job", "Miscellaneous", "Misc work"]


def mark(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C14.W001", without_tax_planning)):
        c.mods["C14.W001"] = i


def add_job(p: Practice, c: Client, contact: str, when: dt.date) -> None:
    """After the client's jobs: an ad hoc job, or a job with a stale proposal number."""
    if "C14.W001" not in c.mods:
        return
    i = c.mods["C14.W001"]
    if i % 2 == 0:
        name = ADHOC_NAMES[(i // 2) % len(ADHOC_NAMES)]
        row = rows.add_job(p, c, name, "", "In Progress", when, "", budget=0)
        p.label("C14.W001", "xpm_jobs", [row], name)
    else:
        stale = f"PROP-{p.rng.randint(3000, 9000)}"
        row = rows.add_job(p, c, f"Tax Planning {YEAR}", "Tax Planning", "Planned", when, stale)
        p.label("C14.W001", "xpm_jobs", [row], stale)
