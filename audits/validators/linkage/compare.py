"""Comparison levels per record pair: how well two records agree on one field.

Every function takes the two prepared sides and positional pair arrays ``i`` (into ``a``) and
``j`` (into ``b``) and returns an int8 level per pair: 0 is full agreement, higher is weaker,
``MISSING`` (-1) when either side is blank (no evidence either way). Fuzzy measures run once per
distinct pair of values (``_per_value_pair``), so 100,000 pairs of "Smith" cost one comparison.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Prefix

from audits.validators.linkage.prepare import Prepared
from audits.validators.linkage.sounds import skeleton

MISSING = -1

# Name parts (given or family name): Jaro-Winkler is the measure record linkage uses for short
# name strings (Winkler 1990); 0.92 keeps one-letter slips and transpositions ("Shamra"/"Sharma"
# 0.96, "Liyl"/"Lily" 0.93) and leaves "Mark"/"Mary" (0.88) and "Jon"/"Jan" (0.82) out.
CLOSE_JW = 0.92
ALIKE_JW = 0.85  # the next level down: still telling, weighted by how often random names reach it
SHORT_FORM = (
    3  # "Matt"/"Matthew", "Kate"/"Katherine": one name the start of the other, >= 3 letters
)
# Whole names (organisations, or a person against an organisation): rapidfuzz scores, 0-100.
ORG_CLOSE = 95
ORG_ALIKE = 88
ADDED_WORD_SCORE = 65  # below this, one name cannot be the other with one word added
# Joined names ("Kate Lin" / "Katelin", "Mc Carthy" / "Mccarthy"): as good as a close spelling.
JOINED_JW = 0.95


def _pair_codes(a: Prepared, b: Prepared, name: str, i: np.ndarray, j: np.ndarray):
    ci, cj = a.codes[name][i], b.codes[name][j]
    return ci, cj, (ci >= 0) & (cj >= 0)


def _per_value_pair(
    values: np.ndarray, ci: np.ndarray, cj: np.ndarray, measure: Callable[[list, list], np.ndarray]
) -> np.ndarray:
    """``measure`` over the distinct (value, value) pairs among ``ci``/``cj`` (codes >= 0),
    spread back to every pair."""
    return _per_code_pair(
        ci, cj, len(values), lambda ui, uj: measure(list(values[ui]), list(values[uj]))
    )


def _per_code_pair(
    ci: np.ndarray,
    cj: np.ndarray,
    size: int,
    measure: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """``measure`` over the distinct (code, code) pairs among ``ci``/``cj`` (codes >= 0 into a
    value space of ``size``), spread back to every pair."""
    if len(ci) == 0:
        return np.zeros(0)
    key = ci.astype(np.int64) * (size + 1) + cj.astype(np.int64)
    back, unique = pd.factorize(key)  # hashing, cheaper than sorting a million keys
    return np.asarray(measure(unique // (size + 1), unique % (size + 1)))[back]


def _jw(x: list, y: list) -> np.ndarray:
    return process.cpdist(x, y, scorer=JaroWinkler.similarity, workers=-1)


def _edits(x: list, y: list, most: int) -> np.ndarray:
    """Damerau-Levenshtein edits, counted up to ``most`` (more reads as ``most`` + 1)."""
    return process.cpdist(x, y, scorer=DamerauLevenshtein.distance, score_cutoff=most, workers=-1)


def _involved(size: int, ui: np.ndarray, uj: np.ndarray):
    """The distinct codes among ``ui`` and ``uj`` (codes into a value space of ``size``), and
    where each of ``ui`` and ``uj`` sits among them."""
    involved = pd.unique(np.concatenate([ui, uj]))
    where = np.empty(size, dtype=np.int64)
    where[involved] = np.arange(len(involved))
    return involved, where[ui], where[uj]


def _name_levels(values: np.ndarray, ui: np.ndarray, uj: np.ndarray) -> np.ndarray:
    """Levels 1-3 for differing name parts (see ``name_part``), for value codes ``ui``/``uj``."""
    x, y = list(values[ui]), list(values[uj])
    jw = _jw(x, y)
    # Skeletons and lengths once per distinct name involved, not once per pair.
    involved, where_i, where_j = _involved(len(values), ui, uj)
    sounds, _ = pd.factorize(np.array([skeleton(v) for v in values[involved]], dtype=object))
    length = np.array([len(v) for v in values[involved]])
    shortest = np.minimum(length[where_i], length[where_j])
    # One name the start of the other ("Matt"/"Matthew"): their common start is the shorter.
    prefix = process.cpdist(x, y, scorer=Prefix.similarity, workers=-1)
    short_form = (shortest >= SHORT_FORM) & (prefix == shortest)
    alike = (jw >= ALIKE_JW) | short_form | (sounds[where_i] == sounds[where_j])
    return np.where(jw >= CLOSE_JW, 1, np.where(alike, 2, 3))


def name_part(a: Prepared, b: Prepared, part_a: str, part_b: str, i, j) -> np.ndarray:
    """0 same, 1 close spelling (Jaro-Winkler >= ``CLOSE_JW``), 2 alike (sounds the same, one is
    a short form of the other, or Jaro-Winkler >= ``ALIKE_JW``), 3 different. Given and family
    names share one value space, so a given name can be compared with a family name (swaps)."""
    ci, cj = a.codes[part_a][i], b.codes[part_b][j]
    both = (ci >= 0) & (cj >= 0)
    level = np.full(len(i), MISSING, dtype=np.int8)
    level[both & (ci == cj)] = 0
    rest = np.flatnonzero(both & (ci != cj))
    if len(rest):
        values = a.values["given"]
        level[rest] = _per_code_pair(
            ci[rest], cj[rest], len(values), lambda ui, uj: _name_levels(values, ui, uj)
        )
    return level


def joined_names(a: Prepared, b: Prepared, i, j) -> np.ndarray:
    """Per pair: the given and family names written together agree ("Kate Lin"/"Katelin")."""
    ci, cj, both = _pair_codes(a, b, "joined", i, j)
    out = both & (ci == cj)
    rest = np.flatnonzero(both & (ci != cj))
    if len(rest):
        similarity = _per_value_pair(a.values["joined"], ci[rest], cj[rest], _jw)
        out[rest] = similarity >= JOINED_JW
    return out


def org_name(a: Prepared, b: Prepared, i, j) -> np.ndarray:
    """Whole names: 0 same; 1 one slip (one Damerau-Levenshtein edit without spaces,
    "Sivler"/"Silver") or a score >= ``ORG_CLOSE``; 2 a score >= ``ORG_ALIKE``, or one name is
    the other with one word added ("Blue Ridge Medical Services"); 3 different. The score is the
    best of token-sort ratio (reordered words) and ratio with spaces removed ("Blue Bell" /
    "Bluebell")."""
    ci, cj, both = _pair_codes(a, b, "org", i, j)
    level = np.full(len(i), MISSING, dtype=np.int8)
    same = both & (ci == cj)
    level[same] = 0
    rest = np.flatnonzero(both & ~same)
    if len(rest):
        level[rest] = _per_value_pair(a.values["org"], ci[rest], cj[rest], _org_levels)
    return level


def _org_levels(x: list, y: list) -> np.ndarray:
    spaced = process.cpdist(x, y, scorer=fuzz.token_sort_ratio, workers=-1)
    xj, yj = [v.replace(" ", "") for v in x], [v.replace(" ", "") for v in y]
    score = np.maximum(spaced, process.cpdist(xj, yj, scorer=fuzz.ratio, workers=-1))
    slip = _edits(xj, yj, 1) <= 1
    close = slip | (score >= ORG_CLOSE)
    level = np.where(close, 1, np.where(score >= ORG_ALIKE, 2, 3))
    for k in np.flatnonzero((level == 3) & (score >= ADDED_WORD_SCORE)):
        if _one_word_added(x[k], y[k]):
            level[k] = 2
    return level


def _one_word_added(x: str, y: str) -> bool:
    a, b = x.split(), y.split()
    if abs(len(a) - len(b)) != 1 or min(len(a), len(b)) < 2:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


def identifier(a: Prepared, b: Prepared, name: str, i, j, *, slips: int) -> np.ndarray:
    """0 same; 1..``slips`` that many typing slips (Damerau-Levenshtein edits: a wrong, missing
    or transposed character); ``slips + 1`` different."""
    ci, cj, both = _pair_codes(a, b, name, i, j)
    level = np.full(len(i), MISSING, dtype=np.int8)
    same = both & (ci == cj)
    level[same] = 0
    rest = np.flatnonzero(both & ~same)
    if len(rest):
        edits = _per_value_pair(
            a.values[name], ci[rest], cj[rest], lambda x, y: _edits(x, y, slips)
        )
        level[rest] = np.minimum(edits, slips + 1)
    return level


def date_of_birth(a: Prepared, b: Prepared, i, j) -> np.ndarray:
    """0 same, 1 one slip or day and month swapped, 2 two slips, 3 different."""
    level = identifier(a, b, "date_of_birth", i, j, slips=2)
    ci, cj = a.codes["date_of_birth"][i], b.codes["date_of_birth"][j]
    far = np.flatnonzero(level >= 2)
    if len(far):
        values = a.values["date_of_birth"]
        swapped = _per_value_pair(values, ci[far], cj[far], _day_month_swapped)
        level[far] = np.where(swapped, 1, level[far])
    return level


def _day_month_swapped(x: list, y: list) -> np.ndarray:
    return np.array(
        [
            p[:4] == q[:4] and p[4:6] == q[6:8] and p[6:8] == q[4:6]
            for p, q in zip(x, y, strict=True)
        ],
        dtype=bool,
    )


def exact(a: Prepared, b: Prepared, name: str, i, j) -> np.ndarray:
    """0 same, 1 different."""
    ci, cj, both = _pair_codes(a, b, name, i, j)
    return np.where(both, (ci != cj).astype(np.int8), MISSING).astype(np.int8)


def address(a: Prepared, b: Prepared, i, j) -> np.ndarray:
    """0 same street and postcode; 1 one of them the same and the other a slip away; 2 both a
    slip away, or only one of them the same; 3 different. A street is a slip away when it
    scores >= ``ORG_ALIKE`` ("dixonddrive" / "dixon drive"), or when one side left out the
    house number and the street names agree ("eddy crescent" / "8 eddy crescent")."""
    pc = identifier(a, b, "postcode", i, j, slips=1)
    st = np.full(len(i), MISSING, dtype=np.int8)
    ci, cj, both = _pair_codes(a, b, "street", i, j)
    st[both & (ci == cj)] = 0
    rest = np.flatnonzero(both & (ci != cj))
    if len(rest):
        values = a.values["street"]
        score = _per_code_pair(
            ci[rest], cj[rest], len(values), lambda ui, uj: _street_score(values, ui, uj)
        )
        st[rest] = np.where(score >= ORG_ALIKE, 1, 2)
    level = np.full(len(i), 3, dtype=np.int8)
    same_one = (pc == 0) | (st == 0)
    level[(pc == 0) & (st == 0)] = 0
    level[(level == 3) & same_one & ((pc == 1) | (st == 1))] = 1
    level[(level == 3) & (same_one | ((pc == 1) & (st == 1)))] = 2
    level[(pc == MISSING) & (st == MISSING)] = MISSING
    return level


def _street_score(values: np.ndarray, ui: np.ndarray, uj: np.ndarray) -> np.ndarray:
    x, y = list(values[ui]), list(values[uj])
    score = process.cpdist(x, y, scorer=fuzz.ratio, workers=-1)
    # Pairs where one street starts with a house number and the other does not.
    involved, where_i, where_j = _involved(len(values), ui, uj)
    numbered_value = np.array([v[:1].isdigit() for v in values[involved]], dtype=bool)
    numbered = np.flatnonzero(numbered_value[where_i] != numbered_value[where_j])
    if len(numbered):
        digits = "0123456789 "
        bare_x = [x[k].lstrip(digits) for k in numbered]
        bare_y = [y[k].lstrip(digits) for k in numbered]
        without = process.cpdist(bare_x, bare_y, scorer=fuzz.ratio, workers=-1)
        score[numbered] = np.maximum(score[numbered], without)
    return score
