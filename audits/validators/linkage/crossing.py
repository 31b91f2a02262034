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

from audits.validators.linkage import evidence, link_between
from audits.validators.linkage.model import CROSS_MATCH_WEIGHT


@dataclass(frozen=True)
class Pairing:
    left: int  # position in the left frame
    right: int  # position in the right frame
    evidence: dict


def pair_up(
    left: pd.DataFrame,
    right: pd.DataFrame,
    rows: tuple[np.ndarray, np.ndarray],
    verdict: str,
    only: tuple[np.ndarray, np.ndarray],
) -> list[Pairing]:
    """One-to-one pairs scoring at least ``CROSS_MATCH_WEIGHT`` among the records ``only`` marks
    (a mask per side); ``rows`` are each side's spreadsheet rows (for the evidence)."""
    if not only[0].any() or not only[1].any():
        return []
    found = link_between(left, right, only)
    s = found.scored
    strong = np.flatnonzero(s.weight >= CROSS_MATCH_WEIGHT)
    strong = strong[np.argsort(-s.weight[strong], kind="stable")]
    used_left, used_right, out = set(), set(), []
    for k in strong:
        i, j = int(s.i[k]), int(s.j[k])
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        shown = evidence.pair(
            s,
            int(k),
            (left, right),
            (left.index[i], right.index[j]),
            (rows[0][i], rows[1][j]),
            (found.a, found.b),
            CROSS_MATCH_WEIGHT,
        )
        out.append(Pairing(i, j, {"verdict": verdict, "pairs": [shown]}))
    return out
