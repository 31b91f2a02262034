"""Running one rule module on hand-built tables, for the per-rule tests."""

from __future__ import annotations

from audits.validators.base import Finding, Registry, run_rules
from tests.audits.validators.tables import make_context


def findings(
    module, code: str | None = None, state_map=None, country: str = "AU", **tables
) -> list[Finding]:
    context = make_context(state_map=state_map, country=country, **tables)
    result = run_rules(Registry(module.RULES), context)
    found = [f for f in result.findings if f.code != "C00.I001"]
    return [f for f in found if code is None or f.code == code]
