"""Step 10: one annual job per client (and per entity of a group); tasks break down the work."""

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
    Table,
    contains,
    fold,
    per_distinct,
)

PERIOD_RE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|q[1-4]|quarter\s*[1-4])\b",
    re.IGNORECASE,
)

YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")


GROUP_SEPARATOR_RE = re.compile(r"\s*[,;]\s*")


def _year(text: str) -> str:
    """The first year (19xx or 20xx) written in ``text``, "" when none."""
    found = YEAR_RE.search(text)
    return found.group(1) if found else ""


def _bare_name(name: str) -> str:
    """A job name without its period, year and punctuation ("Tax Return - June 2025" ->
    "Tax Return")."""
    bare = YEAR_RE.sub(" ", PERIOD_RE.sub(" ", name))
    return re.sub(r"[\W_]+", " ", bare).strip()


def jobs_frame(ctx: Context) -> pd.DataFrame:
    """Per job: client, template and name (trimmed), label and service (what makes two jobs "the
    same"), the year it is for, and its spreadsheet row."""

    def compute() -> pd.DataFrame:
        jobs = ctx.table("xpm_jobs")
        name = per_distinct(jobs.col("name"), str.strip)
        template = per_distinct(jobs.col("template"), str.strip)
        # The year a job is for: its start date, else its due date (ISO once loaded, but a date
        # the loader could not read stays as typed), else a year in its name.
        year = per_distinct(jobs.col("start_date"), _year)
        for fallback in (jobs.col("due_date"), name):
            year = np.where(year == "", per_distinct(fallback, _year), year)
        # "Same template or service": with no template, the job name without its period/year.
        unnamed = template == ""
        label = template.copy()
        label[unnamed] = per_distinct(name[unnamed], _bare_name)
        text = {
            "client": jobs.col("client").to_numpy(dtype=object),
            "template": template,
            "label": label,
            "service": per_distinct(label, fold),
            "name": name,
            "year": year,
        }
        # Plain Python strings (object dtype): compared and grouped faster than the str dtype.
        frame = pd.DataFrame(text, index=jobs.df.index, dtype=object)
        return frame.assign(row=jobs.rows)

    return ctx.memo("annual_jobs.frame", compute)


class RepeatedJobsInYear(Rule):
    code = "C10.E001"
    title = "More than one job from the same template in a year"
    needs = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        frame = jobs_frame(ctx)
        frame = frame[(frame["service"] != "") & (frame["client"] != "") & (frame["year"] != "")]
        repeated = frame[frame.duplicated(["client", "service", "year"], keep=False)]
        for (client, _, year), group in repeated.groupby(["client", "service", "year"], sort=True):
            template = group["label"].iloc[0]
            yield self.finding(
                f'{client} has {len(group)} "{template}" jobs in {year}; Ignition expects one '
                "annual job per service, with tasks for each month.",
                hint="Keep one annual job and move the monthly work into its tasks; complete or "
                "delete the extra jobs in XPM, and use an annual template (step 7).",
                file=jobs.file,
                rows=tuple(int(r) for r in group["row"]),
                column=jobs.header("client"),
                value=str(client),
            )


class PeriodInJobName(Rule):
    code = "C10.W002"
    title = "Job name carrying a month or quarter"
    needs = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        frame = jobs_frame(ctx)
        flagged = frame[contains(frame["name"], PERIOD_RE)]
        for item in flagged.itertuples():
            base = PERIOD_RE.sub("", item.name)
            # "Tax Return - June 2025" -> "Tax Return 2025": drop the separator left behind.
            base = re.sub(r"\s*[-–:]\s*(?=\d{4}\b|$)", " ", base)
            base = re.sub(r"\s{2,}", " ", base).strip(" -–:")
            yield self.finding(
                f'The job "{item.name}" ({item.client}) is named for a month or quarter.',
                hint="Name jobs for the year (e.g. the template and year); periods belong in the "
                "job's tasks.",
                file=jobs.file,
                rows=(int(item.row),),
                column=jobs.header("name"),
                value=item.name,
                suggestion=base,
            )


BUSY_SHARE = 0.25  # a year with a quarter of the busiest year's jobs is a working year


def current_year(years: pd.Series) -> str | None:
    """The latest year the practice really works in: next year's few jobs created early (or a
    mistyped 2052) do not make it "current", so the latest year holding at least ``BUSY_SHARE`` of
    the busiest year's jobs."""
    counts = years[years != ""].value_counts()
    if counts.empty:
        return None
    busy = counts[counts >= BUSY_SHARE * counts.max()]
    return max(busy.index)


def group_members(clients: Table) -> dict[str, list[int]]:
    """Client group -> positions of its named member clients, in file order. XPM lists every
    group of a client in one cell: "Osei Group, Osei Family"."""
    codes, cells = pd.factorize(clients.col("group").to_numpy(dtype=object))
    groups = [[g.strip() for g in GROUP_SEPARATOR_RE.split(cell)] for cell in cells]
    named = per_distinct(clients.col("name"), lambda n: n.strip() != "", bool)
    members: dict[str, list[int]] = {}
    for position in np.flatnonzero((codes >= 0) & named).tolist():
        for group in groups[codes[position]]:
            if group:
                members.setdefault(group, []).append(position)
    return members


class GroupEntityWithoutAnnualJob(Rule):
    code = "C10.W003"
    title = "Group entity without an annual job"
    needs = ("xpm_jobs", "xpm_clients")

    def check(self, ctx: Context) -> Iterable[Finding]:
        clients = ctx.table("xpm_clients")
        frame = jobs_frame(ctx)
        current = current_year(frame["year"])
        if current is None:
            return
        with_annual = set(pd.unique(frame["client"][frame["year"] == current].to_numpy(object)))
        names = clients.col("name").to_numpy(dtype=object)
        rows = clients.rows.to_numpy()
        for group_name, members in sorted(group_members(clients).items()):
            has = [names[p] in with_annual for p in members]
            if not any(has):
                continue
            covered = tuple(int(rows[p]) for p, h in zip(members, has, strict=True) if h)
            for position in (p for p, h in zip(members, has, strict=True) if not h):
                yield self.finding(
                    f"{names[position]} has no {current} job, while other entities of the group "
                    f'"{group_name}" do.',
                    hint="Give each entity of a client group its own annual job (Ignition bills "
                    "each entity on its own proposal), or archive the entity if it is no longer "
                    "a client.",
                    file=clients.file,
                    rows=(int(rows[position]),),
                    column=clients.header("name"),
                    value=names[position],
                    related=(Related(clients.file, covered),),
                )


RULES: tuple[Rule, ...] = (RepeatedJobsInYear(), PeriodInJobName(), GroupEntityWithoutAnnualJob())
