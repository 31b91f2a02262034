"""Step 11: jobs that receive invoices must be in a state whose type is Standard.

The practice maps each job-state name in its export to a type; the defaults (from the spec) are
pre-filled for it to confirm. State names are compared with case and spaces ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from enum import StrEnum

import pandas as pd

from audits.validators.base import Context, Finding, Related, Rule, fold

WHERE = "XPM → Business → Settings → Job states"


class StateType(StrEnum):
    STANDARD = "standard"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


LABELS = {
    StateType.STANDARD: "Standard",
    StateType.ON_HOLD: "On Hold",
    StateType.COMPLETED: "Completed",
    StateType.CANCELLED: "Cancelled",
}

DEFAULT_STATE_TYPES: dict[str, str] = {
    "Planned": StateType.STANDARD,
    "Not Started": StateType.STANDARD,
    "In Progress": StateType.STANDARD,
    "Active": StateType.STANDARD,
    "Open": StateType.STANDARD,
    "On Hold": StateType.ON_HOLD,
    "Paused": StateType.ON_HOLD,
    "Completed": StateType.COMPLETED,
    "Complete": StateType.COMPLETED,
    "Done": StateType.COMPLETED,
    "Closed": StateType.COMPLETED,
    "Cancelled": StateType.CANCELLED,
    "Canceled": StateType.CANCELLED,
}


def state_key(name: str) -> str:
    """Case and spaces ignored: "In Progress", "in progress" and "InProgress" are one state."""
    return "".join(fold(name).split())


def parse_state_type(value: str) -> StateType:
    key = state_key(value).replace("_", "")
    for state_type, label in LABELS.items():
        if key in (state_key(label), state_type.value.replace("_", "")):
            return state_type
    raise ValueError(
        f'"{value}" is not a job-state type; use Standard, On Hold, Completed or Cancelled.'
    )


_HEADER_TYPES = {"type", "statetype", "jobstatetype", "kind"}


def _decode(data: str | bytes) -> str:
    """A state-map file as text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_state_map_csv(data: str | bytes) -> dict[str, str]:
    """A two-column CSV (state name, type) -> {state name: type value}; unknown types refused.

    Comma, semicolon or tab separated; blank lines ignored; a first row whose second cell reads
    "Type" is a header. Every bad row is named in one ``ValueError``.
    """
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}  # state_key -> name as first written, to catch contradictions
    problems = []
    for number, cells in _state_rows(_decode(data)):
        try:
            name, value = _state_row(cells)
        except ValueError as exc:
            problems.append(f"row {number}: {exc}")
            continue
        key = state_key(name)
        if key in seen and mapping[seen[key]] != value:
            problems.append(
                f'row {number}: "{name}" is given two types ({mapping[seen[key]]} and {value})'
            )
            continue
        seen.setdefault(key, name)
        mapping[seen[key]] = value
    if problems:
        raise ValueError("The state map could not be read: " + "; ".join(problems))
    return mapping


def _state_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, stripped cells) of each non-blank row but a header; the delimiter is the one
    the first non-blank line has most of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count) if first else ","
    header_checked = False
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if not header_checked:
            header_checked = True
            if len(cells) >= 2 and state_key(cells[1]) in _HEADER_TYPES:
                continue
        yield number, cells


def _state_row(cells: list[str]) -> tuple[str, str]:
    """(state name, type value) from one row's cells; ``ValueError`` in the user's words."""
    if any(cells[2:]) or len(cells) < 2 or not cells[0]:
        raise ValueError("expected two columns, a state name and a type")
    return cells[0], parse_state_type(cells[1]).value


def effective_state_map(user_map: dict[str, str] | None = None) -> dict[str, str]:
    """The defaults overlaid with the practice's own choices (name -> type value)."""
    merged = {state_key(k): (k, str(v)) for k, v in DEFAULT_STATE_TYPES.items()}
    for name, value in (user_map or {}).items():
        merged[state_key(name)] = (name, str(value))
    return {name: value for name, value in merged.values()}


def _types(ctx: Context) -> dict[str, str]:
    return {state_key(k): v for k, v in effective_state_map(ctx.state_map).items()}


def _invoice_lines(ctx: Context) -> pd.DataFrame:
    """Invoice lines with a Reference: reference (trimmed) and spreadsheet row."""
    invoices = ctx.table("xero_invoices")
    if invoices is None:
        return pd.DataFrame({"reference": pd.Series(dtype=str), "row": pd.Series(dtype=int)})
    frame = pd.DataFrame({"reference": invoices.col("reference").str.strip(), "row": invoices.rows})
    return frame[frame["reference"] != ""]


class NonStandardStateOnBilledJob(Rule):
    code = "C11.E001"
    title = "Job that receives invoices is not in a Standard state"
    needs = ("xpm_jobs",)
    uses = ("xero_invoices",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        types = _types(ctx)
        state = jobs.col("state")
        kind = state.map({s: types.get(state_key(s), "") for s in pd.unique(state)})
        order = jobs.col("client_order_no").str.strip()
        lines = _invoice_lines(ctx)
        targets = set(lines["reference"].unique())
        ignition_ref = order.str.upper().str.match(r"^(PROP|CLI)-")
        targeted = jobs.col("job_no").str.strip().isin(targets) | (order != "") & order.isin(
            targets
        )
        bad = (kind != "") & (kind != StateType.STANDARD) & (ignition_ref | targeted)
        job_no_col = jobs.col("job_no").str.strip()
        wanted = set(job_no_col[bad]) | set(order[bad])
        hit = lines[lines["reference"].isin(wanted - {""})]
        invoice_rows = hit.groupby("reference")["row"].apply(lambda r: sorted(map(int, r)))
        invoice_file = ctx.table("xero_invoices").file if "xero_invoices" in ctx.tables else ""
        names = jobs.col("name")
        for index in bad[bad].index:
            job_no, name = job_no_col[index], names[index]
            type_label = LABELS[StateType(kind[index])]
            yield self.finding(
                f'Job {job_no} ("{name}") is in state "{state[index]}", of type {type_label}; '
                "XPM will not allocate its invoices to it.",
                hint=f"Move the job to a state of type Standard, or change the state's type in "
                f"{WHERE}. Invoices for a job that is not Standard land on the client instead.",
                **jobs.at(index, "state"),
                value=str(state[index]),
                related=_related(invoice_file, invoice_rows, job_no_col[index], order[index]),
            )


def _related(file: str, rows_by_ref: pd.Series, *refs: str) -> tuple[Related, ...]:
    rows = sorted({r for ref in refs if ref and ref in rows_by_ref.index for r in rows_by_ref[ref]})
    return (Related(file, tuple(rows)),) if rows else ()


class UnmappedState(Rule):
    code = "C11.E002"
    title = "Job state with no type"
    needs = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        types = _types(ctx)
        state = jobs.col("state").str.strip()
        keys = state.map({s: state_key(s) for s in pd.unique(state)})
        unmapped = (state != "") & ~keys.isin(set(types))
        frame = pd.DataFrame({"key": keys[unmapped], "state": state[unmapped], "row": jobs.rows})
        for _, group in frame.dropna().groupby("key", sort=True):
            name = group["state"].iloc[0]
            yield self.finding(
                f'The job state "{name}" has no type ({len(group)} job(s)); Liftoff cannot tell '
                "whether invoices can be allocated to these jobs.",
                hint=f'Choose its type on this step (as set in {WHERE}): "Standard" if the job '
                "still receives invoices.",
                file=jobs.file,
                rows=tuple(int(r) for r in group["row"]),
                column=jobs.header("state"),
                value=name,
            )


RULES: tuple[Rule, ...] = (NonStandardStateOnBilledJob(), UnmappedState())
