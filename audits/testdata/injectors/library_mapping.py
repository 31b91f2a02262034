"""Step 8 (library mapping): problems in the Ignition service library.

C08.E001 recurring service with blank XPM Job Template ("Quarterly management reporting" …).
         ignition_services row; value = service name.
C08.E002 service mapped to a template not in the templates export. row; value = that template name.
C08.W003 one-off service with no template. row; value = service name.

Default takes the first of each list, heavy all three. Nothing here draws from the random source.
"""

from __future__ import annotations

from audits.testdata.practice import Practice
from audits.testdata.records import money

BAD_SERVICES_E001 = [
    ("Quarterly management reporting", "Advisory", "Recurring", "Quarterly", 1200),
    ("Cloud accounting support", "Bookkeeping", "Recurring", "Monthly", 150),
    ("Budget and cashflow forecast", "Advisory", "Recurring", "Annually", 1800),
]
BAD_SERVICES_E002 = [
    ("SMSF annual compliance", "Compliance", "Recurring", "Annually", 2200, "SMSF Compliance"),
    (
        "Annual accounts (legacy)",
        "Compliance",
        "Recurring",
        "Annually",
        2900,
        "Annual Compliance 2019",
    ),
    ("BAS lodgement", "Tax", "Recurring", "Quarterly", 300, "BAS Quarterly"),
]
BAD_SERVICES_W003 = [
    ("Business plan review", "Advisory", "One-off", "Once", 1500),
    ("Company incorporation", "Compliance", "One-off", "Once", 900),
    ("Accounting system setup", "Advisory", "One-off", "Once", 1100),
]


def inject(rows: list[list[str]], k: int) -> dict[str, tuple[str, str]]:
    """Append ``k`` services of each problem to ``rows``; return service -> (code, label value)."""
    marks: dict[str, tuple[str, str]] = {}
    for s, cat, bill, freq, price in BAD_SERVICES_E001[:k]:
        rows.append([s, cat, bill, freq, money(price), ""])
        marks[s] = ("C08.E001", s)
    for s, cat, bill, freq, price, tpl in BAD_SERVICES_E002[:k]:
        rows.append([s, cat, bill, freq, money(price), tpl])
        marks[s] = ("C08.E002", tpl)
    for s, cat, bill, freq, price in BAD_SERVICES_W003[:k]:
        rows.append([s, cat, bill, freq, money(price), ""])
        marks[s] = ("C08.W003", s)
    return marks


def label(p: Practice, rows: list[list[str]], marks: dict[str, tuple[str, str]]) -> None:
    """Label the marked services at their rows in the (sorted) export."""
    for i, r in enumerate(rows):
        if r[0] in marks:
            code, value = marks[r[0]]
            p.label(code, "ignition_services", [i + 2], value)
