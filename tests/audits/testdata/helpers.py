"""Reading a generated practice back as a person (or the loader) would, for the generator's tests."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl

from audits.testdata import ENCODINGS, FILES, HEADERS, TITLE_LINES

STATE_TYPES = {
    "planned": "Standard",
    "notstarted": "Standard",
    "inprogress": "Standard",
    "active": "Standard",
    "open": "Standard",
    "onhold": "On Hold",
    "paused": "On Hold",
    "completed": "Completed",
    "complete": "Completed",
    "done": "Completed",
    "closed": "Completed",
    "cancelled": "Cancelled",
    "canceled": "Cancelled",
}
MONTH_RE = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?|q[1-4])\b",
    re.IGNORECASE,
)


def read_kind(out: Path, kind: str) -> list[dict[str, str]]:
    """Rows as {canonical field: value, "_row": spreadsheet row}, honouring encoding and titles."""
    fields = [f for f, _h in HEADERS[kind]]
    headers = [h for _f, h in HEADERS[kind]]
    titles = len(TITLE_LINES.get(kind, []))
    path = out / FILES[kind]
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        raw = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    else:
        with path.open(encoding=ENCODINGS.get(kind, "utf-8"), newline="") as fh:
            raw = list(csv.reader(fh))
    assert raw[titles] == headers, f"{kind}: header not in row {titles + 1}"
    rows = []
    for offset, values in enumerate(raw[titles + 1 :]):
        record = {f: v for f, v in zip(fields, values, strict=True) if f}
        record["_row"] = titles + 2 + offset
        rows.append(record)
    return rows


def read_all(out: Path) -> dict[str, list[dict[str, str]]]:
    return {kind: read_kind(out, kind) for kind in FILES}


def labels_of(out: Path) -> dict:
    return json.loads((out / "labels.json").read_text(encoding="utf-8"))


def labelled(doc: dict, code: str) -> set[tuple[str, tuple[int, ...]]]:
    return {(e["value"], tuple(e["rows"])) for e in doc["labels"].get(code, [])}


def fold(value: str) -> str:
    return re.sub(r"\s+", "", value).casefold()
