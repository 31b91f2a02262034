"""Step 13 takes XPM's clients from step 5's preparation instead of preparing them again: what
it compares must be exactly what preparing its own frame would give."""

import numpy as np

from audits.loading import load_path
from audits.testdata import FILES, generate
from audits.validators import name_parity
from audits.validators.base import Context
from audits.validators.linkage.prepare import FIELDS, prepare


def test_step_13_xpm_side_equals_its_own_preparation(tmp_path):
    generate(tmp_path, clients=400, seed=11, noise="realistic")
    tables = {kind: load_path(tmp_path / name).table for kind, name in FILES.items()}
    ctx = Context(tables=tables)
    frame, _rows, shared = name_parity._records(ctx, "xpm_clients")
    coded = frame["name"] != frame["typed"]
    assert coded.any(), "the practice should have names with internal codes"
    own = prepare(frame)
    assert shared.n == own.n == len(frame)
    for name in FIELDS:
        assert shared.column(name).tolist() == own.column(name).tolist(), name
    assert np.array_equal(shared.person, own.person)
