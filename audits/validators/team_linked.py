"""Step 4: every partner, manager and staff member is linked as an Ignition team member.

People are matched between XPM and Ignition by email first, then by normalised name, then by
the record-linkage engine (a name spelled slightly differently, weighed with the email too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule, Table, fold
from audits.validators.linkage import CROSS_MATCH_WEIGHT, link_between
from audits.validators.names import normalise_name, normalise_series

WHERE = "Ignition → Settings → Team → (the member) → linked XPM user"


def _team_keys(ctx: Context) -> tuple[set[str], set[str]]:
    team = ctx.table("ignition_team")
    emails = {fold(e) for e in team.col("email") if e.strip()}
    names = {normalise_name(n) for n in team.col("name") if n.strip()}
    names |= {normalise_name(n) for n in team.col("xpm_user") if n.strip()}
    return emails, names


def _counts(values: pd.Series) -> Counter:
    """Normalised name -> how many cells of ``values`` name them, each distinct cell normalised
    once."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    per_value = np.bincount(codes[codes >= 0], minlength=len(uniques))
    counts = Counter()
    for value, count in zip(uniques, per_value.tolist(), strict=True):
        name = normalise_name(value)
        if name:
            counts[name] += count
    return counts


def _workload(ctx: Context) -> tuple[Counter, Counter, bool]:
    """Normalised person name -> how many jobs and clients they manage; and whether we know."""

    def compute() -> tuple[Counter, Counter, bool]:
        jobs, clients = Counter(), Counter()
        jobs_table, clients_table = ctx.table("xpm_jobs"), ctx.table("xpm_clients")
        if jobs_table is not None:
            for field in ("manager", "partner"):
                jobs.update(_counts(jobs_table.col(field)))
        if clients_table is not None:
            for field in ("account_manager", "job_manager"):
                clients.update(_counts(clients_table.col(field)))
        return jobs, clients, jobs_table is not None or clients_table is not None

    return ctx.memo("team_linked.workload", compute)


def _missing_staff(ctx: Context) -> list[tuple[object, str]]:
    """(index, name) of XPM staff members with no Ignition team member: not by email, not by
    normalised name, and not by the record-linkage engine (a name spelled slightly differently,
    weighed with everything else both have)."""

    def compute():
        staff = ctx.table("xpm_staff")
        emails, names = _team_keys(ctx)
        staff_names, staff_emails = staff.col("name"), staff.col("email")
        missing = [
            (index, staff_names[index])
            for index in staff.df.index
            if staff_names[index].strip()
            and not (fold(staff_emails[index]) and fold(staff_emails[index]) in emails)
            and normalise_name(staff_names[index]) not in names
        ]
        linked = _linked_by_evidence(ctx, [index for index, _ in missing])
        return [(index, name) for index, name in missing if index not in linked]

    return ctx.memo("team_linked.missing", compute)


def _linked_by_evidence(ctx: Context, indexes: list) -> set:
    """Of the staff rows ``indexes``, those the linkage engine pairs with a team member (its
    name or its linked XPM user's)."""
    if not indexes:
        return set()
    staff, team = ctx.table("xpm_staff"), ctx.table("ignition_team")
    left = pd.DataFrame({"name": staff.col("name"), "email": staff.col("email")})
    right = pd.concat(
        [
            pd.DataFrame({"name": team.col("name"), "email": team.col("email")}),
            pd.DataFrame({"name": team.col("xpm_user"), "email": team.col("email")}),
        ],
        ignore_index=True,
    )
    right = right[right["name"].str.strip() != ""].reset_index(drop=True)
    if right.empty:
        return set()
    only = (left.index.isin(indexes), np.ones(len(right), dtype=bool))
    found = link_between(left.reset_index(drop=True), right, (np.asarray(only[0]), only[1]))
    paired = found.scored.weight >= CROSS_MATCH_WEIGHT
    return {left.index[i] for i in found.scored.i[paired]}


def _unlisted_in(
    table: Table, fields: tuple[str, ...], known: set[str]
) -> dict[str, tuple[str, list[int]]]:
    """Normalised name -> (first spelling, rows) of the people named in ``fields`` of ``table``
    who are not ``known``, reading each distinct cell once."""
    found: dict[str, tuple[str, list[int]]] = {}
    rows = table.rows.to_numpy()
    for field in fields:
        codes, uniques = pd.factorize(table.col(field).to_numpy(dtype=object))
        names = [u.strip() for u in uniques]
        keys = [normalise_name(n) for n in names]
        unknown = [bool(n) and k != "" and k not in known for n, k in zip(names, keys, strict=True)]
        for position in np.flatnonzero(np.array([*unknown, False])[codes]).tolist():
            code = codes[position]
            found.setdefault(keys[code], (names[code], []))[1].append(int(rows[position]))
    return found


def _unlisted_managers(ctx: Context, staff_names: set[str], team_names: set[str]):
    """People named as manager/partner in jobs or clients who are in neither the XPM staff
    export nor Ignition: normalised name -> (spelling, {table: rows})."""
    people: dict[str, tuple[str, dict[str, tuple[int, ...]]]] = {}
    sources: list[tuple[Table, tuple[str, ...]]] = []
    for kind, fields in (
        ("xpm_jobs", ("manager", "partner")),
        ("xpm_clients", ("account_manager", "job_manager")),
    ):
        table = ctx.table(kind)
        if table is not None:
            sources.append((table, fields))
    for table, fields in sources:
        for key, (spelling, rows) in _unlisted_in(table, fields, staff_names | team_names).items():
            _spelling, found = people.setdefault(key, (spelling, {}))
            found[table.kind] = tuple(sorted(set(rows)))
    return people, {table.kind: table for table, _ in sources}


class ManagerNotInTeam(Rule):
    code = "C04.E001"
    title = "Partner or manager who is not an Ignition team member"
    needs = ("xpm_staff", "ignition_team")
    uses = ("xpm_jobs", "xpm_clients")

    def check(self, ctx: Context) -> Iterable[Finding]:
        staff = ctx.table("xpm_staff")
        jobs, clients, known = _workload(ctx)
        if not known:
            return
        for index, name in _missing_staff(ctx):
            key = normalise_name(name)
            if not (jobs[key] or clients[key]):
                continue
            yield self.finding(
                f"{name} is partner or manager on {jobs[key]} job(s) and account or job manager "
                f"of {clients[key]} client(s), but is not an Ignition team member.",
                hint=f"Invite {name} to Ignition and link their XPM user in {WHERE}; until then "
                "Ignition drops them from deployed jobs and deployment can fail.",
                **staff.at(index, "name"),
                value=name,
            )
        # Someone the jobs or clients name who is not even in the staff export (a former or
        # renamed user): report them on the file that names them.
        staff_names = set(normalise_series(staff.col("name")))
        people, tables = _unlisted_managers(ctx, staff_names, _team_keys(ctx)[1])
        for key, (name, found) in sorted(people.items()):
            first = "xpm_jobs" if "xpm_jobs" in found else "xpm_clients"
            table = tables[first]
            other = [Related(tables[k].file, rows) for k, rows in found.items() if k != first]
            yield self.finding(
                f"{name} is partner or manager on {jobs[key]} job(s) and account or job manager "
                f"of {clients[key]} client(s), but is neither an Ignition team member nor in the "
                "XPM staff export.",
                hint=f"If {name} is a current XPM user, invite them to Ignition and link their "
                f"XPM user in {WHERE}; if they have left, reassign their jobs and clients in XPM.",
                file=table.file,
                rows=found[first],
                column=table.header("manager" if first == "xpm_jobs" else "account_manager"),
                value=name,
                related=tuple(other),
            )


class TeamMemberUnlinked(Rule):
    code = "C04.E002"
    title = "Ignition team member with no linked XPM user"
    needs = ("ignition_team",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        team = ctx.table("ignition_team")
        unlinked = (team.col("xpm_user").str.strip() == "") & (team.col("name").str.strip() != "")
        names = team.col("name")
        for index in team.df.index[unlinked]:
            name = names[index]
            yield self.finding(
                f"The Ignition team member {name} is not linked to an XPM user.",
                hint=f"Link their XPM user in {WHERE}.",
                **team.at(index, "xpm_user"),
                value=name,
                suggestion=name,
            )


class IdleStaffNotInTeam(Rule):
    code = "C04.W003"
    title = "XPM staff member missing from Ignition who manages nothing yet"
    needs = ("xpm_staff", "ignition_team")
    uses = ("xpm_jobs", "xpm_clients")

    def check(self, ctx: Context) -> Iterable[Finding]:
        staff = ctx.table("xpm_staff")
        jobs, clients, known = _workload(ctx)
        for index, name in _missing_staff(ctx):
            key = normalise_name(name)
            if known and (jobs[key] or clients[key]):
                continue  # C04.E001 reports them
            detail = "manages no job or client yet" if known else "(jobs and clients not checked)"
            yield self.finding(
                f"The XPM staff member {name} is not an Ignition team member; they {detail}.",
                hint=f"If they will manage work, add them to Ignition and link them in {WHERE}.",
                **staff.at(index, "name"),
                value=name,
            )


RULES: tuple[Rule, ...] = (ManagerNotInTeam(), TeamMemberUnlinked(), IdleStaffNotInTeam())
