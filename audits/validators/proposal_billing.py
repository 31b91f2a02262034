"""Step 9: proposal-level billing, so each invoice maps to one unique job.

XPM allocates an invoice to the job whose job number or Client Order No. equals the invoice's
Reference. Invoices come one row per line; findings are per invoice, listing all its lines.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule

WHERE = "Ignition → Settings → billing (invoice grouping)"


def invoices(ctx: Context) -> pd.DataFrame:
    """One row per invoice: number, contact, first non-blank reference, all its rows."""

    def compute() -> pd.DataFrame:
        t = ctx.table("xero_invoices")
        lines = pd.DataFrame(
            {
                "number": t.col("invoice_number").str.strip(),
                "contact": t.col("contact"),
                "reference": t.col("reference").str.strip(),
                "row": t.rows,
            }
        )
        lines = lines[lines["number"] != ""]
        refs = (
            lines[lines["reference"] != ""]
            .drop_duplicates("number")
            .set_index("number")["reference"]
        )
        grouped = lines.groupby("number", sort=False).agg(
            contact=("contact", "first"), rows=("row", list)
        )
        grouped["reference"] = refs.reindex(grouped.index).fillna("")
        return grouped.reset_index()

    return ctx.memo("invoices", compute)


def job_targets(ctx: Context) -> dict[str, list[int]]:
    """Reference -> rows of the jobs it would reach (by job number or Client Order No.)."""

    def compute() -> dict[str, list[int]]:
        jobs = ctx.table("xpm_jobs")
        keys = pd.concat(
            [
                pd.DataFrame({"key": jobs.col("job_no").str.strip(), "row": jobs.rows}),
                pd.DataFrame({"key": jobs.col("client_order_no").str.strip(), "row": jobs.rows}),
            ]
        )
        keys = keys[keys["key"] != ""].drop_duplicates()
        return keys.groupby("key")["row"].apply(list).to_dict()

    return ctx.memo("job_targets", compute)


def _invoice_finding(rule: Rule, ctx: Context, invoice, message: str, hint: str, **extra):
    t = ctx.table("xero_invoices")
    return rule.finding(
        message,
        hint=hint,
        file=t.file,
        rows=tuple(invoice.rows),
        column=t.header("reference"),
        **extra,
    )


class ClientLevelReference(Rule):
    code = "C09.E001"
    title = "Invoice reference at client level (CLI-…)"
    needs = ("xero_invoices",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        inv = invoices(ctx)
        for invoice in inv[inv["reference"].str.upper().str.startswith("CLI-")].itertuples():
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                f"Invoice {invoice.number} ({invoice.contact}) has the client-level reference "
                f'"{invoice.reference}", which matches no single job.',
                f"Switch to proposal-level billing in {WHERE}, so invoices carry PROP-… "
                "references that match one job.",
                value=invoice.reference,
            )


class ReferenceMatchesManyJobs(Rule):
    code = "C09.E002"
    title = "Invoice reference matches more than one job"
    needs = ("xero_invoices", "xpm_jobs")

    def check(self, ctx: Context) -> Iterable[Finding]:
        targets = job_targets(ctx)
        jobs = ctx.table("xpm_jobs")
        inv = invoices(ctx)
        for invoice in inv[inv["reference"] != ""].itertuples():
            rows = targets.get(invoice.reference, [])
            if len(set(rows)) < 2:
                continue
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                f'Invoice {invoice.number} has the reference "{invoice.reference}", which matches '
                f"{len(set(rows))} XPM jobs; XPM cannot tell which job it belongs to.",
                "Keep one job per proposal: merge or renumber the extra jobs so the reference "
                "(job number or Client Order No.) matches exactly one job.",
                value=invoice.reference,
                related=(Related(jobs.file, tuple(sorted(set(rows)))),),
            )


class ProposalReferenceWithoutJob(Rule):
    code = "C09.E003"
    title = "PROP-… reference that matches no job"
    needs = ("xero_invoices", "xpm_jobs")

    def check(self, ctx: Context) -> Iterable[Finding]:
        targets = job_targets(ctx)
        inv = invoices(ctx)
        prop = inv[inv["reference"].str.upper().str.startswith("PROP-")]
        for invoice in prop[~prop["reference"].isin(set(targets))].itertuples():
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                f'Invoice {invoice.number} references "{invoice.reference}", but no XPM job has '
                "that job number or Client Order No.; the job was probably never deployed.",
                "Deploy the proposal's job from Ignition (or fix the job's Client Order No.), so "
                "the overnight import can allocate this invoice.",
                value=invoice.reference,
            )


class InvoiceWithoutReference(Rule):
    code = "C09.W004"
    title = "Invoice with no Reference"
    needs = ("xero_invoices",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        inv = invoices(ctx)
        for invoice in inv[inv["reference"] == ""].itertuples():
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                f"Invoice {invoice.number} ({invoice.contact}) has no Reference, so XPM cannot "
                "allocate it to a job.",
                "Raise invoices from Ignition so they carry the proposal reference, or add the "
                "job's number as the Reference in Xero.",
                value=invoice.number,
            )


RULES: tuple[Rule, ...] = (
    ClientLevelReference(),
    ReferenceMatchesManyJobs(),
    ProposalReferenceWithoutJob(),
    InvoiceWithoutReference(),
)
