"""Candidate pairs: only records that share a blocking key are ever compared.

Keys are the identifiers (exact), and name keys that survive typing slips: the consonant
skeleton of the family name with the given name's initial, both ways round (so a swapped
"Warnock Lily" meets "Lily Warnock"), and for whole names the first and last five letters
without spaces and the first five of the sorted words ("Blue Bell"/"Bluebell", reordered words).
A key shared by more records than its cap identifies nobody (the practice's own phone number,
a 01/01/1900 placeholder birth date, 300 "J Smith"s) and is dropped; other keys still apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from audits.validators.linkage.prepare import Prepared
from audits.validators.linkage.sounds import skeleton

IDENTIFIER_KEYS = ("date_of_birth", "tax_number", "email", "phone", "code")
MAX_SHARED = 20  # records on one identifier key: a household or a group shares less than this
MAX_NAME_BLOCK = 25  # records on one name key (at most 300 pairs within a block)
KEY_CHARS = 5


# Each key is one int64: its kind in the high bits, a code of its value in the low ones (codes
# of one kind share the sides' combined value space, so equal keys are equal values).
KINDS = (
    "date_of_birth",
    "tax_number",
    "email",
    "phone",
    "code",
    "address",
    "name",
    "start",
    "end",
    "words",
)
# A key is (kind << 42) + value: every value stays below 2**42. The largest is an address,
# street x (postcodes + 1) + postcode: at the 1,000,000-row upload limit per side, two sides hold
# at most 2e6 distinct streets and 2e6 postcodes (4e12 < 2**42 = 4.4e12); ``keys`` checks it.
_KIND_SHIFT = 42
_LETTER_SLOTS = 32  # a name key is (skeleton code, initial): initials are a-z


def _through(vocabulary: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per record the entry of ``vocabulary`` (one per distinct value) its code points to;
    -1 for a blank (code -1)."""
    return np.append(vocabulary, -1).astype(np.int64)[codes]


def _coded_strings(strings: list[str]) -> np.ndarray:
    """Per distinct value the code of its key string; -1 for no key ("")."""
    codes, uniques = pd.factorize(np.array(strings, dtype=object))
    blank = np.flatnonzero(uniques == "")
    return np.where(codes == blank[0], -1, codes) if len(blank) else codes


@dataclass
class Vocabulary:
    """Per distinct value of a value space, its key codes (-1 where none or not needed):
    skeleton and initial of given/family names, and the whole-name keys. Built once for every
    side keyed together, so their codes agree."""

    skeletons: np.ndarray
    initials: np.ndarray
    wholes: list[np.ndarray]


def _sparse(size: int, involved: np.ndarray, computed: np.ndarray) -> np.ndarray:
    out = np.full(size, -1, dtype=np.int64)
    out[involved] = computed
    return out


def _involved(sides: list[tuple[Prepared, np.ndarray]], *names: str) -> np.ndarray:
    codes = np.concatenate([p.codes[n][positions] for p, positions in sides for n in names])
    return pd.unique(codes[codes >= 0])


def vocabulary(sides: list[tuple[Prepared, np.ndarray]], reordered: bool) -> Vocabulary:
    """The keys of the values the records at ``positions`` of each (prepared, positions) side
    use; the sides share one value space (``prepare.combine``)."""
    p = sides[0][0]
    names = _involved(sides, "given", "family")
    given = p.values["given"][names]
    skeletons = _coded_strings([skeleton(name) for name in given])
    initials = np.array([ord(name[0]) - ord("a") for name in given], dtype=np.int64)
    forms = _involved(sides, "org")
    size, org_size = len(p.values["given"]), len(p.values["org"])
    return Vocabulary(
        _sparse(size, names, skeletons),
        _sparse(size, names, initials),
        [_sparse(org_size, forms, w) for w in _org_keys(p.values["org"][forms], reordered)],
    )


def _org_keys(forms: np.ndarray, reordered: bool) -> list[np.ndarray]:
    """Per whole name: codes of its first and last ``KEY_CHARS`` letters without spaces, and
    with ``reordered`` of the first ``KEY_CHARS`` of its sorted words; -1 for a name under three
    letters."""
    joined = [form.replace(" ", "") for form in forms]
    short = np.array([len(text) < 3 for text in joined], dtype=bool)
    parts = [[text[:KEY_CHARS] for text in joined], [text[-KEY_CHARS:] for text in joined]]
    if reordered:
        parts.append(["".join(sorted(form.split()))[:KEY_CHARS] for form in forms])
    return [np.where(short, -1, _coded_strings(part)) for part in parts]


def keys(
    p: Prepared,
    *,
    everyone_whole: bool = False,
    only: np.ndarray | None = None,
    words: Vocabulary | None = None,
) -> pd.DataFrame:
    """(pos, key, cap) rows, one per key a record has. People get the person keys, the others
    the whole-name keys; with ``everyone_whole`` (between systems, where one side may list a
    person the way it lists an organisation) people get the whole-name keys too. ``only`` (a
    mask) keys just those records; ``words`` are the name keys (built for ``p`` alone when not
    given)."""
    positions = np.arange(p.n) if only is None else np.flatnonzero(only)
    words = words or vocabulary([(p, positions)], everyone_whole)
    found: list[tuple[np.ndarray, np.ndarray, int]] = []

    def add(kind: str, value: np.ndarray, usable: np.ndarray, cap: int) -> None:
        keep = usable & (value >= 0)
        key = (np.int64(KINDS.index(kind)) << _KIND_SHIFT) + value[keep]
        found.append((positions[keep], key, cap))

    def codes(name: str) -> np.ndarray:
        return p.codes[name][positions].astype(np.int64)

    everyone = np.ones(len(positions), dtype=bool)
    for name in IDENTIFIER_KEYS:
        add(name, codes(name), everyone, MAX_SHARED)
    street, postcode = codes("street"), codes("postcode")
    address = street * (len(p.values["postcode"]) + 1) + postcode
    assert len(p.values["street"]) * (len(p.values["postcode"]) + 1) < 1 << _KIND_SHIFT
    add("address", address, (street >= 0) & (postcode >= 0), MAX_SHARED)
    person = p.person[positions]
    given, family = codes("given"), codes("family")
    usable = person & (given >= 0) & (family >= 0)
    for one, other in ((family, given), (given, family)):  # both ways round: swapped names
        value = _through(words.skeletons, one) * _LETTER_SLOTS + _through(words.initials, other)
        add("name", value, usable, MAX_NAME_BLOCK)
    whole = everyone if everyone_whole else ~person
    org = codes("org")
    for kind, vocab in zip(("start", "end", "words"), words.wholes, strict=False):
        add(kind, _through(vocab, org), whole, MAX_NAME_BLOCK)
    rows = pd.DataFrame(
        {
            "pos": np.concatenate([f[0] for f in found]),
            "key": np.concatenate([f[1] for f in found]),
            "cap": np.concatenate([np.full(len(f[0]), f[2]) for f in found]),
        }
    )
    return rows.drop_duplicates(["pos", "key"])


def _dense_keys(*sides: pd.DataFrame) -> list[pd.DataFrame]:
    """The sides' keys as one dense code space (cheaper to count and join on)."""
    codes, _ = pd.factorize(np.concatenate([side["key"].to_numpy() for side in sides]))
    out, start = [], 0
    for side in sides:
        out.append(
            pd.DataFrame(
                {
                    "key": codes[start : start + len(side)],
                    "pos": side["pos"].to_numpy(),
                    "cap": side["cap"].to_numpy(),
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
    (rows,) = _dense_keys(keys(p))
    rows = _capped(rows, least=2)[["key", "pos"]]
    both = rows.merge(rows, on="key", suffixes=("_a", "_b"))
    both = both[both["pos_a"] < both["pos_b"]]
    return _unique(both["pos_a"].to_numpy(), both["pos_b"].to_numpy(), p.n)


def between(a: Prepared, b: Prepared, only=None) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j) pairs, i into ``a`` and j into ``b``, sharing a key; with ``only`` (a mask
    per side), records outside the masks neither pair nor count towards a block's size."""
    masks = (None, None) if only is None else only
    sides = [
        (p, np.arange(p.n) if m is None else np.flatnonzero(m))
        for p, m in zip((a, b), masks, strict=True)
    ]
    words = vocabulary(sides, reordered=True)
    left, right = _dense_keys(
        keys(a, everyone_whole=True, only=masks[0], words=words),
        keys(b, everyone_whole=True, only=masks[1], words=words),
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
