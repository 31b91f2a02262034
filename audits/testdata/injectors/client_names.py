"""Step 3 (client names): individuals whose XPM name is not "First Last".

C03.E001 individual's name becomes "Last, First" (fields unchanged) in XPM, Xero and Ignition alike.
         xpm_clients row; value = that name.
C03.E002 individual keeps "First Last" but last_name field holds another surname (married name).
         xpm_clients row; value = name.
C03.W003 "Mr/Mrs/Ms/Dr First Last" (fields unchanged), same in every system. xpm row; value = name.
C03.W004 "JANE SMITH", "jane smith" or "Jane  Smith" (double space), same in every system. xpm row.
"""

from __future__ import annotations

from audits.testdata.injectors.victims import individual
from audits.testdata.practice import Practice
from audits.testdata.records import Client
from audits.testdata.vocabulary import LAST

TITLES_M = ["Mr", "Dr"]
TITLES_F = ["Mrs", "Ms", "Dr"]


def _unhyphenated(c: Client) -> bool:
    return individual(c) and "-" not in c.last


def _last_first(p: Practice, n: int) -> None:
    for c in p.pick(n, "C03.E001", individual):
        c.name = f"{c.last}, {c.first}"
        p.label("C03.E001", "xpm_clients", [c], c.name)


def _married_name(p: Practice, n: int) -> None:
    rng = p.rng
    for c in p.pick(n, "C03.E002", _unhyphenated):
        for _ in range(200):
            other = rng.choice(LAST)
            if other != c.last and " " not in other and p.claim(f"{c.first} {other}"):
                c.last = other
                break
        p.label("C03.E002", "xpm_clients", [c], c.name)


def _title(p: Practice, n: int) -> None:
    for c in p.pick(n, "C03.W003", individual):
        c.name = f"{p.rng.choice(TITLES_M if c.mods['male'] else TITLES_F)} {c.name}"
        p.label("C03.W003", "xpm_clients", [c], c.name)


def _case_or_spacing(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C03.W004", individual)):
        c.name = [c.name.upper(), c.name.lower(), f"{c.first}  {c.last}"][i % 3]
        p.label("C03.W004", "xpm_clients", [c], c.name)


def inject(p: Practice, n: int) -> None:
    _last_first(p, n)
    _married_name(p, n)
    _title(p, n)
    _case_or_spacing(p, n)
