"""Record linkage: are two records the same client? One engine for duplicates within XPM (item
5), XPM and Xero, Ignition and XPM (item 13), and people across systems (item 4).

``prepare`` codes each field once per distinct value, ``blocking`` proposes candidate pairs
(never all pairs), ``compare`` puts each pair on a level per field, ``model`` turns levels into a
Fellegi-Sunter match weight with its m and u explained, ``evidence`` says it in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audits.validators.linkage import blocking
from audits.validators.linkage.model import CROSS_MATCH_WEIGHT, MATCH_WEIGHT, Model, Scored
from audits.validators.linkage.prepare import Prepared, combine, prepare

__all__ = [
    "CROSS_MATCH_WEIGHT",
    "MATCH_WEIGHT",
    "Linkage",
    "link_between",
    "link_prepared",
    "link_within",
]


class Linkage:
    """The prepared sides, their model, and the scored candidate pairs."""

    def __init__(self, a: Prepared, b: Prepared, model: Model, scored: Scored):
        self.a, self.b, self.model, self.scored = a, b, model, scored


def link_within(frame: pd.DataFrame | Prepared) -> Linkage:
    """Pairs within one list (a frame, or the list already prepared and cached by the caller)."""
    p = frame if isinstance(frame, Prepared) else prepare(frame)
    model = Model(p, p, within=True)
    i, j = blocking.within(p)
    return Linkage(p, p, model, model.score(i, j))


def link_between(
    left: pd.DataFrame,
    right: pd.DataFrame,
    only: tuple[np.ndarray, np.ndarray] | None = None,
) -> Linkage:
    """Pairs across two lists. The model (u, value frequencies) learns from both lists whole;
    ``only`` (a boolean mask per side) limits the candidate pairs to the records in question
    (step 13: the names that have no exact twin on the other side)."""
    return link_prepared(prepare(left), prepare(right), only)


def link_prepared(
    left: Prepared, right: Prepared, only: tuple[np.ndarray, np.ndarray] | None = None
) -> Linkage:
    """``link_between`` for sides already prepared (and cached) by the caller."""
    a, b = combine(left, right)
    model = Model(a, b, within=False)
    i, j = blocking.between(a, b, only)
    return Linkage(a, b, model, model.score(i, j))
