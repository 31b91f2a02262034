"""Step 15: no Xero subscriptions or other disbursements inside annual proposals and jobs."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from audits.validators.base import (
    Context,
    Finding,
    Related,
    Rule,
    contains,
    fold,
    is_in,
    per_distinct,
)

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
        passthrough = contains(service, PASS_THROUGH_RE)
        if services is not None:
            by_category = services.col("category").str.contains(PASS_THROUGH_RE)
            flagged = set(services.col("service")[by_category].map(fold))
            passthrough |= per_distinct(service, lambda s: fold(s) in flagged, bool)
        recurring_line = contains(p.col("frequency"), RECURRING_RE)
        proposals, clients = p.col("proposal"), p.col("client")
        proposal_values = proposals.to_numpy(dtype=object)
        recurring_proposals = set(proposal_values[recurring_line & ~passthrough])
        inside = passthrough & is_in(proposal_values, recurring_proposals)
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


def pass_through_jobs(name: pd.Series, template: pd.Series) -> np.ndarray:
    """Which jobs' "name template" reads as a subscription or disbursement, once per distinct
    (name, template) pair (a pattern may run across the two)."""
    # A missing cell reads as blank: factorize's -1 would decode as another row's pair.
    name_codes, names = pd.factorize(name.fillna("").to_numpy(dtype=object))
    template_codes, templates = pd.factorize(template.fillna("").to_numpy(dtype=object))
    # One integer per (name, template) pair, decoded below by // and % len(templates).
    pair_codes, pairs = pd.factorize(name_codes.astype(np.int64) * len(templates) + template_codes)
    found = [
        PASS_THROUGH_RE.search(
            f"{names[pair // len(templates)]} {templates[pair % len(templates)]}"
        )
        is not None
        for pair in pairs.tolist()
    ]
    return np.array(found, dtype=bool)[pair_codes]


class PassThroughJob(Rule):
    code = "C15.W002"
    title = "Subscription or disbursement job beside an annual job"
    needs = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        client = jobs.col("client").to_numpy(dtype=object)
        names, rows = jobs.col("name").to_numpy(dtype=object), jobs.rows.to_numpy()
        passthrough = pass_through_jobs(jobs.col("name"), jobs.col("template"))
        templated = per_distinct(jobs.col("template"), lambda t: t.strip() != "", bool)
        annual = ~passthrough & templated
        flagged = passthrough & is_in(client, set(client[annual]))
        involved = annual & is_in(client, set(client[flagged]))
        annual_rows: dict[str, list[int]] = {}
        for position in np.flatnonzero(involved).tolist():
            annual_rows.setdefault(client[position], []).append(int(rows[position]))
        for position in np.flatnonzero(flagged).tolist():
            name = names[position]
            yield self.finding(
                f'"{name}" is a subscription or disbursement job for {client[position]}, who '
                "also has an annual job.",
                hint="Bill subscriptions and disbursements outside the annual work (their own "
                "proposal or a direct Xero invoice to a disbursements account), then complete "
                f"this job in XPM: {WHERE}.",
                file=jobs.file,
                rows=(int(rows[position]),),
                column=jobs.header("name"),
                value=name,
                related=(Related(jobs.file, tuple(annual_rows[client[position]][:20])),),
            )


RULES: tuple[Rule, ...] = (PassThroughInRecurringProposal(), PassThroughJob())
