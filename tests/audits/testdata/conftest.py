"""Generated practices shared by the generator's tests (each generated once per test session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audits.testdata import generate
from tests.audits.testdata.helpers import read_all


@pytest.fixture(
    scope="package",
    params=[
        ("default", 1000, 1),
        ("heavy", 1000, 2),
        ("default", 200, 11),
        ("heavy", 3000, 12),
        ("heavy", 50, 5),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}-seed{p[2]}",
)
def default_1000(request, tmp_path_factory) -> Path:
    """Practices with problems (default and heavy, small and larger): the oracle runs on each."""
    problems, clients, seed = request.param
    out = tmp_path_factory.mktemp(problems)
    generate(out, clients=clients, seed=seed, problems=problems)
    return out


@pytest.fixture(scope="package")
def clean_1000(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("none")
    generate(out, clients=1000, seed=3, problems="none")
    return out


@pytest.fixture(scope="package")
def default_tables(default_1000):
    return read_all(default_1000)


@pytest.fixture(scope="package")
def clean_tables(clean_1000):
    return read_all(clean_1000)
