"""Step 5: old client data and duplicates removed from XPM before connecting.

Exact duplicates share a normalised name and no identifier disagrees; the same name with a
disagreeing date of birth, tax number or email is a namesake (step 13, C13.W004), not a duplicate.
Probable duplicates (similar names sharing an identifier) come from ``matching``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Rule
from audits.validators.matching import probable_duplicates
from audits.validators.names import normalise_series

WHERE = "XPM → Clients → (the client) → Merge / Archive"
IDENTIFIERS = ("email", "phone", "tax_number", "date_of_birth")
FIELDS = ("name", "email", "phone", "tax_number", "date_of_birth", "address", "postcode", "status")


def clients(ctx: Context) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        t = ctx.table("xpm_clients")
        frame = pd.DataFrame({f: t.col(f) for f in FIELDS})
        frame["row"] = t.rows
        frame["normal"] = normalise_series(frame["name"])
        return frame

    return ctx.memo("clean_data.clients", compute)


def same_name_groups(ctx: Context) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """(exact duplicate groups, namesake groups) among rows with the same normalised name."""

    def compute():
        frame = clients(ctx)
        named = frame[frame["normal"] != ""]
        repeated = named[named.duplicated("normal", keep=False)]
        duplicates, namesakes = [], []
        for _, group in repeated.groupby("normal", sort=False):
            disagree = any(
                group[f].str.strip().str.casefold().replace("", pd.NA).dropna().nunique() > 1
                for f in IDENTIFIERS
            )
            (namesakes if disagree else duplicates).append(group)
        return duplicates, namesakes

    return ctx.memo("clean_data.same_name", compute)


def probable(ctx: Context) -> list[list[int]]:
    return ctx.memo("clean_data.probable", lambda: probable_duplicates(clients(ctx)))


def _rows(frame: pd.DataFrame) -> tuple[int, ...]:
    return tuple(int(r) for r in frame["row"])


class ExactDuplicate(Rule):
    code = "C05.E001"
    title = "Exact duplicate clients"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        duplicates, _ = same_name_groups(ctx)
        for group in sorted(duplicates, key=lambda g: int(g["row"].min())):
            name = group["name"].iloc[0]
            yield self.finding(
                f'"{name}" is in XPM {len(group)} times, with nothing to tell the rows apart.',
                hint=f"Merge the duplicates into one client in {WHERE} before connecting; "
                "Ignition would link or create the wrong one.",
                file=t.file,
                rows=_rows(group),
                column=t.header("name"),
                value=name,
                suggestion=name,
            )


class ProbableDuplicate(Rule):
    code = "C05.W002"
    title = "Probable duplicate clients"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        for cluster in sorted(probable(ctx), key=lambda c: int(frame.loc[c, "row"].min())):
            group = frame.loc[cluster].sort_values("row")
            names = " / ".join(f'"{n}"' for n in group["name"])
            yield self.finding(
                f"{names} look like the same client: similar names that share contact details.",
                hint=f"Check with the practice; if they are one client, merge them in {WHERE}. "
                "Liftoff never merges automatically.",
                file=t.file,
                rows=_rows(group),
                column=t.header("name"),
                value=group["name"].iloc[0],
                suggestion=group["name"].iloc[0],
            )


class SharedIdentifier(Rule):
    code = "C05.W003"
    title = "One email or tax number shared by different clients"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        clustered = {i for c in probable(ctx) for i in c}
        for field in ("email", "tax_number"):
            values = frame[field].str.strip()
            key = values.str.casefold().str.replace(r"\s", "", regex=True)
            usable = frame[(key != "") & ~frame.index.isin(clustered) & (frame["normal"] != "")]
            usable = usable.assign(key=key[usable.index])
            # Only keys held by two or more different names can be shared: filter vectorised
            # before grouping, so 100,000 unique emails cost one pass, not 100,000 groups.
            names_per_key = usable.groupby("key")["normal"].transform("nunique")
            usable = usable[names_per_key >= 2]
            for _, group in usable.groupby("key", sort=True):
                value = values[group.index[0]]
                label = "email" if field == "email" else "tax number"
                yield self.finding(
                    f"The {label} {value} belongs to {group['normal'].nunique()} different "
                    f"clients: {', '.join(group['name'])}.",
                    hint="Check which client it belongs to and correct the others in XPM; "
                    "a shared identifier makes clients easy to mix up.",
                    file=t.file,
                    rows=_rows(group),
                    column=t.header(field),
                    value=value,
                )


INACTIVE = {"archived", "inactive", "deleted", "closed"}
TRUE = {"yes", "y", "true", "1"}


def inactive_flags(status: pd.Series, header: str) -> pd.Series:
    """The status column reads three ways: a status word ("Archived"), an "Archived" yes/no
    column, or an "Active" yes/no column."""
    value = status.str.strip().str.casefold()
    column = header.rsplit("]", 1)[-1].strip().casefold()
    if column == "archived":
        return value.isin(TRUE)
    if column == "active":
        return value.isin({"no", "n", "false", "0"})
    return value.isin(INACTIVE)


class InactiveOrIdle(Rule):
    code = "C05.W004"
    title = "Archived or inactive clients, and clients with no job"
    needs = ("xpm_clients",)
    uses = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        inactive = inactive_flags(frame["status"], t.header("status"))
        jobs = ctx.table("xpm_jobs")
        no_job = pd.Series(False, index=frame.index)
        if jobs is not None:
            no_job = ~frame["name"].isin(set(jobs.col("client")))
        named = frame["name"].str.strip() != ""
        for index in frame.index[named & (inactive | no_job)]:
            name = frame.at[index, "name"]
            if inactive[index]:
                message = f'"{name}" is {frame.at[index, "status"].strip().lower()} in XPM.'
                hint = (
                    "Archived clients are synced too: remove old clients you will not "
                    f"bill again, or confirm they should stay ({WHERE})."
                )
            else:
                message = f'"{name}" has no job in XPM.'
                hint = f"If they are no longer a client, archive or remove them in {WHERE}."
            yield self.finding(
                message,
                hint=hint,
                file=t.file,
                rows=(int(frame.at[index, "row"]),),
                column=t.header("status" if inactive[index] else "name"),
                value=name,
            )


class BlankName(Rule):
    code = "C05.E005"
    title = "Client row with no name"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        for index in frame.index[frame["name"].str.strip() == ""]:
            yield self.finding(
                "This client row has no name.",
                hint=f"Give the client its name, or delete the row in {WHERE}.",
                file=t.file,
                rows=(int(frame.at[index, "row"]),),
                column=t.header("name"),
                value="",
            )


RULES: tuple[Rule, ...] = (
    ExactDuplicate(),
    ProbableDuplicate(),
    SharedIdentifier(),
    InactiveOrIdle(),
    BlankName(),
)
