"""Step 15: no Xero subscriptions or other disbursements inside annual proposals and jobs."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule, fold

PASS_THROUGH_RE = re.compile(
    r"subscription|licen[cs]e|disbursement|software\s+(?:fee|recharge)|on-?charge", re.IGNORECASE
)
RECURRING_RE = re.compile(r"annual|yearly|monthly|quarterly|weekly|fortnightly|recurring", re.I)
WHERE = "Ignition → Library → (service) → billing; Xero subscription and disbursement items"


class PassThroughInRecurringProposal(Rule):
    code = "C15.E001"
    title = "Subscription or disbursement inside an annual proposal"
    needs = ("ignition_proposals",)
    uses = ("ignition_services",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        p = ctx.table("ignition_proposals")
        services = ctx.table("ignition_services")
        service = p.col("service")
        passthrough = service.str.contains(PASS_THROUGH_RE)
        if services is not None:
            by_category = services.col("category").str.contains(PASS_THROUGH_RE)
            flagged = set(services.col("service")[by_category].map(fold))
            passthrough |= service.map(fold).isin(flagged)
        recurring_line = p.col("frequency").str.contains(RECURRING_RE)
        recurring_proposals = set(p.col("proposal")[recurring_line & ~passthrough])
        inside = passthrough & p.col("proposal").isin(recurring_proposals)
        proposals, clients = p.col("proposal"), p.col("client")
        for index in p.df.index[inside]:
            proposal = proposals[index]
            yield self.finding(
                f'Proposal {proposal} ({clients[index]}) bills "{service[index]}" inside '
                "a recurring proposal; it will land on the annual job.",
                hint="Bill subscriptions and disbursements outside the annual proposal (their own "
                f"proposal or a direct Xero invoice to a disbursements account): {WHERE}.",
                **p.at(index, "service"),
                value=service[index],
            )


class PassThroughJob(Rule):
    code = "C15.W002"
    title = "Subscription or disbursement job beside an annual job"
    needs = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        frame = pd.DataFrame(
            {
                "client": jobs.col("client"),
                "label": jobs.col("name") + " " + jobs.col("template"),
                "template": jobs.col("template").str.strip(),
                "row": jobs.rows,
            }
        )
        passthrough = frame["label"].str.contains(PASS_THROUGH_RE)
        annual = frame[~passthrough & (frame["template"] != "")]
        with_annual = set(annual["client"])
        flagged = frame.index[passthrough & frame["client"].isin(with_annual)]
        involved = annual[annual["client"].isin(set(frame.loc[flagged, "client"]))]
        annual_rows = involved.groupby("client")["row"].apply(list).to_dict()
        names = jobs.col("name")
        for index in flagged:
            client = frame.at[index, "client"]
            name = names[index]
            yield self.finding(
                f'"{name}" is a subscription or disbursement job for {client}, who also has an '
                "annual job.",
                hint="Bill subscriptions and disbursements outside the annual work (their own "
                "proposal or a direct Xero invoice to a disbursements account), then complete "
                f"this job in XPM: {WHERE}.",
                file=jobs.file,
                rows=(int(frame.at[index, "row"]),),
                column=jobs.header("name"),
                value=name,
                related=(Related(jobs.file, tuple(int(r) for r in annual_rows[client][:20])),),
            )


RULES: tuple[Rule, ...] = (PassThroughInRecurringProposal(), PassThroughJob())
