"""Step 3: individual clients are named "First Last" in XPM.

One finding per client row, the most specific that applies; every finding suggests the "First
Last" spelling. Individuals are read as the spec says (``names.is_individual``).
"""

from __future__ import annotations

from collections.abc import Iterable

from audits.validators.base import Context, Finding, Rule, fold
from audits.validators.names import TITLE_RE, first_last, is_individual

WHERE = "XPM → Clients → (the client) → Edit client"


def _classify(name: str, first: str, last: str) -> str | None:
    """Which code a name earns, or None."""
    stripped = " ".join(name.split())
    undone = first_last(name, "", "")  # swap "Last, First", drop a title, fix case
    expected = f"{first.strip()} {last.strip()}".strip()
    if first.strip() and last.strip() and fold(undone) != fold(expected):
        return "C03.E002"
    if "," in name:
        return "C03.E001"
    if TITLE_RE.match(name):
        return "C03.W003"
    letters = [c for c in stripped if c.isalpha()]
    if letters and (stripped.isupper() or stripped.islower()):
        return "C03.W004"
    if name != stripped:
        return "C03.W004"
    return None


def classified(ctx: Context) -> list[tuple[int, str, str]]:
    """(index, code, suggestion) for every individual whose name breaks a rule of step 3."""

    def compute():
        t = ctx.table("xpm_clients")
        has_structure = t.has("business_structure")
        names, first, last = t.col("name"), t.col("first_name"), t.col("last_name")
        structure = t.col("business_structure")
        out = []
        for index in t.df.index:
            name = names[index]
            if not name.strip():
                continue
            if not is_individual(structure[index], name, first[index], last[index], has_structure):
                continue
            code = _classify(name, first[index], last[index])
            if code:
                out.append((index, code, first_last(name, first[index], last[index])))
        return out

    return ctx.memo("client_names", compute)


MESSAGES = {
    "C03.E001": 'The individual "{name}" is written "Last, First".',
    "C03.E002": 'The individual "{name}" does not match their first and last name fields '
    '("{expected}").',
    "C03.W003": 'The individual "{name}" has a title or salutation in the name.',
    "C03.W004": 'The individual "{name}" is in capitals, in lower case, or has stray spaces.',
}


class _NameRule(Rule):
    needs = ("xpm_clients",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        t = ctx.table("xpm_clients")
        for index, code, suggestion in classified(ctx):
            if code != self.code:
                continue
            name = t.col("name")[index]
            expected = f"{t.col('first_name')[index]} {t.col('last_name')[index]}".strip()
            yield self.finding(
                MESSAGES[code].format(name=name, expected=expected),
                hint=f'Rename the client "{suggestion}" in {WHERE}, so Ignition and Xero match '
                "the same person by name.",
                file=t.file,
                rows=(int(t.rows[index]),),
                column=t.header("name"),
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
