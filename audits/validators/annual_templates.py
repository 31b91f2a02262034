"""Step 7: job templates follow an annual structure (12 monthly tasks for bookkeeping)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Rule, fold

BOOKKEEPING_RE = re.compile(r"bookkeep|\bbas\b|\bgst\b|\bvat\b|payroll|monthly", re.IGNORECASE)
PERIOD_RE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|q[1-4]|quarter\s*[1-4])\b",
    re.IGNORECASE,
)
WHERE = "XPM → Business → Settings → Templates → Job templates"


def _frame(ctx: Context) -> pd.DataFrame:
    t = ctx.table("xpm_job_templates")
    return pd.DataFrame(
        {
            "template": t.col("template").str.strip(),
            "task": t.col("task").str.strip(),
            "category": t.col("category"),
            "row": t.rows,
        }
    )


class BookkeepingWithoutTwelveTasks(Rule):
    code = "C07.E001"
    title = "Bookkeeping-type template without exactly 12 monthly tasks"
    needs = ("xpm_job_templates",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_job_templates")
        frame = _frame(ctx)
        frame = frame[frame["template"] != ""]
        for name, group in frame.groupby("template", sort=True):
            kind_text = f"{name} {' '.join(group['category'].unique())}"
            if not BOOKKEEPING_RE.search(kind_text):
                continue
            tasks = group["task"][group["task"] != ""].map(fold).nunique()
            if tasks == 12:
                continue
            yield self.finding(
                f'The template "{name}" is bookkeeping-type but has {tasks} task(s), not 12 '
                "monthly tasks.",
                hint="Give it one task per month (12 in all), so one annual job carries the whole "
                f"year's work and invoices; edit it in {WHERE}.",
                file=t.file,
                rows=tuple(int(r) for r in group["row"]),
                column=t.header("template"),
                value=str(name),
            )


class PeriodTemplate(Rule):
    code = "C07.W002"
    title = "Template per month or quarter"
    needs = ("xpm_job_templates",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_job_templates")
        frame = _frame(ctx)
        for name, group in frame[frame["template"] != ""].groupby("template", sort=True):
            match = PERIOD_RE.search(str(name))
            if not match:
                continue
            base = PERIOD_RE.sub("", str(name)).strip(" -–:")
            yield self.finding(
                f'The template "{name}" is for one period ({match.group(0)}), not the year.',
                hint="Use one annual template with a task per period instead of one template per "
                f"month or quarter; merge them in {WHERE}.",
                file=t.file,
                rows=tuple(int(r) for r in group["row"]),
                column=t.header("template"),
                value=str(name),
                suggestion=base,
            )


class DuplicateTask(Rule):
    code = "C07.W003"
    title = "The same task twice in one template"
    needs = ("xpm_job_templates",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_job_templates")
        frame = _frame(ctx)
        frame = frame[(frame["template"] != "") & (frame["task"] != "")]
        frame = frame.assign(key=frame["task"].map(fold))
        dupes = frame[frame.duplicated(["template", "key"], keep=False)]
        for (template, _), group in dupes.groupby(["template", "key"], sort=True):
            task = group["task"].iloc[0]
            yield self.finding(
                f'The task "{task}" appears {len(group)} times in the template "{template}".',
                hint=f"Remove the repeated task in {WHERE}, or give each its own name.",
                file=t.file,
                rows=tuple(int(r) for r in group["row"]),
                column=t.header("task"),
                value=str(task),
            )


RULES: tuple[Rule, ...] = (BookkeepingWithoutTwelveTasks(), PeriodTemplate(), DuplicateTask())
