"""Step 5: old client data and duplicates removed from XPM before connecting.

Exact duplicates share a normalised name and no identifier disagrees; the same name with a
disagreeing date of birth, tax number or email is a namesake (step 13, C13.W004), not a duplicate.
Within one name, rows are grouped into identities: a row joins the first identity none of whose
rows it disagrees with; a row with none of those identifiers joins only when the name has a single
identity (with two or more it could be either person, so it stays out). Each identity of two or
more rows is one C05.E001; a name with two or more identities is one C13.W004.
Probable duplicates (similar names that agree on an identifier) come from the record-linkage
engine (``linkage``): weighed on every field both rows have, so a typing slip in one identifier
with the rest agreeing is a probable duplicate, and two same-named rows it links are not
namesakes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from audits.validators.base import Context, Finding, Rule
from audits.validators.linkage import Linkage, duplicates, evidence, link_within
from audits.validators.linkage.prepare import Prepared, prepare
from audits.validators.matching import DISCRIMINATING, identifier_frame
from audits.validators.names import normalise_series

WHERE = "XPM → Clients → (the client)"
MERGE = f"{WHERE} → Merge Client (or archive the spare row)"
FIELDS = (
    "name",
    "first_name",
    "last_name",
    "business_structure",
    "client_code",
    "email",
    "phone",
    "tax_number",
    "date_of_birth",
    "address",
    "postcode",
    "status",
)


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


def _identities(positions: list[int], ids: list[tuple[str, ...]]) -> list[list[int]]:
    """Split the rows (positions) of one normalised name into identities (module docstring)."""
    identities: list[list[int]] = []
    values: list[dict[int, str]] = []
    unknown: list[int] = []
    for position in positions:
        own = {f: v for f, v in enumerate(ids[position]) if v}
        if not own:
            unknown.append(position)
            continue
        for members, known in zip(identities, values, strict=True):
            if all(known.get(f, v) == v for f, v in own.items()):
                members.append(position)
                for f, v in own.items():
                    known.setdefault(f, v)
                break
        else:
            identities.append([position])
            values.append(dict(own))
    if len(identities) <= 1:
        identities = [sorted((identities[0] if identities else []) + unknown)]
    return [members for members in identities if members]


def _identities_by_name(ctx: Context) -> list[list[list[int]]]:
    """Per repeated normalised name (in name order), its identities as lists of POSITIONS."""

    def compute():
        frame = clients(ctx)
        normal = frame["normal"].to_numpy()
        rows = frame["row"].to_numpy()
        ids = list(frame[[f"id_{f}" for f in DISCRIMINATING]].itertuples(index=False, name=None))
        repeated = frame.index.get_indexer(
            frame.index[(frame["normal"] != "") & frame.duplicated("normal", keep=False)]
        )
        order = sorted(repeated, key=lambda p: (normal[p], rows[p]))
        groups: dict[str, list[int]] = {}
        for position in order:
            groups.setdefault(normal[position], []).append(int(position))
        return [_identities(positions, ids) for positions in groups.values()]

    return ctx.memo("clean_data.identities", compute)


def same_name_groups(ctx: Context) -> tuple[list[list[int]], list[list[int]]]:
    """(exact duplicate groups, namesake groups) among rows with the same normalised name, as
    lists of POSITIONS in ``clients(ctx)``, each in spreadsheet-row order, lists by first row.
    Identities the linkage engine calls one client (a slip in an identifier, the rest agreeing)
    are probable duplicates (C05.W002), not namesakes."""

    def compute():
        rows = clients(ctx)["row"].to_numpy()
        linked = _linked_components(ctx)
        duplicates, namesakes = [], []
        for identities in _identities_by_name(ctx):
            duplicates.extend(sorted(m, key=lambda p: rows[p]) for m in identities if len(m) > 1)
            if len({linked.get(m[0], m[0]) for m in identities}) > 1:
                namesakes.append(sorted((p for m in identities for p in m), key=lambda p: rows[p]))
        duplicates.sort(key=lambda g: rows[g[0]])
        namesakes.sort(key=lambda g: rows[g[0]])
        return duplicates, namesakes

    return ctx.memo("clean_data.same_name", compute)


def prepared(ctx: Context) -> Prepared:
    """The clients prepared for record linkage, once per run (step 13 takes its XPM side from
    it)."""
    return ctx.memo("clean_data.prepared", lambda: prepare(clients(ctx)))


def linkage(ctx: Context) -> Linkage:
    return ctx.memo("clean_data.linkage", lambda: link_within(prepared(ctx)))


def _identity(ctx: Context) -> np.ndarray:
    """Per position: its exact-duplicate identity's number, -1 when it has none."""
    out = np.full(len(clients(ctx)), -1)
    number = 0
    for identities in _identities_by_name(ctx):
        for members in identities:
            if len(members) > 1:
                out[members] = number
                number += 1
    return out


def _probable(ctx: Context) -> tuple[list[list[int]], dict[int, list[int]]]:
    def compute():
        found = linkage(ctx)
        return duplicates.clusters(found, duplicates.accepted(found, _identity(ctx)))

    return ctx.memo("clean_data.probable", compute)


def _linked_components(ctx: Context) -> dict[int, int]:
    """Position -> the first position of its probable-duplicate cluster."""
    return {p: group[0] for group in _probable(ctx)[0] for p in group}


def probable(ctx: Context) -> list[list[int]]:
    """Probable-duplicate clusters as lists of frame index labels."""
    index = clients(ctx).index
    return [[index[p] for p in group] for group in _probable(ctx)[0]]


def _pair_evidence(ctx: Context, ks: list[int], verdict: str) -> dict:
    frame, found = clients(ctx), linkage(ctx)
    rows, index = frame["row"].to_numpy(), frame.index
    pairs = []
    for k in ks:
        i, j = int(found.scored.i[k]), int(found.scored.j[k])
        pairs.append(
            evidence.pair(
                found.scored,
                k,
                (frame, frame),
                (index[i], index[j]),
                (rows[i], rows[j]),
                (found.a, found.b),
            )
        )
    return {"verdict": verdict, "pairs": pairs}


def cluster_evidence(ctx: Context, first: int) -> dict:
    """The finding's ``evidence`` for the probable-duplicate cluster whose first position is
    ``first``."""
    return _pair_evidence(ctx, _probable(ctx)[1].get(first, []), "probable duplicate")


def _pairs_among(members: np.ndarray, found: Linkage) -> dict[tuple[int, int], int]:
    """(i, j) -> index in ``found.scored``, for the scored pairs with both rows in ``members``."""
    s = found.scored
    ks = np.flatnonzero(members[s.i] & members[s.j])
    pairs = zip(s.i[ks].tolist(), s.j[ks].tolist(), strict=True)
    return dict(zip(pairs, ks.tolist(), strict=True))


def _same_name_pairs(ctx: Context) -> dict[tuple[int, int], int]:
    """``_pairs_among`` the rows of same-name groups."""

    def compute():
        members = np.zeros(len(clients(ctx)), dtype=bool)
        for identities in _identities_by_name(ctx):
            for positions in identities:
                members[positions] = True
        return _pairs_among(members, linkage(ctx))

    return ctx.memo("clean_data.same_name_pairs", compute)


def group_evidence(
    ctx: Context, positions: list[int], verdict: str, index: dict | None = None
) -> dict | None:
    """``evidence`` for a group of rows (exact duplicates, namesakes, a shared identifier): the
    scored pairs among them, strongest first, at most ``duplicates.MAX_EVIDENCE_PAIRS``.
    ``index`` is a ``_pairs_among`` covering the group (default: the same-name groups')."""
    index = _same_name_pairs(ctx) if index is None else index
    weight = linkage(ctx).scored.weight
    ordered = sorted(positions)
    ks = [index[(p, q)] for n, p in enumerate(ordered) for q in ordered[n + 1 :] if (p, q) in index]
    ks.sort(key=lambda k: -weight[k])
    if not ks:
        return None
    return _pair_evidence(ctx, ks[: duplicates.MAX_EVIDENCE_PAIRS], verdict)


_LABELS = {
    "email": "email",
    "phone": "phone",
    "tax_number": "tax number",
    "date_of_birth": "date of birth",
    "street": "street and postcode",
}


def _shared(ids: dict[str, np.ndarray], group: list[int]) -> list[str]:
    """The identifiers that some rows of a cluster have in common, in the practice's words."""
    out = []
    for field, label in _LABELS.items():
        values = [ids[field][p] for p in group if ids[field][p]]
        if len(values) != len(set(values)):
            out.append(label)
    return out


def _group_rows(frame: pd.DataFrame, positions: list[int]) -> tuple[int, ...]:
    rows = frame["row"].to_numpy()
    return tuple(int(rows[p]) for p in positions)


class ExactDuplicate(Rule):
    code = "C05.E001"
    title = "Exact duplicate clients"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        names = frame["name"].to_numpy()
        duplicates, _ = same_name_groups(ctx)
        for group in duplicates:
            name = names[group[0]]
            yield self.finding(
                f'"{name}" is in XPM {len(group)} times, and nothing tells the rows apart '
                "(no differing date of birth, tax number or email).",
                hint=f"Merge the rows into one client in {MERGE} before connecting: Ignition "
                "links on the name and would pick either one, splitting jobs and invoices.",
                file=t.file,
                rows=_group_rows(frame, group),
                column=t.header("name"),
                value=name,
                suggestion=name,
                evidence=group_evidence(ctx, group, "exact duplicate"),
            )


class ProbableDuplicate(Rule):
    code = "C05.W002"
    title = "Probable duplicate clients"
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        frame = clients(ctx)
        names, rows = frame["name"].to_numpy(), frame["row"].to_numpy()
        ids = {f: frame[f"id_{f}"].to_numpy() for f in _LABELS}
        for cluster in _probable(ctx)[0]:
            group = sorted(cluster, key=lambda p: rows[p])
            listed = " / ".join(f'"{names[p]}"' for p in group)
            shared = ", ".join(_shared(ids, group)) or "contact details"
            yield self.finding(
                f"{listed} look like the same client: similar names with the same {shared}.",
                hint=f"Check with the practice; if they are one client, merge them in {MERGE} "
                "and keep one spelling. Liftoff never merges automatically.",
                file=t.file,
                rows=_group_rows(frame, group),
                column=t.header("name"),
                value=names[group[0]],
                suggestion=names[group[0]],
                evidence=cluster_evidence(ctx, cluster[0]),
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
            usable = usable.assign(pos=frame.index.get_indexer(usable.index))
            members = np.zeros(len(frame), dtype=bool)
            members[usable["pos"].to_numpy()] = True
            index = _pairs_among(members, linkage(ctx))
            grouped = usable.groupby("key", sort=True).agg(
                positions=("pos", list),
                rows=("row", list),
                names=("name", list),
                values=(field, "first"),
                distinct=("normal", "nunique"),
            )
            label = _LABELS[field]
            for positions, rows, names, value, distinct in grouped.itertuples(index=False):
                value = value.strip()
                yield self.finding(
                    f"The {label} {value} belongs to {distinct} different clients: "
                    f"{', '.join(names)}.",
                    hint=f"Check whose {label} it is and correct the others in {WHERE} → Edit "
                    "Client; a shared identifier makes clients easy to mix up when merging and "
                    "matching.",
                    file=t.file,
                    rows=tuple(int(r) for r in rows),
                    column=t.header(field),
                    value=value,
                    evidence=group_evidence(
                        ctx, positions, f"one {label}, different clients", index
                    ),
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
