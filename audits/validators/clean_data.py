"""Step 5: old client data and duplicates removed from XPM before connecting.

Exact duplicates share a normalised name and no identifier disagrees; the same name with a
disagreeing date of birth, tax number or email is a namesake (step 13, C13.W004), not a duplicate.
Within one name, rows are grouped into identities: a row joins the first identity none of whose
rows it disagrees with; a row with none of those identifiers joins only when the name has a single
identity (with two or more it could be either person, so it stays out). Each identity of two or
more rows is one C05.E001; a name with two or more identities is one C13.W004.
Probable duplicates (similar names that agree on an identifier) come from ``matching``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from audits.validators.base import Context, Finding, Rule
from audits.validators.matching import DISCRIMINATING, identifier_frame, probable_duplicates
from audits.validators.names import normalise_series

WHERE = "XPM → Clients → (the client)"
MERGE = f"{WHERE} → Merge Client (or archive the spare row)"
FIELDS = ("name", "email", "phone", "tax_number", "date_of_birth", "address", "postcode", "status")


def clients(ctx: Context) -> pd.DataFrame:
    """The client table once per run: fields as text, ``row``, ``normal`` name, and ``id_*``
    normalised identifiers."""

    def compute() -> pd.DataFrame:
        t = ctx.table("xpm_clients")
        frame = pd.DataFrame({f: t.col(f) for f in FIELDS})
        frame["row"] = t.rows
        frame["normal"] = normalise_series(frame["name"])
        ids = identifier_frame(frame)
        for field in ids:
            frame[f"id_{field}"] = ids[field]
        return frame

    return ctx.memo("clean_data.clients", compute)


def _identities(group: pd.DataFrame) -> list[list[int]]:
    """Split rows of one normalised name into identities (see the module docstring)."""
    identities: list[list[int]] = []
    values: list[dict[str, str]] = []
    unknown: list[int] = []
    for index, row in zip(
        group.index, group[[f"id_{f}" for f in DISCRIMINATING]].itertuples(index=False), strict=True
    ):
        own = {f: v for f, v in zip(DISCRIMINATING, row, strict=True) if v}
        if not own:
            unknown.append(index)
            continue
        for members, known in zip(identities, values, strict=True):
            if all(known.get(f, v) == v for f, v in own.items()):
                members.append(index)
                for f, v in own.items():
                    known.setdefault(f, v)
                break
        else:
            identities.append([index])
            values.append(dict(own))
    if len(identities) <= 1:
        identities = [sorted((identities[0] if identities else []) + unknown)]
    return [members for members in identities if members]


def same_name_groups(ctx: Context) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """(exact duplicate groups, namesake groups) among rows with the same normalised name, each
    ordered by spreadsheet row, and the lists ordered by first row."""

    def compute():
        frame = clients(ctx)
        named = frame[frame["normal"] != ""]
        repeated = named[named.duplicated("normal", keep=False)].sort_values("row")
        duplicates, namesakes = [], []
        for _, group in repeated.groupby("normal", sort=False):
            identities = _identities(group)
            duplicates.extend(frame.loc[m].sort_values("row") for m in identities if len(m) > 1)
            if len(identities) > 1:
                namesakes.append(group)
        duplicates.sort(key=lambda g: int(g["row"].iloc[0]))
        namesakes.sort(key=lambda g: int(g["row"].iloc[0]))
        return duplicates, namesakes

    return ctx.memo("clean_data.same_name", compute)


def probable(ctx: Context) -> list[list[int]]:
    return ctx.memo("clean_data.probable", lambda: probable_duplicates(clients(ctx)))


_LABELS = {
    "email": "email",
    "phone": "phone",
    "tax_number": "tax number",
    "date_of_birth": "date of birth",
    "street": "street and postcode",
}


def _shared(group: pd.DataFrame) -> list[str]:
    """The identifiers that some rows of a cluster have in common, in the practice's words."""
    out = []
    for field, label in _LABELS.items():
        values = group[f"id_{field}"]
        values = values[values != ""]
        if values.duplicated().any():
            out.append(label)
    return out


def _rows(frame: pd.DataFrame) -> tuple[int, ...]:
    return tuple(int(r) for r in frame["row"])


class ExactDuplicate(Rule):
    code = "C05.E001"
    title = "Exact duplicate clients"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        duplicates, _ = same_name_groups(ctx)
        for group in duplicates:
            name = group["name"].iloc[0]
            yield self.finding(
                f'"{name}" is in XPM {len(group)} times, and nothing tells the rows apart '
                "(no differing date of birth, tax number or email).",
                hint=f"Merge the rows into one client in {MERGE} before connecting: Ignition "
                "links on the name and would pick either one, splitting jobs and invoices.",
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
            shared = ", ".join(_shared(group)) or "contact details"
            yield self.finding(
                f"{names} look like the same client: similar names with the same {shared}.",
                hint=f"Check with the practice; if they are one client, merge them in {MERGE} "
                "and keep one spelling. Liftoff never merges automatically.",
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
            key = frame[f"id_{field}"]
            usable = frame[(key != "") & ~frame.index.isin(clustered) & (frame["normal"] != "")]
            usable = usable.assign(key=key[usable.index])
            # Only keys held by two or more different names are shared: filter vectorised
            # before grouping, so 100,000 unique emails cost one pass, not 100,000 groups.
            names_per_key = usable.groupby("key")["normal"].transform("nunique")
            usable = usable[names_per_key >= 2].sort_values("row")
            for _, group in usable.groupby("key", sort=True):
                value = group[field].iloc[0].strip()
                label = _LABELS[field]
                yield self.finding(
                    f"The {label} {value} belongs to {group['normal'].nunique()} different "
                    f"clients: {', '.join(group['name'])}.",
                    hint=f"Check whose {label} it is and correct the others in {WHERE} → Edit "
                    "Client; a shared identifier makes clients easy to mix up when merging and "
                    "matching.",
                    file=t.file,
                    rows=_rows(group),
                    column=t.header(field),
                    value=value,
                    suggestion="",
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
                status = frame.at[index, "status"].strip()
                message = (
                    f'"{name}" is archived or inactive in XPM ({t.header("status")}: {status}).'
                )
                hint = (
                    "XPM syncs archived clients to Ignition too: delete old clients you will "
                    f"not bill again in {WHERE} → Delete, or confirm they should stay."
                )
            else:
                message = f'"{name}" has no job at all in the XPM jobs export.'
                hint = (
                    "If they are no longer a client, archive or delete them in "
                    f"{WHERE} before connecting; otherwise confirm they are a current client."
                )
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
                hint="Give the client its name in XPM → Clients, or delete the row: a client "
                "with no name cannot be matched to Xero or Ignition.",
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
