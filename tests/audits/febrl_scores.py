"""Pair-level scores of the linkage engine on FEBRL (tests/data/febrl), one way for the tests and
bench/bench_linkage.py: the pairs the engine accepts against the labelled true pairs."""

from __future__ import annotations

import numpy as np

from audits.validators.linkage import link_within
from audits.validators.linkage.crossing import pair_up
from audits.validators.linkage.duplicates import accepted
from audits.validators.linkage.prepare import prepare
from tests.data.febrl import febrl, febrl_linkage


def recall_precision(found: set, truth: set) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / len(truth), (hits / len(found) if found else 1.0)


def duplicates_found(number: int) -> tuple[set, set, int]:
    """Data set 1, 2 or 3 as step 5 sees it: (pairs called the same client, exact duplicates
    (C05.E001) and probable ones (C05.W002) alike; the true pairs; the candidate pairs scored)."""
    frame, truth = febrl(number)
    linkage = link_within(frame)
    keep = accepted(linkage, exact=True)
    s = linkage.scored
    return set(zip(s.i[keep].tolist(), s.j[keep].tolist(), strict=True)), truth, len(s.i)


def links_found() -> tuple[set, set]:
    """Data set 4 as step 13 pairs XPM and Xero: one-to-one, on all the evidence both sides have.
    (pairs made; the true pairs)."""
    left, right, truth = febrl_linkage()
    everyone = (np.ones(len(left), dtype=bool), np.ones(len(right), dtype=bool))
    rows = (np.arange(2, len(left) + 2), np.arange(2, len(right) + 2))
    made = pair_up((left, right), (prepare(left), prepare(right)), rows, "same client", everyone)
    return {(p.left, p.right) for p in made.pairs}, truth
