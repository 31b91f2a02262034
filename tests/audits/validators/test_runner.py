"""The runner: one crashing rule becomes C00.E999 and the others still report; missing inputs
become one C00.I001 "not checked" per step."""

from __future__ import annotations

from audits.validators import job_states, proposal_billing
from audits.validators.base import Registry, Rule, run_rules
from tests.audits.validators.tables import make_context

INVOICES = [
    {"contact": "Jane Smith", "invoice_number": "INV-1", "reference": "CLI-7"},
    {"contact": "Jane Smith", "invoice_number": "INV-2", "reference": ""},
]


class Exploding(Rule):
    code = "C09.E900"
    title = "A rule with a bug"
    needs = ("xero_invoices",)

    def check(self, ctx):
        raise KeyError("reference")


def test_it_reports_a_crashing_rule_and_keeps_the_others():
    rules = Registry((Exploding(), *proposal_billing.RULES))
    result = run_rules(rules, make_context(xero_invoices=INVOICES))
    codes = [f.code for f in result.findings]
    (crash,) = [f for f in result.findings if f.code == "C00.E999"]
    assert crash.value == "C09.E900"
    assert crash.file == "xero_invoices.csv"
    assert "KeyError" in crash.hint
    assert "C09.E001" in codes and "C09.W004" in codes


def test_it_reports_a_rule_without_its_inputs_as_not_checked():
    rules = Registry((*proposal_billing.RULES, *job_states.RULES))
    result = run_rules(rules, make_context(xero_invoices=INVOICES))
    infos = {f.item: f for f in result.findings if f.code == "C00.I001"}
    assert sorted(infos) == [9, 11]
    assert infos[9].value == "xpm_jobs"
    assert "did not run" in infos[9].message and "XPM jobs" in infos[9].message
    assert "C09.E001" in [f.code for f in result.findings]  # what could run, ran
    assert result.not_checked == {9: ("xpm_jobs",), 11: ("xpm_jobs",)}


def test_it_reports_each_step_not_checked_once():
    result = run_rules(Registry(job_states.RULES), make_context(xero_invoices=INVOICES))
    infos = [f for f in result.findings if f.code == "C00.I001"]
    assert [(f.item, f.value) for f in infos] == [(11, "xpm_jobs")]
