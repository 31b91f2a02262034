"""A consonant skeleton for names that sound alike."""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """ "Stephen"/"Steven" -> "stfn", "Rebecca"/"Rebekah" -> "rbk", "Catherine"/"Katherine" ->
    "ktrn" (a first-letter difference remains: "c"/"k" both read as "k")."""
    text = word.casefold()
    for pattern, replacement in _SKELETON_STEPS:
        text = pattern.sub(replacement, text)
    return text
