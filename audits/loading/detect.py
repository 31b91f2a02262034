"""Which record is the header row, and which export kind a set of headers is."""

from __future__ import annotations

from audits.kinds import KINDS
from audits.loading.columns import match_columns
from audits.loading.errors import LoadError
from audits.loading.grid import is_blank
from audits.loading.headers import header_key
from audits.loading.results import DetectResult

HEADER_SEARCH_ROWS = 30  # title lines above the header are looked for this far down
PREVIEW_ROWS = 5
HEAD_RECORDS = HEADER_SEARCH_ROWS + PREVIEW_ROWS + 20  # records read for header search and preview


def detect_kind(headers: list[str]) -> DetectResult:
    """Most matched fields wins, fewer missing required fields breaks ties; a true tie is None."""
    candidates = []
    keys = [header_key(h) for h in headers]  # normalised once, matched against every kind
    for key, kind in KINDS.items():
        matched = match_columns(headers, key, keys)
        if matched:
            missing = tuple(f for f in kind.required if f not in matched)
            candidates.append((key, len(matched), missing))
    candidates.sort(key=lambda c: (-c[1], len(c[2]), c[0]))
    if not candidates:
        return DetectResult(None, [])
    top = candidates[0]
    if len(candidates) > 1 and (candidates[1][1], len(candidates[1][2])) == (top[1], len(top[2])):
        return DetectResult(None, candidates)
    return DetectResult(top[0], candidates)


def detect_or_refuse(headers: list[str], filename: str) -> str:
    """The detected kind, or a ``LoadError`` naming the tied kinds (or saying none fits)."""
    result = detect_kind(headers)
    if result.kind:
        return result.kind
    details = {"headers": headers, "candidates": result.candidates}
    if result.candidates:
        top = result.candidates[0]
        tied = [c[0] for c in result.candidates if (c[1], len(c[2])) == (top[1], len(top[2]))]
        labels = " or ".join(KINDS[k].label for k in tied)
        details["tied"] = tied
        raise LoadError(
            "ambiguous_kind",
            f"{filename} could be {labels}. Choose which export it is.",
            details,
        )
    raise LoadError(
        "unknown_kind",
        f"The columns of {filename} do not match any export we know. Choose which export it is "
        "and map its columns.",
        details,
    )


def _header_score(cells: list[str], kind: str | None, mapping: dict[str, str] | None) -> int:
    keys = [header_key(c) for c in cells]
    if mapping:
        wanted = {header_key(v) for v in mapping.values() if v}
        return len(set(keys) & wanted)
    kinds = [kind] if kind else list(KINDS)
    return max(len(match_columns(cells, k, keys)) for k in kinds)


def find_header(records: list[list[str]], kind: str | None, mapping: dict[str, str] | None) -> int:
    """Index of the header record: the earliest best-matching one, else the first non-blank one."""
    best, best_score = None, 0
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        if is_blank(rec):
            continue
        if best is None:
            best = i
        score = _header_score(rec, kind, mapping)
        if score > best_score:
            best, best_score = i, score
    return 0 if best is None else best
