"""What the loader hands back: a header preview, a kind detection, or a loaded table and report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from audits.validators.base import Table


@dataclass
class HeaderPreview:
    format: str  # "csv" | "xlsx" | "xls"
    encoding: str  # "" for Excel
    delimiter: str  # "" for Excel
    header_row: int  # 1-based spreadsheet row
    headers: list[str]
    preview: list[list[str]]  # the first few non-blank data rows, as text


@dataclass
class DetectResult:
    kind: str | None  # None on a tie or when nothing matches
    candidates: list[tuple[str, int, tuple[str, ...]]]  # (kind, matched fields, missing required)


@dataclass
class LoadReport:
    format: str
    encoding: str
    delimiter: str
    header_row: int
    title_rows_skipped: int  # rows above the header row (title lines and blank rows)
    columns: dict[str, str]  # canonical field -> header as in the file
    extra_columns: list[str]  # headers kept in the file but not loaded
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    value_issues: list[tuple[int, str, str, str]] = field(default_factory=list)
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadResult:
    table: Table
    report: LoadReport


def delimiter_name(delimiter: str) -> str:
    """How a delimiter is shown in previews and reports: a tab is "tab"."""
    return "tab" if delimiter == "\t" else delimiter
