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
MONTH_RE = re.compile(
    r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.IGNORECASE,
)
PERIOD_NUMBER_RE = re.compile(r"\b(?:month|period|m)\s*(?:[1-9]|1[0-2])\b", re.IGNORECASE)
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WHERE = "XPM → Business → Settings → Templates → Job templates"


def monthly_tasks(tasks: pd.Series) -> tuple[int, list[str]]:
    """How many monthly tasks a template has, and the months none of its tasks names.

    A monthly task names a month ("July bookkeeping") or a period number ("Month 3"); the same
    month twice counts once (C07.W003 reports the repeat). A template none of whose tasks carries
    such a marker is judged on its task count alone (its tasks may be named another way).
    """
    tasks = tasks[tasks != ""]
    months = tasks.str.extract(MONTH_RE, expand=False).dropna().str[:3].str.casefold()
    numbered = tasks[tasks.str.contains(PERIOD_NUMBER_RE)].map(fold)
    if months.empty and numbered.empty:
        return tasks.map(fold).nunique(), []
    named = set(months)
    missing = [m for m in MONTH_NAMES if m[:3].casefold() not in named] if named else []
    return len(named) + numbered.nunique(), missing


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
            tasks, missing = monthly_tasks(group["task"])
            if tasks == 12:
                continue
            gap = f" No task for {', '.join(missing)}." if missing and tasks < 12 else ""
            yield self.finding(
                f'The template "{name}" is bookkeeping-type but has {tasks} monthly task(s), '
                f"not 12.{gap}",
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
