"""What an upload may cost us, and the refusals when a file asks for more."""

from __future__ import annotations

from dataclasses import dataclass

from audits.loading.errors import LoadError, human_size

MiB = 1024 * 1024


@dataclass(frozen=True)
class LoadLimits:
    """What an upload may cost us. Defaults follow the spec (50 MB, 1,000,000 rows).

    ``max_columns`` bounds the header row (and any row read while looking for it): work on a
    header grows with its width, so a file of nothing but commas is refused before it is parsed.
    ``max_xlsx_uncompressed`` bounds the sum of the sizes an .xlsx's zip directory declares;
    ``max_xlsx_ratio`` bounds that sum relative to the file's own size. Real workbooks unpack to
    5-30x their size; zip bombs to thousands.
    """

    max_bytes: int = 50 * MiB
    max_rows: int = 1_000_000
    max_columns: int = 2_000
    max_xlsx_uncompressed: int = 512 * MiB
    max_xlsx_ratio: int = 100


def too_large(filename: str, size: int, limits: LoadLimits) -> LoadError:
    """The refusal of a file of ``size`` bytes over the limit (also said by uploads that are
    stored but never read)."""
    return LoadError(
        "too_large",
        f"{filename} is {human_size(size)}; the limit is {human_size(limits.max_bytes)}. "
        "Filter the export or split it into smaller files.",
        {"size": size, "limit": limits.max_bytes},
    )


def check_size(size: int, filename: str, limits: LoadLimits) -> None:
    """Refuse a file of ``size`` bytes over the limit, before anything reads it."""
    if size > limits.max_bytes:
        raise too_large(filename, size, limits)


def check_width(columns: int, row: int | None, filename: str, limits: LoadLimits) -> None:
    """Refuse a row (or, with ``row`` None, a sheet) of ``columns`` cells over the column limit,
    before pandas sees the file."""
    if columns > limits.max_columns:
        where = f" in row {row}" if row else ""
        raise LoadError(
            "too_many_columns",
            f"{filename} has {columns:,} columns{where}; the limit is "
            f"{limits.max_columns:,}. Export only the columns you need, or delete the empty "
            "ones, and upload it again.",
            {"columns": columns, "row": row, "limit": limits.max_columns},
        )


def too_many_rows(filename: str, rows: int, limits: LoadLimits) -> LoadError:
    return LoadError(
        "too_many_rows",
        f"{filename} has {rows:,} data rows; the limit is {limits.max_rows:,}. "
        "Split it into smaller files or filter the export.",
        {"rows": rows, "limit": limits.max_rows},
    )
