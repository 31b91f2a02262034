import re
from pathlib import Path

from audits.kinds import KINDS
from wizard.checklist import STEPS, StepKind

SPEC = Path(__file__).resolve().parents[2] / "docs" / "checklist.md"


def test_it_defines_fifteen_steps_in_order():
    assert [s.number for s in STEPS] == list(range(1, 16))


def test_it_uses_the_spec_keys():
    rows = re.findall(r"^\| (\d+) \| ([a-z-]+) \|", SPEC.read_text(), re.MULTILINE)
    assert [(int(n), key) for n, key in rows] == [(s.number, s.key) for s in STEPS]


def test_it_names_only_known_export_kinds():
    for step in STEPS:
        assert set(step.all_exports) <= set(KINDS), step.key


def test_it_gives_every_attestation_step_a_statement_and_a_place_to_look():
    for step in STEPS:
        if step.needs_attestation:
            assert step.attestation and step.where, step.key


def test_it_gives_every_data_step_exports():
    for step in STEPS:
        if step.kind == StepKind.DATA:
            assert step.exports, step.key
