"""Step 14: "Create an ad hoc job when no current job matched the Xero reference" turned OFF."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Rule

WHERE = "XPM → Business → Settings → Xero (invoice import)"
ADHOC_RE = re.compile(r"\bad[ -]?hoc\b|\bmisc\b|\bmiscellaneous\b", re.IGNORECASE)


class AdHocLookingJob(Rule):
    code = "C14.W001"
    title = "Job that looks created by the ad hoc setting"
    needs = ("xpm_jobs",)
    uses = ("ignition_proposals",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        proposals = ctx.table("ignition_proposals")
        name = jobs.col("name").str.strip()
        order = jobs.col("client_order_no").str.strip()
        by_name = name.str.contains(ADHOC_RE)
        if proposals is not None:
            known = set(proposals.col("proposal").str.strip())
            stray = (order != "") & ~order.isin(known) & ~order.str.upper().str.startswith("CLI-")
        else:  # without the proposals, a Client Order No. cannot be checked
            stray = pd.Series(False, index=order.index)
        hint = (
            f'Untick "Create an Ad hoc job when no current job matched the Xero reference field" '
            f"in {WHERE}, then move this job's time and invoices to the client's real job."
        )
        clients, job_nos = jobs.col("client"), jobs.col("job_no")
        for index in jobs.df.index[by_name | stray]:
            if by_name[index]:
                message = f'The job "{name[index]}" ({clients[index]}) looks like an ad hoc job.'
                value, field_name = name[index], "name"
            else:
                message = (
                    f'Job {job_nos[index]} has the Client Order No. "{order[index]}", '
                    "which matches no Ignition proposal."
                )
                value, field_name = order[index], "client_order_no"
            yield self.finding(
                message,
                hint=hint,
                **jobs.at(index, field_name),
                value=value,
            )


RULES: tuple[Rule, ...] = (AdHocLookingJob(),)
