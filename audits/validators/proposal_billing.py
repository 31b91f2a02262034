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
    """One row per invoice: number, contact, first non-blank reference, first line's index."""

    def compute() -> pd.DataFrame:
        t = ctx.table("xero_invoices")
        lines = pd.DataFrame(
            {
                "number": t.col("invoice_number").str.strip(),
                "contact": t.col("contact"),
                "reference": t.col("reference").str.strip(),
            }
        )
        lines = lines[lines["number"] != ""]
        first = lines.drop_duplicates("number")
        refs = (
            lines[lines["reference"] != ""]
            .drop_duplicates("number")
            .set_index("number")["reference"]
        )
        out = first[["number", "contact"]].copy()
        by_number = refs.to_dict()
        out["reference"] = [by_number.get(n, "") for n in out["number"]]
        return out.reset_index(drop=True)

    return ctx.memo("proposal_billing.invoices", compute)


def invoice_rows(ctx: Context, numbers) -> dict[str, tuple[int, ...]]:
    """Spreadsheet rows of the given invoices (every line), for the few invoices reported."""
    t = ctx.table("xero_invoices")
    number = t.col("invoice_number").str.strip()
    wanted = number.isin(set(numbers))
    frame = pd.DataFrame({"number": number[wanted], "row": t.rows[wanted]})
    return {n: tuple(int(r) for r in g) for n, g in frame.groupby("number")["row"]}


def job_keys(ctx: Context) -> pd.DataFrame:
    """Every (key, job row) an invoice Reference can reach: job number or Client Order No."""

    def compute() -> pd.DataFrame:
        jobs = ctx.table("xpm_jobs")
        keys = pd.concat(
            [
                pd.DataFrame({"key": jobs.col("job_no").str.strip(), "row": jobs.rows}),
                pd.DataFrame({"key": jobs.col("client_order_no").str.strip(), "row": jobs.rows}),
            ]
        )
        return keys[keys["key"] != ""].drop_duplicates()

    return ctx.memo("proposal_billing.job_keys", compute)


def _rows_per_key(keys: pd.DataFrame, wanted) -> dict[str, tuple[int, ...]]:
    """Sorted job rows for the few keys reported (never for every key of a large export)."""
    hit = keys[keys["key"].isin(set(wanted))]
    return {k: tuple(sorted(int(r) for r in g)) for k, g in hit.groupby("key")["row"]}


def _invoice_finding(
    rule: Rule, ctx: Context, invoice, rows, message: str, hint: str, **extra
) -> Finding:
    t = ctx.table("xero_invoices")
    return rule.finding(
        message,
        hint=hint,
        file=t.file,
        rows=rows[invoice.number],
        column=t.header("reference"),
        **extra,
    )


class ClientLevelReference(Rule):
    code = "C09.E001"
    title = "Invoice reference at client level (CLI-…)"
    needs = ("xero_invoices",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        inv = invoices(ctx)
        flagged = inv[inv["reference"].str.upper().str.startswith("CLI-")]
        rows = invoice_rows(ctx, flagged["number"])
        for invoice in flagged.itertuples():
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                rows,
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
        keys = job_keys(ctx)
        jobs = ctx.table("xpm_jobs")
        inv = invoices(ctx)
        counts = keys["key"].value_counts()
        flagged = inv[inv["reference"].isin(counts.index[counts > 1])]
        rows = invoice_rows(ctx, flagged["number"])
        targets = _rows_per_key(keys, flagged["reference"])
        for invoice in flagged.itertuples():
            job_rows = targets[invoice.reference]
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                rows,
                f'Invoice {invoice.number} has the reference "{invoice.reference}", which matches '
                f"{len(job_rows)} XPM jobs; XPM cannot tell which job it belongs to.",
                "Keep one job per proposal: merge or renumber the extra jobs so the reference "
                "(job number or Client Order No.) matches exactly one job.",
                value=invoice.reference,
                related=(Related(jobs.file, job_rows),),
            )


class ProposalReferenceWithoutJob(Rule):
    code = "C09.E003"
    title = "PROP-… reference that matches no job"
    needs = ("xero_invoices", "xpm_jobs")

    def check(self, ctx: Context) -> Iterable[Finding]:
        inv = invoices(ctx)
        prop = inv[inv["reference"].str.upper().str.startswith("PROP-")]
        flagged = prop[~prop["reference"].isin(job_keys(ctx)["key"])]
        rows = invoice_rows(ctx, flagged["number"])
        for invoice in flagged.itertuples():
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                rows,
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
        flagged = inv[inv["reference"] == ""]
        rows = invoice_rows(ctx, flagged["number"])
        for invoice in flagged.itertuples():
            yield _invoice_finding(
                self,
                ctx,
                invoice,
                rows,
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
