"""Within one list: which pairs are probable duplicates, grouped into clusters (item 5).

A pair is a probable duplicate when the model calls it one client (weight >= ``MATCH_WEIGHT``),
its names are similar or swapped (for people: not both the given and the family name different;
for organisations: close or one word added; or, whatever the names, the same tax number and date
of birth), and at least one identifier or contact detail
agrees, exactly or by one slip (the spec: "that ALSO agree on identifiers"). Pairs inside one
exact-duplicate identity are C05.E001's and left out here.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from audits.validators.linkage import Linkage, link_within
from audits.validators.linkage.model import BY_KEY, MATCH_WEIGHT

IDENTIFYING = ("date_of_birth", "tax_number", "email", "phone", "address", "code")
DISCRIMINATING = ("date_of_birth", "tax_number", "email")
_DIGITS = re.compile(r"\d+")
MAX_EVIDENCE_PAIRS = 10  # a cluster's finding shows at most this many pairs


def accepted(
    linkage: Linkage, identity: np.ndarray | None = None, *, exact: bool = False
) -> np.ndarray:
    """Per scored pair: a probable duplicate? ``identity`` (per position, -1 for none) marks
    rows already grouped as exact duplicates; ``exact`` keeps equal-named pairs with no
    differing identifier too (the question "same client?" rather than "C05.W002?")."""
    s = linkage.scored
    lv = s.levels
    person = (lv["given"] >= 0) | (lv["family"] >= 0)
    person_ok = ~((lv["given"] == 3) & (lv["family"] == 3)) & ~(
        (lv["given"] < 0) & (lv["family"] == 3)
    )
    org_ok = (lv["org"] >= 0) & (lv["org"] <= 2) & _same_numbers(linkage)
    similar = np.where(person, person_ok, org_ok)
    # Names that differ altogether but the same tax number AND date of birth: one person under
    # two names (a name change, a name typed into the wrong record's fields).
    similar |= (lv["tax_number"] == 0) & (lv["date_of_birth"] >= 0) & (lv["date_of_birth"] <= 1)
    # Names equal after normalisation (C05.E001's definition of "the same name").
    ci, cj = linkage.a.codes["normal"][s.i], linkage.b.codes["normal"][s.j]
    equal = (ci == cj) & (ci >= 0)
    # Equal names: a slip in an identifier makes a probable duplicate; a truly different date of
    # birth, tax number or email makes namesakes (C13.W004), whatever else agrees.
    slipped = np.zeros(len(s.i), dtype=bool)
    differs = np.zeros(len(s.i), dtype=bool)
    for key in DISCRIMINATING:
        last = len(BY_KEY[key].levels) - 1
        slipped |= (lv[key] > 0) & (lv[key] < last)
        differs |= lv[key] == last
    if not exact:
        similar &= ~(equal & (~slipped | differs))
    agrees = np.zeros(len(s.i), dtype=bool)
    for key in IDENTIFYING:
        agrees |= (lv[key] == 0) | ((lv[key] == 1) & (len(BY_KEY[key].levels) > 2))
    out = (s.weight >= MATCH_WEIGHT) & similar & agrees
    if identity is not None:
        out &= ~((identity[s.i] == identity[s.j]) & (identity[s.i] >= 0))
    return out


def _same_numbers(linkage: Linkage) -> np.ndarray:
    """Per pair: the numbers in the two names agree ("Property Trust No 1" / "No 2" are two)."""
    values = linkage.a.values["org"]
    numbers = np.array([" ".join(_DIGITS.findall(v)) for v in values] + [""], dtype=object)
    ci, cj = linkage.a.codes["org"][linkage.scored.i], linkage.b.codes["org"][linkage.scored.j]
    return numbers[ci] == numbers[cj]


def probable_duplicates(frame: pd.DataFrame) -> list[list[int]]:
    """Clusters (sorted lists of frame index labels, by first member) of probable duplicates
    in one client list, on their own (the rules use ``accepted`` and ``clusters``)."""
    linkage = link_within(frame)
    groups, _ = clusters(linkage, accepted(linkage))
    return [[frame.index[p] for p in group] for group in groups]


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for x in sorted(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return sorted((g for g in out.values() if len(g) > 1), key=lambda g: g[0])


def clusters(linkage: Linkage, keep: np.ndarray) -> tuple[list[list[int]], dict[int, list[int]]]:
    """(clusters of positions, each sorted; per cluster's first position the indexes of its
    pairs in ``linkage.scored``, strongest first, at most ``MAX_EVIDENCE_PAIRS``)."""
    s = linkage.scored
    found = UnionFind()
    chosen = np.flatnonzero(keep)
    for k in chosen:
        found.union(int(s.i[k]), int(s.j[k]))
    groups = found.groups()
    pairs: dict[int, list[int]] = {}
    for k in chosen[np.argsort(-s.weight[chosen], kind="stable")]:
        first = found.find(int(s.i[k]))
        listed = pairs.setdefault(first, [])
        if len(listed) < MAX_EVIDENCE_PAIRS:
            listed.append(int(k))
    return groups, pairs
