"""Who can be a victim: predicates for ``Practice.pick`` shared by the injectors."""

from __future__ import annotations

from audits.testdata.records import Client


def anyone(c: Client) -> bool:
    return True


def individual(c: Client) -> bool:
    return c.kind == "individual"


def organisation(c: Client) -> bool:
    return c.kind != "individual"


def with_proposals(c: Client) -> bool:
    """An Ignition client with proposals (and so PROP-… references on its jobs and invoices)."""
    return c.ignition and c.proposals


def without_tax_planning(c: Client) -> bool:
    """An Ignition client with proposals that has no tax planning service of its own."""
    return with_proposals(c) and "tax_planning" not in c.services
