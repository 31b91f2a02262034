"""Record linkage: are two records the same client? One engine for duplicates within XPM (item
5), XPM and Xero, Ignition and XPM (item 13), and people across systems (item 4).

``prepare`` codes each field once per distinct value, ``blocking`` proposes candidate pairs
(never all pairs), ``compare`` puts each pair on a level per field, ``model`` turns levels into a
Fellegi-Sunter match weight with its m and u explained, ``evidence`` says it in words.
"""

from __future__ import annotations

import pandas as pd

from audits.validators.linkage import blocking
from audits.validators.linkage.model import MATCH_WEIGHT, Model, Scored
from audits.validators.linkage.prepare import Prepared, prepare, prepare_pair

__all__ = ["MATCH_WEIGHT", "Linkage", "link_between", "link_within"]


class Linkage:
    """The prepared sides, their model, and the scored candidate pairs."""

    def __init__(self, a: Prepared, b: Prepared, model: Model, scored: Scored):
        self.a, self.b, self.model, self.scored = a, b, model, scored


def link_within(frame: pd.DataFrame) -> Linkage:
    p = prepare(frame)
    model = Model(p, p, within=True)
    i, j = blocking.within(p)
    return Linkage(p, p, model, model.score(i, j))


def link_between(left: pd.DataFrame, right: pd.DataFrame) -> Linkage:
    a, b = prepare_pair(left, right)
    model = Model(a, b, within=False)
    i, j = blocking.between(a, b)
    return Linkage(a, b, model, model.score(i, j))
