"""The per-distinct-value helpers of audits/validators/base.py on cells the loader never makes
(numbers, missing cells), as a rule's own hand-built frame may hold them."""

import pandas as pd

from audits.validators.base import rows_by_value
from audits.validators.linkage.prepare import prepare


def test_rows_by_value_groups_rows_and_leaves_out_blank_and_missing_cells():
    values = pd.Series(["A", 1001, "A", " ", None], dtype=object)
    rows = pd.Series([2, 3, 4, 5, 6])
    assert rows_by_value(values, rows) == {"A": [2, 4], 1001: [3]}


def test_prepare_reads_a_cell_that_is_not_text_as_its_text():
    prepared = prepare(pd.DataFrame({"name": ["Ann Lee", "Ann Lee"], "postcode": [2000, "2000"]}))
    assert prepared.column("postcode").tolist() == ["2000", "2000"]
