"""What a linkage decision rests on, per pair, in the practice's words (the finding's
``evidence`` field, documented in docs/findings.md)."""

from __future__ import annotations

import pandas as pd

from audits.validators.linkage.model import FIELDS, MATCH_WEIGHT, Scored

# The columns a field's values are shown from, as the user typed them.
SHOWN = {
    "org": ("name",),
    "date_of_birth": ("date_of_birth",),
    "tax_number": ("tax_number",),
    "email": ("email",),
    "phone": ("phone",),
    "address": ("address", "postcode"),
    "code": ("client_code", "account_number"),
}


def _typed(frame: pd.DataFrame, label, key: str, prepared, position: int) -> str:
    if key in ("given", "family"):
        return prepared.value(key, position).title()
    parts = [str(frame.at[label, c] or "").strip() for c in SHOWN[key] if c in frame]
    return ", ".join(p for p in parts if p and p != "nan")


def pair(
    scored: Scored,
    k: int,
    sides: tuple[pd.DataFrame, pd.DataFrame],
    labels: tuple,
    rows: tuple[int, int],
    prepared,
    threshold: float = MATCH_WEIGHT,
) -> dict:
    """One pair's evidence: rows, weight, and per field both values, agreement and weight."""
    fields = []
    for f in FIELDS:
        level = int(scored.levels[f.key][k])
        if level < 0:
            continue
        a = _typed(sides[0], labels[0], f.key, prepared[0], scored.i[k])
        b = _typed(sides[1], labels[1], f.key, prepared[1], scored.j[k])
        if f.key == "given" and scored.swapped[k]:
            b = prepared[1].value("family", scored.j[k]).title()
        if f.key == "family" and scored.swapped[k]:
            b = prepared[1].value("given", scored.j[k]).title()
        fields.append(
            {
                "field": f.label,
                "a": a,
                "b": b,
                "agreement": f.levels[level],
                "weight": round(float(scored.weights[f.key][k]), 1),
            }
        )
    notes = []
    if scored.swapped[k]:
        notes.append("first and last name swapped")
    if scored.joined[k]:
        notes.append("names written together or apart")
    return {
        "rows": [int(rows[0]), int(rows[1])],
        "weight": round(float(scored.weight[k]), 1),
        "same_client": bool(scored.weight[k] >= threshold),
        "threshold": threshold,
        "notes": notes,
        "fields": fields,
    }
