"""Step 3: individual clients are named "First Last" in XPM.

One finding per client row, the most specific code that applies (E002, then E001, W003, W004);
every finding suggests the "First Last" spelling. Individuals are read as the spec says
(``names.individual_mask``). C03.E002 compares the name with the name fields only after undoing
the other patterns (swap "Last, First", drop a title, fix case and spaces), and allows middle names
and initials between first and last: step 13 suggests a middle initial to tell namesakes apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from audits.validators.base import Context, Finding, Rule
from audits.validators.names import (
    TITLE_RE,
    each_distinct,
    individual_mask,
    matches_fields,
    parse_individual,
    proper_case,
)

WHERE = "XPM → Clients → (the client) → Edit Client (Name, First Name, Last Name)"


def classify(name: str, first: str, last: str) -> tuple[str, str] | None:
    """(code, suggested "First Last") for an individual's name, or None when it is fine."""
    parsed = parse_individual(name)
    undone = parsed.first_last
    if first.strip() and last.strip() and not matches_fields(undone, first, last):
        return "C03.E002", proper_case(f"{first.strip()} {last.strip()}")
    if parsed.last_comma_first:
        return "C03.E001", undone
    if parsed.title:
        return "C03.W003", undone
    if parsed.badly_cased or parsed.stray_spaces:
        return "C03.W004", undone
    return None


_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # letters, inner - or '


def plainly_fine(name: str, first: str, last: str) -> bool:
    """A name ``classify`` is sure to pass, told without parsing it: exactly the name fields
    (trimmed) with one space between, and every word letters (with inner hyphens or apostrophes)
    in mixed case ("McDonald", "King-Walker"), which ``proper_case`` keeps as typed, and no title.
    """
    if name != f"{first.strip()} {last.strip()}":
        return False
    return all(
        _NAME_WORD_RE.fullmatch(word)
        and not (word.isupper() or word.islower())
        and not TITLE_RE.match(f"{word} ")
        for word in name.split(" ")
    )


def distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Rows of aligned columns as (codes, distinct rows): each row's index into the distinct
    value tuples, found by factorizing each column and then the combined codes."""
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        column_codes, uniques = pd.factorize(column)
        codes, _ = pd.factorize(codes * (len(uniques) + 1) + column_codes)
    first = np.unique(codes, return_index=True)[1]  # a row of each code, in code order
    return codes, list(zip(*(column[first] for column in columns), strict=True))


def classified(ctx: Context) -> pd.DataFrame:
    """Rows (index, code, suggestion) of individuals whose name breaks a rule of step 3."""

    def compute() -> pd.DataFrame:
        t = ctx.table("xpm_clients")
        name, first, last = t.col("name"), t.col("first_name"), t.col("last_name")
        structure = t.col("business_structure") if t.has("business_structure") else None
        people = individual_mask(name, first, last, structure).to_numpy(dtype=bool)
        people = people & (each_distinct(name, str.strip).to_numpy(dtype=object) != "")
        positions = np.flatnonzero(people)
        columns = (c.to_numpy(dtype=object)[positions] for c in (name, first, last))
        codes, keys = distinct_rows(*columns)
        verdicts = [None if plainly_fine(*key) else classify(*key) for key in keys]
        out = [
            (t.df.index[position], *verdicts[code])
            for position, code in zip(positions.tolist(), codes.tolist(), strict=True)
            if verdicts[code] is not None
        ]
        return pd.DataFrame(out, columns=["index", "code", "suggestion"])

    return ctx.memo("client_names.classified", compute)


MESSAGES = {
    "C03.E001": 'The individual "{name}" is written "Last, First".',
    "C03.E002": 'The individual "{name}" does not match their first and last name fields '
    '("{expected}").',
    "C03.W003": 'The individual "{name}" has a title or salutation in the name.',
    "C03.W004": 'The individual "{name}" is in capitals, in lower case, or has stray spaces.',
}
HINTS = {
    "C03.E001": 'Rename the client "{suggestion}" in {where}. Ignition and Xero match clients by '
    'the name as typed, so the same person must be "First Last" everywhere.',
    "C03.E002": 'Make the name and the name fields agree, e.g. "{suggestion}", in {where}; if the '
    "name is right (a new surname), correct the First Name and Last Name fields instead.",
    "C03.W003": 'Rename the client "{suggestion}" in {where}, and keep the title in the '
    "salutation field: Ignition and Xero would carry it into the name they match on.",
    "C03.W004": 'Rename the client "{suggestion}" in {where}; the name travels to Ignition, Xero '
    "and every proposal exactly as typed.",
}


class _NameRule(Rule):
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        found = classified(ctx)
        names, first, last = t.col("name"), t.col("first_name"), t.col("last_name")
        for index, suggestion in found.loc[
            found["code"] == self.code, ["index", "suggestion"]
        ].itertuples(index=False):
            name = names[index]
            expected = f"{first[index].strip()} {last[index].strip()}".strip()
            yield self.finding(
                MESSAGES[self.code].format(name=name, expected=expected),
                hint=HINTS[self.code].format(suggestion=suggestion, where=WHERE),
                **t.at(index, "name"),
                value=name,
                suggestion=suggestion,
            )


class LastCommaFirst(_NameRule):
    code = "C03.E001"
    title = 'Individual written "Last, First"'


class NameFieldsDiffer(_NameRule):
    code = "C03.E002"
    title = "Name differs from first and last name fields"


class TitleInName(_NameRule):
    code = "C03.W003"
    title = "Title or salutation in the name"


class CapitalsOrSpaces(_NameRule):
    code = "C03.W004"
    title = "Capitals, lower case or stray spaces"


RULES: tuple[Rule, ...] = (LastCommaFirst(), NameFieldsDiffer(), TitleInName(), CapitalsOrSpaces())
