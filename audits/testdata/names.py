"""Name keys and fuzzy isolation: how the generator keeps names unique, alike or far apart."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from audits.validators.names import LEGAL_SUFFIXES

# The same legal suffixes the validators treat as one token class.
_SUFFIX_WORDS = frozenset(LEGAL_SUFFIXES)
_PUNCT = re.compile(r"[^\w\s]")


def name_key(name: str) -> str:
    """Stricter than the spec normalisation (legal suffixes dropped): unique here => unique there."""
    value = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    value = _PUNCT.sub(" ", value)
    return " ".join(w for w in value.split() if w not in _SUFFIX_WORDS)


def unlike(pair: list, c: Any) -> bool:
    """True when ``c`` looks nothing like ``pair[0]`` (no word in common, low similarity)."""
    if not pair:
        return False
    a, b = name_key(pair[0].name), name_key(c.name)
    if set(a.split()) & set(b.split()):
        return False
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) < 60


def ascii_letters(text: str) -> str:
    """``text`` folded to ASCII letters only ("Zoë O'Brien" -> "ZoeOBrien"): codes, emails, slugs."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", folded)


def filter_isolated(
    queries: list[str], choices: list[str], n: int, allow_self: bool = False
) -> list[str]:
    """Queries with no other choice within ratio / token_sort_ratio 85 (after name_key)."""
    if not queries or n <= 0:
        return []
    qkeys = [name_key(q) for q in queries]
    hits = np.zeros(len(qkeys), dtype=np.int32)
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        m = process.cdist(
            qkeys, choices, scorer=scorer, score_cutoff=85, dtype=np.uint8, workers=-1
        )
        hits += (m > 0).sum(axis=1).astype(np.int32)
    allowed = 2 if allow_self else 0  # the candidate's own contact matches itself twice
    return [q for q, h in zip(queries, hits, strict=True) if h <= allowed][:n]
