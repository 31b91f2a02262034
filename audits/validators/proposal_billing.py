"""Step 9: proposal-level billing, so each invoice maps to one unique job.

XPM allocates an invoice to the job whose job number or Client Order No. equals the invoice's
Reference. Invoices come one row per line; findings are per invoice, listing all its lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from audits.validators.base import (
    Context,
    Finding,
    Related,
    Rule,
    is_in,
    rows_for_codes,
    trimmed_codes,
)

WHERE = "Ignition → Settings → billing (invoice grouping)"


@dataclass(frozen=True)
class InvoiceLines:
    """Each invoice line's trimmed invoice number as a code into ``numbers`` (-1 when blank) and
    its spreadsheet row."""

    codes: np.ndarray
    numbers: np.ndarray
    rows: np.ndarray

    def rows_of(self, wanted: Iterable[int]) -> dict[str, tuple[int, ...]]:
        """Invoice number -> spreadsheet rows of all its lines, for the invoices (codes) given."""
        wanted_codes = np.fromiter(wanted, dtype=np.int64)
        found = rows_for_codes(self.codes, self.numbers, self.rows, wanted_codes)
        return {number: tuple(rows) for number, rows in found.items()}


def invoice_lines(ctx: Context) -> InvoiceLines:
    """The invoice lines' numbers (trimmed once per distinct value) and rows, for this run."""

    def compute() -> InvoiceLines:
        t = ctx.table("xero_invoices")
        codes, numbers = trimmed_codes(t.col("invoice_number").to_numpy(dtype=object))
        return InvoiceLines(codes, numbers, t.rows.to_numpy())

    return ctx.memo("proposal_billing.lines", compute)


def invoices(ctx: Context) -> pd.DataFrame:
    """One row per invoice, the n-th being the invoice of code n in ``invoice_lines``: number,
    contact (of its first line), first non-blank reference (trimmed)."""

    def compute() -> pd.DataFrame:
        t = ctx.table("xero_invoices")
        lines = invoice_lines(ctx)
        ref_codes, refs = trimmed_codes(t.col("reference").to_numpy(dtype=object))
        # Factorize codes number invoices in order of first line: a line is its invoice's first
        # when its code is above every code before it.
        before = np.maximum.accumulate(np.concatenate([[-1], lines.codes[:-1]]))
        first = np.flatnonzero(lines.codes > before)
        with_ref = np.flatnonzero((lines.codes >= 0) & (ref_codes >= 0))
        found, first_ref = np.unique(lines.codes[with_ref], return_index=True)
        reference = np.full(len(lines.numbers), "", dtype=object)
        reference[found] = refs[ref_codes[with_ref[first_ref]]]
        return pd.DataFrame(
            {
                "number": lines.numbers,
                "contact": t.col("contact").to_numpy(dtype=object)[first],
                "reference": reference,
            }
        )

    return ctx.memo("proposal_billing.invoices", compute)


def invoice_rows(ctx: Context, flagged: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """Spreadsheet rows of the given invoices (every line), for the few invoices reported.
    ``flagged`` is a slice of ``invoices(ctx)``, whose index is each invoice's code in
    ``invoice_lines(ctx)``."""
    return invoice_lines(ctx).rows_of(flagged.index)


def reference_codes(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """The invoices' references as (codes, distinct references), "" among them."""
    return ctx.memo(
        "proposal_billing.reference_codes",
        lambda: pd.factorize(invoices(ctx)["reference"].to_numpy(dtype=object)),
    )


def reference_starts(ctx: Context, prefix: str) -> np.ndarray:
    """Which invoices' reference starts with ``prefix`` (capitals), once per distinct reference."""
    codes, uniques = reference_codes(ctx)
    starts = np.array([u.upper().startswith(prefix) for u in uniques] + [False], dtype=bool)
    return starts[codes]


@dataclass(frozen=True)
class JobKeys:
    """The (key, job row) pairs by which an invoice's Reference reaches a job, each pair once: a
    job number or Client Order No. (trimmed) equal to some invoice's reference. ``codes`` index
    ``keys``; ``counts`` is jobs per key."""

    keys: np.ndarray
    codes: np.ndarray
    rows: np.ndarray
    counts: np.ndarray

    def rows_per_key(self, wanted: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """Sorted job rows for the few keys reported (never for every key of a large export)."""
        wanted_codes = np.flatnonzero(is_in(self.keys, set(wanted)))
        found = rows_for_codes(self.codes, self.keys, self.rows, wanted_codes)
        return {key: tuple(sorted(rows)) for key, rows in found.items()}


def job_keys(ctx: Context) -> JobKeys:
    """Every (key, job row) an invoice Reference reaches: job number or Client Order No. (Keys
    no invoice refers to cannot make a finding, and are left out.)"""

    def compute() -> JobKeys:
        jobs = ctx.table("xpm_jobs")
        references = set(reference_codes(ctx)[1]) - {""}
        values = np.concatenate(
            [jobs.col(f).to_numpy(dtype=object) for f in ("job_no", "client_order_no")]
        )
        trimmed = np.array([v.strip() for v in values], dtype=object)
        reached = np.flatnonzero(is_in(trimmed, references))
        codes, keys = pd.factorize(trimmed[reached])
        rows = np.concatenate([jobs.rows.to_numpy()] * 2)[reached]
        # A job whose Client Order No. is its own number reaches it once.
        pairs = pd.DataFrame({"code": codes, "row": rows}).drop_duplicates()
        codes, rows = pairs["code"].to_numpy(), pairs["row"].to_numpy()
        counts = np.bincount(codes, minlength=len(keys))
        return JobKeys(keys, codes, rows, counts)

    return ctx.memo("proposal_billing.job_keys", compute)


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
        flagged = inv[reference_starts(ctx, "CLI-")]
        rows = invoice_rows(ctx, flagged)
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
        flagged = inv[inv["reference"].isin(set(keys.keys[keys.counts > 1]))]
        rows = invoice_rows(ctx, flagged)
        targets = keys.rows_per_key(flagged["reference"])
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
        prop = inv[reference_starts(ctx, "PROP-")]
        reached = set(job_keys(ctx).keys)
        flagged = prop[~is_in(prop["reference"].to_numpy(dtype=object), reached)]
        rows = invoice_rows(ctx, flagged)
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
        rows = invoice_rows(ctx, flagged)
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
