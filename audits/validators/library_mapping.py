"""Step 8: relevant XPM job templates are mapped to services at the Ignition library level."""

from __future__ import annotations

import re
from collections.abc import Iterable

from audits.validators.base import Context, Finding, Rule, fold

WHERE = "Ignition → Library → (the service) → job template"
RECURRING_RE = re.compile(
    r"recurring|annual|annually|yearly|monthly|quarterly|weekly|fortnightly", re.IGNORECASE
)
ONE_OFF_RE = re.compile(r"one[- ]?off|once|single|fixed|ad[- ]?hoc", re.IGNORECASE)


def _services(ctx: Context):
    s = ctx.table("ignition_services")
    kind = s.col("billing_type") + " " + s.col("frequency")
    recurring = kind.str.contains(RECURRING_RE) & ~s.col("billing_type").str.contains(ONE_OFF_RE)
    template = s.col("xpm_job_template").str.strip()
    return s, recurring, template


class RecurringServiceUnmapped(Rule):
    code = "C08.E001"
    title = "Recurring service with no job template"
    needs = ("ignition_services",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        s, recurring, template = _services(ctx)
        services = s.col("service")
        for index in s.df.index[recurring & (template == "")]:
            service = services[index]
            yield self.finding(
                f'The recurring service "{service}" has no XPM job template, so accepting a '
                "proposal for it deploys no job.",
                hint=f"Map it to its XPM job template in {WHERE}.",
                **s.at(index, "xpm_job_template"),
                value=service,
            )


class MappedTemplateMissing(Rule):
    code = "C08.E002"
    title = "Mapped job template is not in XPM"
    needs = ("ignition_services", "xpm_job_templates")

    def check(self, ctx: Context) -> Iterable[Finding]:
        s, _, template = _services(ctx)
        known = set(ctx.table("xpm_job_templates").col("template").map(fold))
        missing = (template != "") & ~template.map(fold).isin(known)
        services = s.col("service")
        for index in s.df.index[missing]:
            service, name = services[index], template[index]
            yield self.finding(
                f'The service "{service}" is mapped to the job template "{name}", which is not in '
                "the XPM templates export.",
                hint=f"Create the template in XPM or map the service to an existing one in {WHERE}.",
                **s.at(index, "xpm_job_template"),
                value=name,
            )


class OneOffServiceUnmapped(Rule):
    code = "C08.W003"
    title = "One-off service with no job template"
    needs = ("ignition_services",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        s, recurring, template = _services(ctx)
        services = s.col("service")
        for index in s.df.index[~recurring & (template == "")]:
            service = services[index]
            yield self.finding(
                f'The one-off service "{service}" has no XPM job template.',
                hint="If its work should be tracked as a job, map a template in "
                f"{WHERE}; if not, acknowledge this warning.",
                **s.at(index, "xpm_job_template"),
                value=service,
            )


RULES: tuple[Rule, ...] = (
    RecurringServiceUnmapped(),
    MappedTemplateMissing(),
    OneOffServiceUnmapped(),
)
