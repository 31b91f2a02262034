"""Step 14: "Create an ad hoc job when no current job matched the Xero reference" turned OFF."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from audits.validators.base import Context, Finding, Rule, contains, per_distinct

WHERE = "XPM → Business → Settings → Xero (invoice import)"
ADHOC_RE = re.compile(r"\bad[ -]?hoc\b|\bmisc\b|\bmiscellaneous\b", re.IGNORECASE)


CLI_PREFIX = "CLI-"  # a client-level reference (step 9), not a stray Client Order No.


class AdHocLookingJob(Rule):
    code = "C14.W001"
    title = "Job that looks created by the ad hoc setting"
    needs = ("xpm_jobs",)
    uses = ("ignition_proposals",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        proposals = ctx.table("ignition_proposals")
        name = per_distinct(jobs.col("name"), str.strip)
        order = per_distinct(jobs.col("client_order_no"), str.strip)
        by_name = contains(name, ADHOC_RE)
        if proposals is not None:
            known = {p.strip() for p in pd.unique(proposals.col("proposal").to_numpy(dtype=object))}
            stray = per_distinct(
                order,
                lambda o: o != "" and o not in known and not o.upper().startswith(CLI_PREFIX),
                bool,
            )
        else:  # without the proposals, a Client Order No. cannot be checked
            stray = np.zeros(len(order), dtype=bool)
        hint = (
            f'Untick "Create an Ad hoc job when no current job matched the Xero reference field" '
            f"in {WHERE}, then move this job's time and invoices to the client's real job."
        )
        clients = jobs.col("client").to_numpy(dtype=object)
        job_nos = jobs.col("job_no").to_numpy(dtype=object)
        for position in np.flatnonzero(by_name | stray).tolist():
            if by_name[position]:
                message = (
                    f'The job "{name[position]}" ({clients[position]}) looks like an ad hoc job.'
                )
                value, field_name = name[position], "name"
            else:
                message = (
                    f'Job {job_nos[position]} has the Client Order No. "{order[position]}", '
                    "which matches no Ignition proposal."
                )
                value, field_name = order[position], "client_order_no"
            yield self.finding(
                message,
                hint=hint,
                **jobs.at(jobs.df.index[position], field_name),
                value=value,
            )


RULES: tuple[Rule, ...] = (AdHocLookingJob(),)
