"""Scoring validator findings against a generator's ``labels.json``: precision and recall per rule.

A finding matches a label when both have the same code and file, and their rows overlap (or, for a
finding with no rows, the same value). Precision: findings of a code that match a label. Recall:
labels of a code that some finding matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from audits.validators.base import Finding


@dataclass(frozen=True)
class Score:
    code: str
    labels: int
    findings: int
    matched_labels: int
    matched_findings: int

    @property
    def recall(self) -> float:
        return self.matched_labels / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        return self.matched_findings / self.findings if self.findings else 1.0


def _matches(label: dict, finding: Finding) -> bool:
    if label.get("file") and finding.file and label["file"] != finding.file:
        return False
    if label.get("rows") and finding.rows:
        return bool(set(label["rows"]) & set(finding.rows))
    return str(label.get("value", "")).strip() == finding.value.strip()


def score(labels: dict[str, list[dict]], findings: Iterable[Finding]) -> dict[str, Score]:
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_code[finding.code].append(finding)
    scores = {}
    for code in sorted(set(labels) | set(by_code)):
        wanted, found = labels.get(code, []), by_code.get(code, [])
        scores[code] = Score(
            code=code,
            labels=len(wanted),
            findings=len(found),
            matched_labels=sum(any(_matches(lab, f) for f in found) for lab in wanted),
            matched_findings=sum(any(_matches(lab, f) for lab in wanted) for f in found),
        )
    return scores


def format_scores(scores: dict[str, Score]) -> str:
    lines = [f"{'code':<9} {'labels':>6} {'found':>6} {'recall':>7} {'precision':>9}"]
    for s in scores.values():
        lines.append(
            f"{s.code:<9} {s.labels:>6} {s.findings:>6} {s.recall:>7.3f} {s.precision:>9.3f}"
        )
    return "\n".join(lines)
