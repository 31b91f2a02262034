"""The building blocks of every validator: findings, input tables, rules, the registry and the runner.

A finding copies the shape of a Django system-check message (level, message, hint, id) plus the
place in the user's file (see ``docs/findings.md``). Rules are small classes with a stable
code; the runner loops over them, and a rule that crashes becomes a ``C00.E999`` finding instead
of hiding the others' results (pretix's check registry works the same way).
"""

from __future__ import annotations

import re
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from audits.severity import Severity

ROW = "_row"  # column holding each record's spreadsheet row number (header row = 1)
CODE_RE = re.compile(r"^C(\d{2})\.([EWI])(\d{3})$")


_LETTER_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}


def fold(value: str) -> str:
    """A light, stable normalisation for matching findings across runs (not the name rules)."""
    value = unicodedata.normalize("NFKC", str(value or ""))
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class Related:
    """Another place the finding is about: a file, its rows, and the value there when it differs
    from the finding's own (e.g. the Xero spelling of a near-matching XPM client)."""

    file: str
    rows: tuple[int, ...] = ()
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        found = {"file": self.file, "rows": list(self.rows)}
        return {**found, "value": self.value} if self.value else found


@dataclass(frozen=True)
class Finding:
    code: str
    item: int
    severity: Severity
    message: str
    hint: str = ""
    file: str = ""
    rows: tuple[int, ...] = ()
    column: str = ""
    value: str = ""
    suggestion: str = ""
    related: tuple[Related, ...] = ()
    # Why a record-linkage finding says what it says (C05/C13): per pair of records, which fields
    # agreed, which differed and how strongly (``linkage.evidence``; docs/findings.md).
    evidence: dict | None = field(default=None, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Rows are sorted and unique by contract; normalise here so no rule can get it wrong.
        object.__setattr__(self, "rows", tuple(sorted({int(r) for r in self.rows})))
        object.__setattr__(self, "severity", Severity(self.severity))

    @property
    def match_key(self) -> str:
        """Identity across re-runs: code + normalised value, never row numbers (rows move)."""
        return f"{self.code}|{fold(self.value)}"

    @property
    def sort_key(self) -> tuple:
        return (
            self.item,
            self.severity.rank,
            self.code,
            self.file,
            self.rows,
            self.value,
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["rows"] = list(self.rows)
        data["related"] = [r.to_dict() for r in self.related]
        if not self.evidence:
            del data["evidence"]
        return data


@dataclass(frozen=True)
class Table:
    """One loaded export: canonical-field columns (all text, "" when blank) plus ``_row``."""

    kind: str
    df: pd.DataFrame
    file: str
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> header as in file

    def header(self, field_name: str) -> str:
        """The column name the user sees in their own file, for a finding's ``column``."""
        return self.columns.get(field_name, field_name)

    def has(self, field_name: str) -> bool:
        return field_name in self.df.columns

    def col(self, field_name: str) -> pd.Series:
        """A canonical column as text; an absent optional field reads as all blank."""
        if field_name in self.df.columns:
            return self.df[field_name].fillna("").astype(str)
        return pd.Series([""] * len(self.df), index=self.df.index, dtype=object)

    @property
    def rows(self) -> pd.Series:
        return self.df[ROW]

    def at(self, index: Any, field_name: str) -> dict[str, Any]:
        """Where a finding about one cell points (file, row number as the user counts it,
        column header as in their file), for ``Rule.finding(..., **table.at(index, field))``."""
        return {
            "file": self.file,
            "rows": (int(self.rows[index]),),
            "column": self.header(field_name),
        }


@dataclass
class Context:
    """Everything a rule may read. ``memo`` shares expensive work (e.g. clustering) between rules."""

    tables: dict[str, Table]
    state_map: dict[str, str] = field(default_factory=dict)  # folded state name -> state type
    # The practice's country (ISO 3166 alpha-2): tax and phone numbers are checked as its own.
    country: str = "AU"
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def table(self, kind: str) -> Table | None:
        return self.tables.get(kind)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


class Rule:
    """One rule code. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    title: ClassVar[str]
    needs: ClassVar[tuple[str, ...]] = ()  # export kinds without which the rule cannot run
    uses: ClassVar[tuple[str, ...]] = ()  # export kinds it reads when present

    @property
    def item(self) -> int:
        return int(CODE_RE.match(self.code).group(1))

    @property
    def severity(self) -> Severity:
        return _LETTER_SEVERITY[CODE_RE.match(self.code).group(2)]

    def missing(self, ctx: Context) -> tuple[str, ...]:
        return tuple(k for k in self.needs if k not in ctx.tables)

    def finding(self, message: str, **kwargs: Any) -> Finding:
        """A finding of this rule's code, item and severity."""
        return Finding(
            code=self.code, item=self.item, severity=self.severity, message=message, **kwargs
        )

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError


class DuplicateRuleError(ValueError):
    pass


class Registry:
    """An ordered set of rules that refuses the same code twice."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            self.register(rule)

    def register(self, rule: Rule) -> Rule:
        if not CODE_RE.match(rule.code):
            raise ValueError(f"Rule code {rule.code!r} is not of the form C<nn>.<E|W|I><nnn>.")
        if rule.code in self._rules:
            raise DuplicateRuleError(f"Rule code {rule.code} is registered twice.")
        self._rules[rule.code] = rule
        return rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def get(self, code: str) -> Rule:
        return self._rules[code]

    def for_items(self, items: Iterable[int] | None) -> list[Rule]:
        if items is None:
            return list(self)
        wanted = set(items)
        return [r for r in self if r.item in wanted]


@dataclass
class RunResult:
    findings: list[Finding]
    timings: dict[str, float]  # rule code -> seconds
    not_checked: dict[int, tuple[str, ...]]  # item -> missing export kinds

    def summary(self) -> dict[str, Any]:
        return summarise(self.findings)


def per_distinct(values, function, dtype=object) -> np.ndarray:
    """``function`` of each cell of a text column (``function("")`` for a missing cell, a cell
    that is not text read as its ``str``), once per distinct value and spread back by one take:
    exports repeat their values heavily."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    done = [function(u if isinstance(u, str) else str(u)) for u in uniques]
    return np.array([*done, function("")], dtype=dtype)[codes]


def contains(values, pattern: re.Pattern) -> np.ndarray:
    """Which cells of a text column ``pattern`` is found in (like ``str.contains``)."""
    return per_distinct(values, lambda text: pattern.search(text) is not None, bool)


def is_in(values: np.ndarray, wanted: set) -> np.ndarray:
    """Which of ``values`` are in ``wanted``, by one set lookup each."""
    return np.fromiter(map(wanted.__contains__, values), dtype=bool, count=len(values))


def trimmed_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A text column trimmed, as (codes, distinct values): each cell's index into the distinct
    non-blank trimmed values, in order of first appearance, and -1 for a blank cell. Each
    distinct cell is trimmed once."""
    codes, uniques = pd.factorize(values)
    trimmed = [u.strip() for u in uniques]
    if trimmed == uniques.tolist() and "" not in trimmed:
        return codes, uniques  # nothing to trim (str.strip returns such a value itself)
    # One entry per distinct cell, and a last one (None) that a missing cell's code -1 picks.
    blank_as_none = np.array([u or None for u in trimmed] + [None], dtype=object)
    recoded, distinct = pd.factorize(blank_as_none)  # None (blank) becomes -1
    return recoded[codes], distinct


def rows_for_codes(
    codes: np.ndarray, values, rows: np.ndarray, wanted: np.ndarray
) -> dict[str, list[int]]:
    """``values[code]`` -> the ``rows`` whose code is one of ``wanted``, in their order: the rows
    of the few values a rule reports, never a group for every value of a large export."""
    hit = np.flatnonzero(np.isin(codes, wanted))
    found: dict[str, list[int]] = {}
    for code, row in zip(codes[hit].tolist(), rows[hit].tolist(), strict=True):
        found.setdefault(values[code], []).append(row)
    return found


def rows_by_value(values: pd.Series, rows: pd.Series) -> dict[str, list[int]]:
    """Value as typed -> the spreadsheet rows holding it, in row order, for the non-blank values
    in first-row order (one sort of the codes, not a group per value)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    start = np.searchsorted(ordered, 0)  # missing cells (code -1) sort first and are left out
    sorted_rows = rows.to_numpy()[order].tolist()
    bounds = (np.flatnonzero(np.diff(ordered[start:])) + 1 + start).tolist()
    starts, ends = [start, *bounds], [*bounds, len(ordered)]
    return {
        name: sorted_rows[a:b]
        for name, a, b in zip(uniques, starts, ends, strict=False)
        if str(name).strip()  # factorize leaves missing cells out of uniques
    }


def summarise(findings: Iterable[Finding]) -> dict[str, Any]:
    totals = {"error": 0, "warning": 0, "info": 0}
    by_item: dict[str, dict[str, int]] = {}
    for f in findings:
        totals[f.severity.value] += 1
        bucket = by_item.setdefault(str(f.item), {"error": 0, "warning": 0, "info": 0})
        bucket[f.severity.value] += 1
    return {**totals, "by_item": dict(sorted(by_item.items(), key=lambda kv: int(kv[0])))}


def crash_finding(rule: Rule, ctx: Context, exc: BaseException) -> Finding:
    files = ", ".join(ctx.tables[k].file for k in (*rule.needs, *rule.uses) if k in ctx.tables)
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    detail = f"{type(exc).__name__}: {exc}"
    if where:
        detail += f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
    return Finding(
        code="C00.E999",
        item=rule.item,
        severity=Severity.ERROR,
        message=f"Rule {rule.code} ({rule.title}) could not check {files or 'the files'}.",
        hint=f"The other rules still ran. Please report this to the Liftoff team: {detail}",
        file=files.split(", ")[0] if files else "",
        value=rule.code,
    )


def not_checked_finding(item: int, missing: tuple[str, ...]) -> Finding:
    from audits.kinds import KINDS  # local: keeps base importable on its own

    labels = ", ".join(KINDS[k].label if k in KINDS else k for k in missing)
    return Finding(
        code="C00.I001",
        item=item,
        severity=Severity.INFO,
        message=f"Some checks of step {item} did not run: they need {labels}.",
        hint="Upload the missing export(s) to check this step. Not checked is not passed.",
        value=",".join(missing),
    )


def run_rules(
    rules: Iterable[Rule],
    ctx: Context,
    progress: Callable[[int, int, str], None] | None = None,
) -> RunResult:
    """Run each rule; a crash becomes C00.E999; missing inputs become one C00.I001 per item."""
    rules = list(rules)
    findings: list[Finding] = []
    timings: dict[str, float] = {}
    not_checked: dict[int, set[str]] = {}
    for index, rule in enumerate(rules):
        missing = rule.missing(ctx)
        if missing:
            not_checked.setdefault(rule.item, set()).update(missing)
        else:
            started = time.perf_counter()
            try:
                findings.extend(rule.check(ctx))
            except Exception as exc:  # one bad rule never hides the others' results
                findings.append(crash_finding(rule, ctx, exc))
            timings[rule.code] = time.perf_counter() - started
        if progress:
            progress(index + 1, len(rules), rule.code)
    for item, missing in not_checked.items():
        findings.append(not_checked_finding(item, tuple(sorted(missing))))
    findings.sort(key=lambda f: f.sort_key)
    return RunResult(
        findings=findings,
        timings=timings,
        not_checked={k: tuple(sorted(v)) for k, v in sorted(not_checked.items())},
    )
