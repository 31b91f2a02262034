"""Step 11: jobs that receive invoices must be in a state whose type is Standard.

The practice maps each job-state name in its export to a type; the defaults (from the spec) are
pre-filled for it to confirm. State names are compared with case and spaces ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from audits.validators.base import (
    Context,
    Finding,
    Related,
    Rule,
    fold,
    is_in,
    per_distinct,
    rows_for_codes,
    trimmed_codes,
)

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


IGNITION_REFERENCE_RE = re.compile(r"^(PROP|CLI)-")  # matched on the value in capitals


@dataclass(frozen=True)
class InvoiceReferences:
    """Invoice lines' References, trimmed: ``codes`` index the distinct non-blank ``references``
    (-1 for a line without one), ``rows`` are the lines' spreadsheet rows."""

    codes: np.ndarray
    references: pd.Index
    rows: np.ndarray

    def rows_of(self, wanted: set[str]) -> dict[str, list[int]]:
        """Reference -> sorted spreadsheet rows of its lines, for the few references wanted."""
        wanted_codes = self.references.get_indexer(list(wanted))
        found = rows_for_codes(
            self.codes, self.references, self.rows, wanted_codes[wanted_codes >= 0]
        )
        return {reference: sorted(rows) for reference, rows in found.items()}


def _invoice_references(ctx: Context) -> InvoiceReferences:
    """The invoice lines' References (none without the invoices export), each distinct value
    trimmed once."""
    invoices = ctx.table("xero_invoices")
    if invoices is None:
        empty = pd.Index([], dtype=object)
        return InvoiceReferences(np.empty(0, dtype=np.intp), empty, np.empty(0, dtype=int))
    codes, references = trimmed_codes(invoices.col("reference").to_numpy(dtype=object))
    return InvoiceReferences(codes, pd.Index(references, dtype=object), invoices.rows.to_numpy())


class NonStandardStateOnBilledJob(Rule):
    code = "C11.E001"
    title = "Job that receives invoices is not in a Standard state"
    needs = ("xpm_jobs",)
    uses = ("xero_invoices",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        types = _types(ctx)
        state = jobs.col("state").to_numpy(dtype=object)
        kind = per_distinct(state, lambda s: types.get(state_key(s), ""))
        # Only jobs in a state of a known type other than Standard can be reported.
        candidates = np.flatnonzero((kind != "") & (kind != StateType.STANDARD))
        order = per_distinct(
            jobs.col("client_order_no").to_numpy(dtype=object)[candidates], str.strip
        )
        job_no = per_distinct(jobs.col("job_no").to_numpy(dtype=object)[candidates], str.strip)
        lines = _invoice_references(ctx)
        targets = set(lines.references.to_numpy())
        ignition_ref = per_distinct(
            order, lambda o: IGNITION_REFERENCE_RE.match(o.upper()) is not None, bool
        )
        targeted = is_in(job_no, targets) | (order != "") & is_in(order, targets)
        bad = ignition_ref | targeted
        invoice_rows = lines.rows_of((set(job_no[bad]) | set(order[bad])) - {""})
        invoice_file = ctx.table("xero_invoices").file if "xero_invoices" in ctx.tables else ""
        names = jobs.col("name").to_numpy(dtype=object)
        for candidate in np.flatnonzero(bad).tolist():  # order and job_no are per candidate
            position = candidates[candidate]
            type_label = LABELS[StateType(kind[position])]
            yield self.finding(
                f'Job {job_no[candidate]} ("{names[position]}") is in state "{state[position]}", '
                f"of type {type_label}; XPM will not allocate its invoices to it.",
                hint=f"Move the job to a state of type Standard, or change the state's type in "
                f"{WHERE}. Invoices for a job that is not Standard land on the client instead.",
                **jobs.at(jobs.df.index[position], "state"),
                value=str(state[position]),
                related=_related(invoice_file, invoice_rows, job_no[candidate], order[candidate]),
            )


def _related(file: str, rows_by_ref: dict[str, list[int]], *refs: str) -> tuple[Related, ...]:
    rows = sorted({r for ref in refs if ref and ref in rows_by_ref for r in rows_by_ref[ref]})
    return (Related(file, tuple(rows)),) if rows else ()


class UnmappedState(Rule):
    code = "C11.E002"
    title = "Job state with no type"
    needs = ("xpm_jobs",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        jobs = ctx.table("xpm_jobs")
        types = _types(ctx)
        state = per_distinct(jobs.col("state"), str.strip)
        keys = per_distinct(state, state_key)
        unmapped = (state != "") & ~is_in(keys, set(types))
        rows = jobs.rows.to_numpy()[unmapped]
        frame = pd.DataFrame({"key": keys[unmapped], "state": state[unmapped], "row": rows})
        for _, group in frame.groupby("key", sort=True):
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
