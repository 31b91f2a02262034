"""A sheet before field matching (``Grid``), and the frame helpers the CSV and Excel readers share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from audits.loading.errors import LoadError


@dataclass
class Grid:
    """A sheet before field matching: positional columns 0..n-1 of text, one row per data row."""

    format: str
    encoding: str
    delimiter: str
    header_row: int
    headers: list[str]
    df: pd.DataFrame  # non-blank, readable data rows only
    rows: np.ndarray  # spreadsheet row number of each df row
    bad: list[tuple[int, str]]  # rows that could not be read
    col_offset: int = 0  # Excel: index of the sheet column that positional column 0 is


def is_blank(rec: list[str]) -> bool:
    return all(not str(c).strip() for c in rec)


def empty_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series([], dtype=str) for i in range(n)})


def nonblank_mask(df: pd.DataFrame) -> np.ndarray:
    """Rows with at least one visible cell (whitespace-only cells count as blank)."""
    visible = np.zeros(len(df), dtype=bool)
    for col in df.columns:
        # Only rows not yet known to be visible are looked at: usually column A settles almost
        # every row, so the per-cell isspace runs once over the file, not once per column.
        todo = np.flatnonzero(~visible)
        if not len(todo):
            break
        values = df[col].iloc[todo]
        filled = values.ne("").to_numpy()
        if filled.any():
            shown = filled.copy()
            shown[filled] = ~values[filled].str.isspace().to_numpy(dtype=bool)
            visible[todo[shown]] = True
    return visible


def no_data_rows(filename: str, grid: Grid) -> LoadError:
    return LoadError(
        "no_data_rows",
        f"{filename} has no data rows.",
        {"headers": grid.headers, "header_row": grid.header_row, "skipped": list(grid.bad)},
    )
