"""Step 12 (internal names): organisation names carrying an internal code or marker.

C12.E001 an organisation's name carries a code/marker ("1478 Silver Creek Plumbing Pty Ltd",
         "SCP07 - …", "zz …", "… - DO NOT USE", "… (old)", "xx …", "… [SCP07]"); the Xero contact
         has the same spelling; no Ignition client. xpm row; value = name.
C12.E002 XPM name carries a code ("1478 …", "SCP07 - …", "… [SCP07]") but the Xero contact is the
         clean name; no Ignition, no invoices. xpm row; value = XPM name. ALSO labelled C12.E001.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from audits.testdata.injectors.victims import organisation
from audits.testdata.names import ascii_letters
from audits.testdata.practice import Practice
from audits.testdata.records import Client


def _abbr(rng: random.Random, c: Client) -> str:
    letters = "".join(ascii_letters(w)[:1] for w in c.name.split() if ascii_letters(w))
    return (letters.upper() + "XX")[:3] + f"{rng.randint(1, 99):02d}"


def _numbered(rng: random.Random, c: Client) -> str:
    return f"{rng.randint(100, 9999)} {c.name}"


def _coded(rng: random.Random, c: Client) -> str:
    return f"{_abbr(rng, c)} - {c.name}"


def _bracketed(rng: random.Random, c: Client) -> str:
    return f"{c.name} [{_abbr(rng, c)}]"


Style = Callable[[random.Random, Client], str]
E001_STYLES: list[Style] = [
    _numbered,
    _coded,
    lambda rng, c: f"zz {c.name}",
    lambda rng, c: f"{c.name} - DO NOT USE",
    lambda rng, c: f"{c.name} (old)",
    lambda rng, c: f"xx {c.name}",
    _bracketed,
]
E002_STYLES: list[Style] = [_numbered, _coded, _bracketed]


def inject(p: Practice, n: int) -> None:
    for i, c in enumerate(p.pick(n, "C12.E001", organisation)):
        c.name = E001_STYLES[i % len(E001_STYLES)](p.rng, c)
        c.ignition = c.proposals = False
        p.label("C12.E001", "xpm_clients", [c], c.name)
    for i, c in enumerate(p.pick(n, "C12.E002", organisation)):
        c.xero_name = c.name
        c.name = E002_STYLES[i % len(E002_STYLES)](p.rng, c)
        c.ignition = c.proposals = c.invoices = False
        p.label("C12.E001", "xpm_clients", [c], c.name)
        p.label("C12.E002", "xpm_clients", [c], c.name)
