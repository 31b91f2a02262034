"""``--noise realistic``: Xero contacts typed by people, the way FEBRL corrupts records.

A quarter of the clients that have a Xero contact and no other planted problem get a Xero
spelling that differs from XPM's by what people do when they type: a keyboard slip (a wrong,
missing, doubled or transposed letter), a phonetic spelling ("ph"/"f", "c"/"k", a dropped double
letter), first and last name swapped, the first name left out, two words merged or one split
("Blue Bell"/"Bluebell", "Katelin"/"Kate Lin"). Their Xero identifiers are noisy too: the
account number often not filled in, the email left blank or in capitals, an organisation's tax
number with one digit slipped or left out. Each is labelled C13.E001 (the XPM row, value = the
XPM name): the same client, which step 13 must pair up with its Xero contact and spell once.
"""

from __future__ import annotations

import random

from audits.testdata.practice import Practice
from audits.testdata.records import Client
from audits.validators.names import normalise_name

SHARE = 0.25  # of the clients with a Xero contact and no planted problem
NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip
PHONETIC = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("ie", "y"),
            ("y", "ie"), ("ll", "l"), ("tt", "t"), ("ss", "s"), ("ei", "ie"))  # fmt: skip


def keyboard_slip(word: str, rng: random.Random) -> str:
    """One slip inside a word of 4+ letters (never its first letter: people see that one)."""
    if len(word) < 4:
        return word
    k = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("substitute", "transpose", "delete", "double"))
    if kind == "substitute" and word[k].lower() in NEIGHBOURS:
        return word[:k] + rng.choice(NEIGHBOURS[word[k].lower()]) + word[k + 1 :]
    if kind == "transpose":
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    if kind == "delete":
        return word[:k] + word[k + 1 :]
    return word[: k + 1] + word[k] + word[k + 1 :]


def phonetic(word: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in PHONETIC if a in word[1:].lower()]
    if not options:
        return keyboard_slip(word, rng)
    a, b = rng.choice(options)
    at = word.lower().index(a, 1)
    return word[:at] + b + word[at + len(a) :]


def _person(c: Client, rng: random.Random) -> tuple[str, str, str]:
    """(name, first, last) as typed in Xero."""
    first, last = c.first, c.last
    kind = rng.choice(("slip", "slip", "phonetic", "swap", "no_first", "split"))
    if kind == "slip":
        if rng.random() < 0.5:
            first = keyboard_slip(first, rng)
        else:
            last = keyboard_slip(last, rng)
    elif kind == "phonetic":
        last = phonetic(last, rng)
    elif kind == "swap":
        return f"{last} {first}", first, last
    elif kind == "no_first":
        return last, "", last
    elif kind == "split" and len(first) >= 6 and " " not in first:
        cut = rng.randrange(3, len(first) - 2)
        first = f"{first[:cut]} {first[cut:].capitalize()}"
    else:
        first = keyboard_slip(first, rng)
    return f"{first} {last}", first, last


def _organisation(c: Client, rng: random.Random) -> str:
    words = c.name.split()
    kind = rng.choice(("slip", "slip", "phonetic", "merge", "the"))
    long_words = [k for k, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if kind == "merge" and len(words) >= 3 and words[0].isalpha() and words[1].isalpha():
        return " ".join([words[0] + words[1].lower(), *words[2:]])
    if kind == "the" and not c.name.lower().startswith("the "):
        return keyboard_slip_in(words, long_words, rng, prefix="The ")
    if not long_words:
        return c.name.upper()
    k = rng.choice(long_words)
    words[k] = phonetic(words[k], rng) if kind == "phonetic" else keyboard_slip(words[k], rng)
    return " ".join(words)


def keyboard_slip_in(words, long_words, rng, prefix: str = "") -> str:
    if long_words:
        k = rng.choice(long_words)
        words = [*words[:k], keyboard_slip(words[k], rng), *words[k + 1 :]]
    return prefix + " ".join(words)


def _identifiers(c: Client, rng: random.Random, xero: dict) -> None:
    if rng.random() < 0.6:
        xero["code"] = ""  # account numbers are often not kept in Xero
    roll = rng.random()
    if roll < 0.2:
        xero["email"] = ""
    elif roll < 0.4:
        xero["email"] = c.email.upper()
    if c.kind != "individual" and c.tax:
        roll = rng.random()
        if roll < 0.1:
            k = rng.randrange(len(c.tax))
            digit = str((int(c.tax[k]) + rng.randrange(1, 10)) % 10) if c.tax[k].isdigit() else "0"
            xero["tax"] = c.tax[:k] + digit + c.tax[k + 1 :]
        elif roll < 0.4:
            xero["tax"] = ""


def _eligible(c: Client) -> bool:
    return bool(c.name) and c.xero_name == "" and not c.extra


def apply(p: Practice) -> None:
    """Respell and blur a ``SHARE`` of the Xero contacts, labelling each C13.E001."""
    rng = p.rng
    taken = {normalise_name(n) for n in p.contact_names()} | {
        normalise_name(c.name) for c in p.clients
    }
    victims = p.pick(round(p.n * SHARE), "C13.E001", _eligible)
    for c in victims:
        xero: dict = {}
        if c.kind == "individual" and c.first and c.last:
            name, xero["first"], xero["last"] = _person(c, rng)
        else:
            name = _organisation(c, rng)
        if name == c.name or normalise_name(name) in taken - {normalise_name(c.name)}:
            continue  # no respelling that is not someone else's name: leave the contact as is
        taken.add(normalise_name(name))
        _identifiers(c, rng, xero)
        c.xero_name = name
        c.mods["xero"] = xero
        p.label("C13.E001", "xpm_clients", [c], c.name)
