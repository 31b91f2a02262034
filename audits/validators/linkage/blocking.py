"""Candidate pairs: only records that share a blocking key are ever compared.

Keys are the identifiers (exact), and name keys that survive typing slips: the consonant
skeleton of the family name with the given name's initial, both ways round (so a swapped
"Warnock Lily" meets "Lily Warnock"), and for whole names the first and last five letters
without spaces and the first five of the sorted words ("Blue Bell"/"Bluebell", reordered words).
A key shared by more records than its cap identifies nobody (the practice's own phone number,
a 01/01/1900 placeholder birth date, 300 "J Smith"s) and is dropped; other keys still apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audits.validators.linkage.prepare import Prepared
from audits.validators.linkage.sounds import skeleton
from audits.validators.names import distinct

IDENTIFIER_KEYS = ("date_of_birth", "tax_number", "email", "phone", "code")
MAX_SHARED = 20  # records on one identifier key: a household or a group shares less than this
MAX_NAME_BLOCK = 25  # records on one name key (at most 300 pairs within a block)
KEY_CHARS = 5


def _rows(keys: pd.Series, cap: str) -> pd.DataFrame:
    """Non-blank keys (a key is "tag:value"; a blank value leaves just the tag)."""
    keys = keys[(keys != "") & ~keys.str.endswith(":")]
    return pd.DataFrame({"pos": keys.index.to_numpy(), "key": keys.to_numpy(), "cap": cap})


def keys(
    p: Prepared, *, everyone_whole: bool = False, only: np.ndarray | None = None
) -> pd.DataFrame:
    """(pos, key, cap) rows, one per key a record has. People get the person keys, the others
    the whole-name keys; with ``everyone_whole`` (between systems, where one side may list a
    person the way it lists an organisation) people get the whole-name keys too. ``only`` (a
    mask) keys just those records."""
    positions = np.arange(p.n) if only is None else np.flatnonzero(only)

    def _values(p: Prepared, name: str) -> pd.Series:
        return pd.Series(p.column(name)[positions], index=positions, dtype=object)

    out = []
    for name in IDENTIFIER_KEYS:
        out.append(_rows(name[:1] + ":" + _values(p, name), "i"))
    street, postcode = _values(p, "street"), _values(p, "postcode")
    both = (street != "") & (postcode != "")
    out.append(_rows(("a:" + street + "|" + postcode).where(both, ""), "i"))
    person = pd.Series(p.person[positions], index=positions)
    given, family = _values(p, "given"), _values(p, "family")
    sk = pd.Series(distinct(pd.concat([given, family])), dtype=object)
    sk = dict(zip(sk, sk.map(skeleton), strict=True))
    usable = person & (given != "") & (family != "")
    out.append(_rows(("n:" + family.map(sk) + "|" + given.str[:1]).where(usable, ""), "n"))
    out.append(_rows(("n:" + given.map(sk) + "|" + family.str[:1]).where(usable, ""), "n"))
    forms = _values(p, "org")
    if not everyone_whole:
        forms = forms.where(~person, "")
    joined = forms.str.replace(" ", "", regex=False)
    named = joined.str.len() >= 3
    for tag, key in (("o:", joined.str[:KEY_CHARS]), ("s:", joined.str[-KEY_CHARS:])):
        out.append(_rows((tag + key).where(named, ""), "n"))
    if everyone_whole:  # reordered words: between systems (one side may sort "Last First")
        ordered = forms.map(lambda f: "".join(sorted(f.split())))
        out.append(_rows(("w:" + ordered.str[:KEY_CHARS]).where(named, ""), "n"))
    rows = pd.concat(out, ignore_index=True)
    return rows.drop_duplicates(["pos", "key"])


def _coded(*sides: pd.DataFrame) -> list[pd.DataFrame]:
    """The sides' key strings as one integer code space (cheaper to group and join on)."""
    codes, _ = pd.factorize(pd.concat([side["key"] for side in sides], ignore_index=True))
    out, start = [], 0
    for side in sides:
        out.append(
            pd.DataFrame(
                {
                    "key": codes[start : start + len(side)],
                    "pos": side["pos"].to_numpy(),
                    "cap": np.where(side["cap"].to_numpy() == "i", MAX_SHARED, MAX_NAME_BLOCK),
                }
            )
        )
        start += len(side)
    return out


def _capped(rows: pd.DataFrame, least: int = 1) -> pd.DataFrame:
    size = np.bincount(rows["key"].to_numpy())[rows["key"].to_numpy()]
    return rows[(size >= least) & (size <= rows["cap"].to_numpy())]


def within(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j) positional pairs, i < j, sharing a key of one side."""
    (rows,) = _coded(keys(p))
    rows = _capped(rows, least=2)[["key", "pos"]]
    both = rows.merge(rows, on="key", suffixes=("_a", "_b"))
    both = both[both["pos_a"] < both["pos_b"]]
    return _unique(both["pos_a"].to_numpy(), both["pos_b"].to_numpy(), p.n)


def between(a: Prepared, b: Prepared, only=None) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j) pairs, i into ``a`` and j into ``b``, sharing a key; with ``only`` (a mask
    per side), records outside the masks neither pair nor count towards a block's size."""
    masks = (None, None) if only is None else only
    left, right = _coded(
        keys(a, everyone_whole=True, only=masks[0]), keys(b, everyone_whole=True, only=masks[1])
    )
    left, right = _capped(left)[["key", "pos"]], _capped(right)[["key", "pos"]]
    both = left.merge(right, on="key", suffixes=("_a", "_b"))
    return _unique(both["pos_a"].to_numpy(), both["pos_b"].to_numpy(), b.n)


def _unique(i: np.ndarray, j: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    if len(i) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    pair = np.unique(i.astype(np.int64) * max(width, 1) + j.astype(np.int64))
    return pair // max(width, 1), pair % max(width, 1)
