"""Identifier keys (item 5) and name-only near matches between systems (item 13), without ever
comparing all pairs.

Probable duplicates within XPM are the record-linkage engine's (``linkage.duplicates``); what
stays here is the identifier keys step 5's exact-duplicate and shared-identifier rules use, and
the name-only near match between systems that step 13 falls back on when no identifier pairs
two records.

Near matches between systems (``near_matches``)
-----------------------------------------------
There are no shared identifiers between an XPM client and a Xero contact, so blocking there is on
NAME keys: the first and the last ``KEY_CHARS`` letters of the ``match_name`` form with spaces
removed, and the same of its sorted tokens (catching "Blue Bell"/"Bluebell", a typo at either end,
and reordered words). A candidate must also reach ``NEAR_SIMILARITY``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from audits.validators.base import per_distinct
from audits.validators.linkage.prepare import phone, postcode, street, tax_number
from audits.validators.names import (
    match_series,
    normalise_name,
)

# Near match between systems, not equal after normalisation. Not measured beyond this: on the
# generator's practices every value from 85 to 96 scores 1.000 (its near matches are all
# normalisation-equal; its C13.W002/W003 victims are isolated below 85), so 92 is a judgement:
# one-letter typos and spacing in longer names ("Bluebell"/"Blue Bell Plumbing", 95+) pass, while
# "Blue Peak Media"/"Blue Peak Medical" (93-94) would still pass: a suggestion to confirm.
NEAR_SIMILARITY = 92
KEY_CHARS = 5
NEAR_MAX_PAIRS = 2_000_000  # a name-key block with more left x right pairs than this is skipped

IDENTIFIERS = ("email", "phone", "tax_number", "date_of_birth", "street")
# A differing value of one of these makes two same-named clients namesakes (spec, item 5).
DISCRIMINATING = ("email", "tax_number", "date_of_birth")


# --- identifiers -------------------------------------------------------------------------------


def _email(text: str) -> str:
    """Looser than ``prepare.email`` on purpose: an address without a dotted domain
    ("jane@localhost") is still one client's address when two rows share it (C05.E001, C05.W003);
    whether it is a valid address is C05.W006's question."""
    folded = text.casefold()
    return folded if "@" in folded else ""


def _each_distinct(frame: pd.DataFrame, name: str, normalise=str) -> np.ndarray:
    """``normalise`` of the column's values (trimmed; "" when absent), once per distinct value."""
    if name not in frame:
        return np.full(len(frame), "", dtype=object)
    return per_distinct(frame[name], lambda text: normalise(text.strip()))


def identifier_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Each identifier as a comparable key ("" when blank or unusable), once per distinct
    value."""
    streets = _each_distinct(frame, "address", street)
    postcodes = _each_distinct(frame, "postcode", postcode)
    both = (streets != "") & (postcodes != "")
    columns = {
        "email": _each_distinct(frame, "email", _email),
        "phone": _each_distinct(frame, "phone", phone),
        "tax_number": _each_distinct(frame, "tax_number", tax_number),
        "date_of_birth": _each_distinct(frame, "date_of_birth"),
        "street": np.where(both, streets + "|" + postcodes, ""),
    }
    return pd.DataFrame(
        {k: pd.Series(v, index=frame.index, dtype="str") for k, v in columns.items()}
    )


def name_similarity(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """Element-wise similarity (0-100) of ``match_name`` forms: the best of token-sort ratio and
    plain ratio with spaces removed."""
    a, b = list(a), list(b)
    if not a:
        return np.empty(0)
    spaced = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, workers=-1)
    joined = process.cpdist(
        [x.replace(" ", "") for x in a], [x.replace(" ", "") for x in b], scorer=fuzz.ratio
    )
    return np.maximum(spaced, joined)


# --- near matches between systems ---------------------------------------------------------------


def _name_keys(forms: pd.Series) -> pd.DataFrame:
    """(position, key) rows: the first and last letters of the name without spaces, and the first
    letters of its sorted words."""
    positions, keys = [], []
    for position, form in zip(forms.index, forms.to_numpy(dtype=object), strict=True):
        if not form.strip():
            continue
        joined = form.replace(" ", "")
        ordered = "".join(sorted(form.split()))
        for key in (
            "p:" + joined[:KEY_CHARS],
            "s:" + joined[-KEY_CHARS:],
            "o:" + ordered[:KEY_CHARS],
        ):
            positions.append(position)
            keys.append(key)
    return pd.DataFrame({"pos": positions, "key": keys}).drop_duplicates()


@dataclass
class NamePool:
    """The candidates of ``near_matches``, indexed once: a list compared against several times
    (every XPM client name, for both Xero and Ignition) is prepared once."""

    names: list[str]
    by_normal: dict[str, str]
    forms: pd.Series
    keys: pd.DataFrame
    key_sizes: pd.Series


def name_pool(candidates: Sequence[str]) -> NamePool:
    names = list(dict.fromkeys(c for c in candidates if c.strip()))
    by_normal: dict[str, str] = {}
    for candidate in names:
        by_normal.setdefault(normalise_name(candidate), candidate)
    forms = match_series(pd.Series(names, dtype=object))
    keys = _name_keys(forms)
    return NamePool(names, by_normal, forms, keys, keys["key"].value_counts())


def near_matches(names: Sequence[str], candidates: Sequence[str] | NamePool) -> dict[str, str]:
    """For each name: the candidate it nearly matches (equal after normalisation first, else the
    most similar candidate sharing a name key with similarity >= ``NEAR_SIMILARITY``; ties go to
    the candidate listed first). Names with neither are left out."""
    names = list(dict.fromkeys(n for n in names if n.strip()))
    pool = candidates if isinstance(candidates, NamePool) else name_pool(candidates)
    if not names or not pool.names:
        return {}
    found: dict[str, str] = {}
    leftovers = []
    for name in names:
        partner = pool.by_normal.get(normalise_name(name))
        if partner is not None:
            found[name] = partner
        else:
            leftovers.append(name)
    if not leftovers:
        return found
    left_forms = match_series(pd.Series(leftovers, dtype=object))
    left_keys = _name_keys(left_forms)
    # Skip a key whose block would cost more pairs than it is worth; other keys still apply.
    left_size = left_keys.groupby("key")["pos"].transform("size")
    pairs = left_size * left_keys["key"].map(pool.key_sizes).fillna(0)
    left_keys = left_keys[(pairs > 0) & (pairs <= NEAR_MAX_PAIRS)]
    both = left_keys[["pos", "key"]].merge(pool.keys, on="key", suffixes=("_l", "_p"))
    both = both[["pos_l", "pos_p"]].drop_duplicates()
    if both.empty:
        return found
    li, pi = both["pos_l"].to_numpy(), both["pos_p"].to_numpy()
    scores = name_similarity(left_forms.to_numpy()[li], pool.forms.to_numpy()[pi])
    best = pd.DataFrame({"l": li, "p": pi, "score": scores})
    best = best[best["score"] >= NEAR_SIMILARITY]
    best = best.sort_values(["l", "score", "p"], ascending=[True, False, True])
    for left, candidate in best.drop_duplicates("l")[["l", "p"]].itertuples(index=False):
        found[leftovers[int(left)]] = pool.names[int(candidate)]
    return found
