"""Step 10: one annual job per client (and per entity of a group); tasks break down the work."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule, fold

PERIOD_RE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|q[1-4]|quarter\s*[1-4])\b",
    re.IGNORECASE,
)

YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")


def jobs_frame(ctx: Context) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        jobs = ctx.table("xpm_jobs")
        name = jobs.col("name").str.strip()
        template = jobs.col("template").str.strip()
        # The year a job is for: its start date, else its due date (ISO once loaded, but a date
        # the loader could not read stays as typed), else a year in its name.
        year = jobs.col("start_date").str.extract(YEAR_RE, expand=False)
        for fallback in (jobs.col("due_date"), name):
            year = year.fillna(fallback.str.extract(YEAR_RE, expand=False))
        # "Same template or service": with no template, the job name without its period/year.
        unnamed = template == ""
        bare = name[unnamed].str.replace(PERIOD_RE, " ", regex=True)
        bare = bare.str.replace(YEAR_RE, " ", regex=True).str.replace(r"[\W_]+", " ", regex=True)
        label = template.where(~unnamed, bare.str.strip())
        key = label.map({k: fold(k) for k in pd.unique(label)})  # once per distinct name
        return pd.DataFrame(
            {
                "client": jobs.col("client"),
                "template": template,
                "label": label,
                "service": key,
                "name": name,
                "year": year.fillna(""),
                "row": jobs.rows,
            }
        )

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
        flagged = frame[frame["name"].str.contains(PERIOD_RE)]
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
        with_annual = set(frame["client"][(frame["year"] == current)])
        members = pd.DataFrame(
            {
                "name": clients.col("name"),
                # XPM lists every group of a client in one cell: "Osei Group, Osei Family".
                "group": clients.col("group").str.split(r"\s*[,;]\s*", regex=True),
                "row": clients.rows,
            }
        ).explode("group")
        members["group"] = members["group"].fillna("").str.strip()
        members = members[(members["group"] != "") & (members["name"].str.strip() != "")]
        members = members.assign(has=members["name"].isin(with_annual))
        for group_name, group in members.groupby("group", sort=True):
            if not group["has"].any():
                continue
            covered = group[group["has"]]
            for member in group[~group["has"]].itertuples():
                yield self.finding(
                    f"{member.name} has no {current} job, while other entities of the group "
                    f'"{group_name}" do.',
                    hint="Give each entity of a client group its own annual job (Ignition bills "
                    "each entity on its own proposal), or archive the entity if it is no longer "
                    "a client.",
                    file=clients.file,
                    rows=(int(member.row),),
                    column=clients.header("name"),
                    value=member.name,
                    related=(Related(clients.file, tuple(int(r) for r in covered["row"])),),
                )


RULES: tuple[Rule, ...] = (RepeatedJobsInYear(), PeriodInJobName(), GroupEntityWithoutAnnualJob())
