"""docs/ is the domain spec in the repository: these tests keep the code and the docs in step."""

from __future__ import annotations

import re

import pytest

from audits.kinds import KINDS
from audits.validators.base import DuplicateRuleError, Registry, Rule
from audits.validators.registry import REGISTRY
from tests.docs import DOCS, documented_codes


def documented_kinds() -> dict[str, list[tuple[str, bool]]]:
    """kind -> [(field, required)] from the per-kind tables of docs/exports.md."""
    kinds: dict[str, list[tuple[str, bool]]] = {}
    fields: list[tuple[str, bool]] = []
    for line in (DOCS / "exports.md").read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"^### `([a-z_]+)`", line):
            fields = kinds.setdefault(heading.group(1), [])
        elif row := re.match(r"^\| `([a-z_]+)` \| (\*\*yes\*\*|no) \|", line):
            fields.append((row.group(1), row.group(2) == "**yes**"))
    return kinds


def test_it_documents_exactly_the_registered_rule_codes():
    implemented, _planned = documented_codes()
    assert sorted(rule.code for rule in REGISTRY) == sorted(implemented)


def test_it_registers_no_planned_code():
    _implemented, planned = documented_codes()
    assert {code for code in planned if code in REGISTRY} == set()


def test_it_refuses_a_duplicate_rule_code():
    class First(Rule):
        code = "C03.E001"
        title = "first"

    class Second(Rule):
        code = "C03.E001"
        title = "second"

    with pytest.raises(DuplicateRuleError, match=r"C03\.E001 is registered twice"):
        Registry((First(), Second()))


def test_it_documents_exactly_the_export_kinds():
    assert sorted(documented_kinds()) == sorted(KINDS)


def test_it_documents_each_kinds_fields_and_which_are_required():
    documented = documented_kinds()
    for key, kind in KINDS.items():
        expected = [(f.name, f.required) for f in kind.fields]
        assert documented.get(key) == expected, key
