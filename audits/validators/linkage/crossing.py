"""Between two systems: which record of one is which record of the other (item 13).

Every candidate pair is weighed on all the fields both sides have (for XPM and Xero: name, first
and last name, email, tax number, client code / account number), so a client whose two spellings
differ is still paired when its identifiers agree. Each record is paired at most once, strongest
pair first (a greedy one-to-one assignment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from audits.validators.linkage import evidence, link_prepared
from audits.validators.linkage.model import CROSS_MATCH_WEIGHT
from audits.validators.linkage.prepare import Prepared


@dataclass(frozen=True)
class Pairing:
    left: int  # position in the left frame
    right: int  # position in the right frame
    evidence: dict


@dataclass
class Paired:
    """The pairs made, and for each record left unpaired its nearest candidate (the evidence
    of why it is not the same client), per side: position -> evidence."""

    pairs: list[Pairing]
    nearest_left: dict[int, dict]
    nearest_right: dict[int, dict]


def pair_up(
    frames: tuple[pd.DataFrame, pd.DataFrame],
    prepared: tuple[Prepared, Prepared],
    rows: tuple[np.ndarray, np.ndarray],
    verdict: str,
    only: tuple[np.ndarray, np.ndarray],
) -> Paired:
    """One-to-one pairs scoring at least ``CROSS_MATCH_WEIGHT`` among the records ``only`` marks
    (a mask per side); ``frames`` and ``prepared`` are the two sides as typed and as prepared,
    ``rows`` their spreadsheet rows (for the evidence)."""
    if not only[0].any() or not only[1].any():
        return Paired([], {}, {})
    found = link_prepared(prepared[0], prepared[1], only)
    s = found.scored

    def shown(k: int, verdict: str) -> dict:
        i, j = int(s.i[k]), int(s.j[k])
        pair = evidence.pair(
            s,
            k,
            frames,
            (frames[0].index[i], frames[1].index[j]),
            (rows[0][i], rows[1][j]),
            (found.a, found.b),
            CROSS_MATCH_WEIGHT,
        )
        return {"verdict": verdict, "pairs": [pair]}

    order = np.argsort(-s.weight, kind="stable")
    used_left, used_right, out = set(), set(), []
    for k in order[s.weight[order] >= CROSS_MATCH_WEIGHT]:
        i, j = int(s.i[k]), int(s.j[k])
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        out.append(Pairing(i, j, shown(int(k), verdict)))
    nearest = "nearest candidate, not the same client"
    best_left = pd.Series(order).groupby(s.i[order], sort=False).first()
    best_right = pd.Series(order).groupby(s.j[order], sort=False).first()
    return Paired(
        out,
        {int(i): shown(int(k), nearest) for i, k in best_left.items() if i not in used_left},
        {int(j): shown(int(k), nearest) for j, k in best_right.items() if j not in used_right},
    )
