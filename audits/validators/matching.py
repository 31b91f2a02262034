"""Near-duplicate clients (item 5) and near-match names between systems (item 13), without ever
comparing all pairs.

Probable duplicates (``probable_duplicates``)
---------------------------------------------
The spec: similar (not equal) names, or first/last swapped, that ALSO agree on an identifier
(email, phone, tax number, date of birth, postcode + street), and a differing date of birth, tax
number or email makes two clients namesakes, not duplicates.

1. Block. Every client gets one key per identifier it has (normalised email, phone digits, tax
   number, date of birth, street + postcode). Because a probable duplicate must agree on at least
   one identifier, every true pair shares a block: identifier blocking loses no recall by
   construction. A key held by more than ``MAX_SHARED`` clients identifies nobody (the practice's
   own phone, "noemail@", a 01/01/1900 placeholder birth date) and is dropped.
2. Score only candidate pairs (pairs sharing a block), each once, with ``rapidfuzz.process.cpdist``
   (the element-wise twin of ``cdist``: one vectorised call for every block instead of a Python
   loop over 100,000 small ``cdist`` matrices).
3. Decide per pair, vectorised: names not equal after normalisation; no disagreeing email, tax
   number or date of birth; digits in the names agree ("Property Trust No 1" vs "No 2"); and
   - two people ("First [Middle] Last", no organisation words): first names AND last names must
     each be similar (``PERSON_SIMILARITY``), in order or swapped. Scoring the whole string would
     pair "Mark Smith" with "Mary Smith" (90) at one address: a family, not a duplicate. A first
     name that sounds the same ("Stephen"/"Steven", "Rebecca"/"Rebekah": equal consonant skeleton)
     counts as ``SOUNDS_ALIKE``;
   - otherwise (organisations): the best of token-sort ratio and plain ratio with spaces removed
     ("Bold Tree" vs "Boldtree") on ``match_name`` forms must reach ``ORG_SIMILARITY``.
4. Union-find the accepted pairs into clusters; one cluster is one finding.

Thresholds, measured with ``tests/audits/dedupe_practice.py`` (a labelled synthetic practice with
the hard negatives a real one has: households sharing address, landline and sometimes one email;
namesakes; shared birthdays; group entities sharing the practice's details; tenants of one
building with similar names) at 20,000 clients, seeds 1-3, ~195 planted pairs each. Pair-level
precision / recall of the direct decision (before union-find), at each candidate threshold:

- ``PERSON_SIMILARITY`` (first and last name each): 75: .97-.99 / .99-1.0 · 80: .97-.99 /
  .99-1.0 · **85: .97-.99 / .96-.97** · 90: .95-.99 / .95-.96 · 95: 1.0 / .64-.76. The false
  positives left at every threshold up to 90 are household members whose first names are
  spelling variants of each other ("John"/"Jon", "Stephen"/"Steven", "Michael"/"Michelle", ratio
  80-90 or an equal skeleton) with no date of birth, tax number or email to tell them apart: no
  name measure can separate them, the veto on a differing identifier does when the data has one.
  85 rather than 80 because 80 also admits "Michael"/"Michelle"-like pairs on ratio alone (80),
  and what 85 loses is transposition typos in short surnames ("Sharma"/"Shamra", 83).
- ``ORG_SIMILARITY`` (whole name): 75: 1.0 / 1.0 · 80: 1.0 / .97-1.0 · **85: 1.0 / .69-.73** ·
  90: 1.0 / .69-.73. Chosen above where the synthetic data is perfect, on purpose: tenants of one
  building score up to 84 ("Silver Creek Plumbing"/"Silver Ridge Plumbing", spaces removed) and
  group entities 70-80, while what 85 misses is one planted kind, an inserted trade word ("Eagle
  Rock Dental"/"Eagle Rock Dental Services", 79), which is as likely a second entity of a group.
- Clusters (all rules together, ``probable_duplicates``): precision .98-.99, recall .84-.89; the
  recall gap is the inserted-word variant above plus nicknames ("Robert"/"Bob"), planted as
  known misses. On the generator's labelled practices (1,000 default seed 11; 3,000 heavy seed
  23; 10,000 heavy seed 3) C05.W002 is 1.000 / 1.000, but that data has unique identifiers
  everywhere, so it cannot tell thresholds apart (any value from 60 to 95 scores 1.000 there).
- ``MAX_SHARED`` = 20: a household or a client group shares a phone or an address among a
  handful of clients; a key on more than 20 clients is the practice's own detail or a placeholder
  and identifies nobody (a judgement; the synthetic data has no key above 5).

Near matches between systems (``near_matches``)
-----------------------------------------------
There are no shared identifiers between an XPM client and a Xero contact, so blocking there is on
NAME keys: the first and the last ``KEY_CHARS`` letters of the ``match_name`` form with spaces
removed, and the same of its sorted tokens (catching "Blue Bell"/"Bluebell", a typo at either end,
and reordered words). A candidate must also reach ``NEAR_SIMILARITY``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from audits.validators.names import (
    ORGANISATION_WORDS,
    match_series,
    normalise_name,
    normalise_series,
)

PERSON_SIMILARITY = 85  # each of first and last name, rapidfuzz ratio on accent-folded tokens
SOUNDS_ALIKE = 90  # the score a first/last name gets when its consonant skeleton is equal
ORG_SIMILARITY = 85  # whole name, max(token_sort_ratio, ratio without spaces)
MAX_SHARED = 20  # identifier keys held by more clients than this identify nobody
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

_STREET_WORDS = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "ln": "lane",
    "pl": "place",
    "pde": "parade",
    "tce": "terrace",
    "cres": "crescent",
    "ct": "court",
    "hwy": "highway",
    "blvd": "boulevard",
    "sq": "square",
}


# --- identifiers -------------------------------------------------------------------------------


def identifier_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Each identifier as a comparable key ("" when blank or unusable), vectorised."""

    def col(name: str) -> pd.Series:
        if name in frame:
            return frame[name].fillna("").astype(str).str.strip()
        return pd.Series("", index=frame.index, dtype=object)

    out = pd.DataFrame(index=frame.index)
    email = col("email").str.casefold()
    out["email"] = email.where(email.str.contains("@", regex=False), "")
    digits = col("phone").str.replace(r"\D", "", regex=True)
    # The last 9 digits: "+61 2 9999 1234" and "(02) 9999 1234" are one number.
    out["phone"] = digits.str[-9:].where(digits.str.len() >= 8, "")
    tax = col("tax_number").str.replace(r"\W", "", regex=True).str.casefold()
    placeholder = tax.str.fullmatch(r"(.)\1*")  # "000000000", "999999999"
    out["tax_number"] = tax.where((tax.str.len() >= 5) & ~placeholder, "")
    out["date_of_birth"] = col("date_of_birth")
    street = col("address").str.casefold().str.replace(r"[^\w\s]", " ", regex=True)
    street = street.str.split().map(lambda ws: " ".join(_STREET_WORDS.get(w, w) for w in ws))
    postcode = col("postcode").str.replace(r"\s", "", regex=True).str.casefold()
    out["street"] = (street + "|" + postcode).where((street != "") & (postcode != ""), "")
    return out


def _candidate_pairs(ids: pd.DataFrame) -> np.ndarray:
    """Unique (i, j) positional pairs, i < j, that share an identifier key held by at most
    ``MAX_SHARED`` clients."""
    n = len(ids)
    position = np.arange(n)
    chunks = []
    for field in IDENTIFIERS:
        values = ids[field].to_numpy()
        keep = values != ""
        keys = pd.DataFrame({"key": values[keep], "pos": position[keep]})
        sizes = keys.groupby("key")["pos"].transform("size")
        keys = keys[(sizes >= 2) & (sizes <= MAX_SHARED)]
        if keys.empty:
            continue
        both = keys.merge(keys, on="key", suffixes=("_a", "_b"))
        both = both[both["pos_a"] < both["pos_b"]]
        chunks.append(both[["pos_a", "pos_b"]].to_numpy())
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks)
    return np.unique(pairs, axis=0)


# --- name scoring ------------------------------------------------------------------------------

_SKELETON_STEPS = (
    (re.compile(r"[^a-z]"), ""),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "f"),
    (re.compile(r"(?<=.)[aeiouyhw]"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)


def skeleton(word: str) -> str:
    """A consonant skeleton: "Stephen"/"Steven" -> "stfn", "Rebecca"/"Rebekah" -> "rbk",
    "Catherine"/"Katherine" -> "ktrn". Used only to back up string similarity."""
    text = word.casefold()
    for pattern, replacement in _SKELETON_STEPS:
        text = pattern.sub(replacement, text)
    return text


def _token_similarity(a: np.ndarray, b: np.ndarray, sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    scores = process.cpdist(list(a), list(b), scorer=fuzz.ratio, workers=-1)
    alike = (sa == sb) & (sa != "")
    return np.where(alike, np.maximum(scores, SOUNDS_ALIKE), scores)


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


def _person_parts(forms: pd.Series, names: pd.Series) -> pd.DataFrame:
    """First and last token of names that read as one person, "" for organisations."""
    tokens = forms.str.split()
    person = (
        tokens.str.len().between(2, 4)
        & ~names.str.contains(ORGANISATION_WORDS, regex=True)
        & ~names.str.contains(",", regex=False)
    )
    first = tokens.str[0].where(person, "")
    last = tokens.str[-1].where(person, "")
    return pd.DataFrame(
        {
            "first": first,
            "last": last,
            "first_sk": first.map(skeleton),
            "last_sk": last.map(skeleton),
        }
    )


# --- probable duplicates -------------------------------------------------------------------------


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


def scored_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Every candidate pair with its evidence: columns a, b (frame index labels), agree (names of
    agreeing identifiers), veto (a discriminating identifier differs), similarity, accepted."""
    frame = frame[frame["name"].fillna("").astype(str).str.strip() != ""]
    ids = identifier_frame(frame)
    pairs = _candidate_pairs(ids)
    columns = ["a", "b", "agree", "veto", "similarity", "accepted"]
    if len(pairs) == 0:
        return pd.DataFrame(columns=columns)
    i, j = pairs[:, 0], pairs[:, 1]
    names = frame["name"].astype(str)
    normal = normalise_series(names).to_numpy()
    forms = match_series(names)
    agree, veto, agreeing = _identifier_evidence(ids, i, j)
    digits = forms.str.findall(r"\d+").str.join(" ").to_numpy()
    veto |= digits[i] != digits[j]
    similarity, people = _pair_similarity(forms, _person_parts(forms, names), i, j)
    threshold = np.where(people, PERSON_SIMILARITY, ORG_SIMILARITY)
    accepted = agree & ~veto & (normal[i] != normal[j]) & (similarity >= threshold)
    index = frame.index.to_numpy()
    return pd.DataFrame(
        {
            "a": index[i],
            "b": index[j],
            "agree": [a.strip() for a in agreeing],
            "veto": veto,
            "similarity": similarity,
            "accepted": accepted,
        }
    )


def _identifier_evidence(
    ids: pd.DataFrame, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: whether any identifier agrees, whether a discriminating one differs, and the
    names of the agreeing identifiers (space-separated, with a trailing space)."""
    agree = np.zeros(len(i), dtype=bool)
    veto = np.zeros(len(i), dtype=bool)
    agreeing = np.full(len(i), "", dtype=object)
    for field in IDENTIFIERS:
        values = ids[field].to_numpy()
        both = (values[i] != "") & (values[j] != "")
        same = both & (values[i] == values[j])
        agree |= same
        agreeing = np.where(same, agreeing + field + " ", agreeing)
        if field in DISCRIMINATING:
            veto |= both & (values[i] != values[j])
    return agree, veto, agreeing


def _pair_similarity(
    forms_series: pd.Series, parts: pd.DataFrame, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: the name similarity, and whether both are people. Two people are scored on first
    and last names each (in order or swapped, the lower of the two); anything else on the whole
    ``match_name`` form."""
    forms = forms_series.to_numpy()
    whole = name_similarity(forms[i], forms[j])
    first, last = parts["first"].to_numpy(), parts["last"].to_numpy()
    fsk, lsk = parts["first_sk"].to_numpy(), parts["last_sk"].to_numpy()
    people = (first[i] != "") & (first[j] != "")
    person = np.zeros(len(i))
    if people.any():
        p = np.flatnonzero(people)
        pi, pj = i[p], j[p]
        straight = np.minimum(
            _token_similarity(first[pi], first[pj], fsk[pi], fsk[pj]),
            _token_similarity(last[pi], last[pj], lsk[pi], lsk[pj]),
        )
        swapped = np.minimum(
            _token_similarity(first[pi], last[pj], fsk[pi], lsk[pj]),
            _token_similarity(last[pi], first[pj], lsk[pi], fsk[pj]),
        )
        person[p] = np.maximum(straight, swapped)
    return np.where(people, person, whole), people


def probable_duplicates(frame: pd.DataFrame) -> list[list[int]]:
    """Clusters (sorted lists of frame index labels, ordered by first member) of clients with
    similar, not equal, names that agree on an identifier and disagree on none.

    ``frame`` has a ``name`` column and any of email, phone, tax_number, date_of_birth, address,
    postcode (missing ones read as blank)."""
    pairs = scored_pairs(frame)
    found = UnionFind()
    for a, b in pairs.loc[pairs["accepted"], ["a", "b"]].itertuples(index=False):
        found.union(int(a), int(b))
    return found.groups()


# --- near matches between systems ---------------------------------------------------------------


def _name_keys(forms: pd.Series) -> pd.DataFrame:
    """(position, key) rows: the first and last letters of the name without spaces, and the first
    letters of its sorted words."""
    forms = forms[forms.str.strip() != ""]
    joined = forms.str.replace(" ", "", regex=False)
    ordered = forms.str.split().map(lambda ws: "".join(sorted(ws)))
    keys = pd.concat(
        [
            "p:" + joined.str[:KEY_CHARS],
            "s:" + joined.str[-KEY_CHARS:],
            "o:" + ordered.str[:KEY_CHARS],
        ]
    )
    return pd.DataFrame({"pos": keys.index, "key": keys.to_numpy()}).drop_duplicates()


def near_matches(names: Sequence[str], candidates: Sequence[str]) -> dict[str, str]:
    """For each name: the candidate it nearly matches (equal after normalisation first, else the
    most similar candidate sharing a name key with similarity >= ``NEAR_SIMILARITY``; ties go to
    the candidate listed first). Names with neither are left out."""
    names = list(dict.fromkeys(n for n in names if n.strip()))
    pool = list(dict.fromkeys(c for c in candidates if c.strip()))
    if not names or not pool:
        return {}
    by_normal: dict[str, str] = {}
    for candidate in pool:
        by_normal.setdefault(normalise_name(candidate), candidate)
    found: dict[str, str] = {}
    leftovers = []
    for name in names:
        partner = by_normal.get(normalise_name(name))
        if partner is not None:
            found[name] = partner
        else:
            leftovers.append(name)
    if not leftovers:
        return found
    left_forms = match_series(pd.Series(leftovers, dtype=object))
    pool_forms = match_series(pd.Series(pool, dtype=object))
    left_keys, pool_keys = _name_keys(left_forms), _name_keys(pool_forms)
    # Skip a key whose block would cost more pairs than it is worth; other keys still apply.
    left_size = left_keys.groupby("key")["pos"].transform("size")
    pairs = left_size * left_keys["key"].map(pool_keys["key"].value_counts()).fillna(0)
    left_keys = left_keys[(pairs > 0) & (pairs <= NEAR_MAX_PAIRS)]
    both = left_keys[["pos", "key"]].merge(pool_keys, on="key", suffixes=("_l", "_p"))
    both = both[["pos_l", "pos_p"]].drop_duplicates()
    if both.empty:
        return found
    li, pi = both["pos_l"].to_numpy(), both["pos_p"].to_numpy()
    scores = name_similarity(left_forms.to_numpy()[li], pool_forms.to_numpy()[pi])
    best = pd.DataFrame({"l": li, "p": pi, "score": scores})
    best = best[best["score"] >= NEAR_SIMILARITY]
    best = best.sort_values(["l", "score", "p"], ascending=[True, False, True])
    for left, candidate in best.drop_duplicates("l")[["l", "p"]].itertuples(index=False):
        found[leftovers[int(left)]] = pool[int(candidate)]
    return found
