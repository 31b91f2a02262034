"""The validators, run on the generator's practice, find what its labels say: nothing less, nothing
more (precision and recall ≥ 0.95 for every data rule), and nothing at all on a clean practice."""

import json

import pytest

from audits.loading import load_path
from audits.testdata import DATA_RULE_CODES, generate
from audits.testdata.scoring import format_scores, score
from audits.validators.base import Context, run_rules
from audits.validators.registry import REGISTRY

TARGET = 0.95


def _validate(directory):
    doc = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    tables = {}
    for kind, name in doc["files"].items():
        result = load_path(directory / name)  # the kind is detected, as in the wizard
        assert result.table.kind == kind, f"{name} detected as {result.table.kind}"
        tables[kind] = result.table
    return doc, run_rules(REGISTRY, Context(tables=tables))


@pytest.fixture(scope="module")
def default_practice(tmp_path_factory):
    directory = tmp_path_factory.mktemp("default")
    generate(directory, clients=1000, seed=11, problems="default")
    return _validate(directory)


@pytest.mark.parametrize("code", DATA_RULE_CODES)
def test_it_finds_what_the_labels_say(default_practice, code):
    doc, result = default_practice
    scores = score(doc["labels"], result.findings)
    assert code in scores and scores[code].labels > 0, f"no labels for {code}"
    s = scores[code]
    assert s.recall >= TARGET and s.precision >= TARGET, format_scores({code: s})


def test_it_reports_no_rule_that_the_labels_do_not_know(default_practice):
    doc, result = default_practice
    unexpected = {f.code for f in result.findings} - set(doc["labels"]) - {"C00.I001"}
    assert not unexpected, [f for f in result.findings if f.code in unexpected][:5]


def test_it_finds_nothing_on_a_clean_practice(tmp_path):
    generate(tmp_path, clients=400, seed=5, problems="none")
    _, result = _validate(tmp_path)
    assert [f.to_dict() for f in result.findings if f.code != "C00.I001"][:10] == []


@pytest.fixture(scope="module")
def realistic_practice(tmp_path_factory):
    directory = tmp_path_factory.mktemp("realistic")
    generate(directory, clients=1000, seed=17, problems="default", noise="realistic")
    return _validate(directory)


@pytest.mark.parametrize("code", DATA_RULE_CODES)
def test_every_rule_fires_on_a_realistic_practice(realistic_practice, code):
    """With a quarter of the Xero contacts typed as people type, every rule still finds what it
    planted (C13.E001 most of all: those contacts are its labels)."""
    doc, result = realistic_practice
    s = score(doc["labels"], result.findings)[code]
    assert s.matched_labels > 0, format_scores({code: s})


def test_step_13_pairs_the_realistic_contacts(realistic_practice):
    doc, result = realistic_practice
    s = score(doc["labels"], result.findings)["C13.E001"]
    assert s.labels > 200
    assert s.recall >= 0.95 and s.precision >= 0.99, format_scores({"C13.E001": s})
