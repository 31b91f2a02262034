"""Files in, findings out: ``check_files`` loads every input and runs the rules. It is the pure
part of a run, shared by the worker (``execution.py``) and ``manage.py validate``, so the wizard
and the command can never disagree about a file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from audits.kinds import KINDS
from audits.loading import LoadLimits, load_bytes
from audits.models import Upload, ValidationRun
from audits.validators import registry
from audits.validators.base import Context, Rule, RunResult, Table, run_rules

LOAD_SHARE = 30  # percent of the progress bar given to reading the files


class InputError(ValueError):
    """The inputs cannot be checked together (e.g. two files of the same kind)."""


@dataclass(frozen=True)
class InputFile:
    name: str
    data: bytes
    kind: str | None = None
    mapping: dict[str, str] | None = None
    accept_bad_rows: bool = False


@dataclass(frozen=True)
class LoadedFile:
    path: str
    kind: str
    rows: int
    sha256: str
    columns: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "rows": self.rows,
            "sha256": self.sha256,
            "columns": dict(self.columns),
        }


@dataclass
class Checked:
    files: list[LoadedFile]
    result: RunResult
    load_seconds: float = 0.0
    tables: dict[str, Table] = field(default_factory=dict, repr=False)


Progress = Callable[[int, str], None]  # (percent, note)


def settings_limits() -> LoadLimits:
    """The deployment's upload limits (LIFTOFF_UPLOAD_MAX_BYTES / _ROWS / _COLUMNS)."""
    return LoadLimits(
        max_bytes=settings.LIFTOFF_UPLOAD_MAX_BYTES,
        max_rows=settings.LIFTOFF_UPLOAD_MAX_ROWS,
        max_columns=settings.LIFTOFF_UPLOAD_MAX_COLUMNS,
    )


def check_files(
    inputs: list[InputFile],
    *,
    items: Iterable[int] | None = None,
    state_map: dict[str, str] | None = None,
    date_order: str = "dmy",
    country: str = "AU",
    progress: Progress | None = None,
    rules: Sequence[Rule] | None = None,
    limits=None,
) -> Checked:
    """Load every file, then run the rules of ``items`` (all when None). Raises ``LoadError`` for a
    file that cannot be used and ``InputError`` for two files of one kind. ``country`` is the
    practice's (``Context.country``): identifiers are checked as that country's.

    ``inputs`` is emptied as the files are read: each file's bytes are let go once its table is
    built, so they are not held through the rules (a sixth of the peak memory at 100,000
    clients)."""
    limits = limits or settings_limits()
    started = time.perf_counter()
    tables, loaded = _load_all(inputs, date_order, progress, limits)
    load_seconds = time.perf_counter() - started

    if rules is None:
        rules = registry.REGISTRY.for_items(None if items is None else list(items))
    ctx = Context(tables=tables, state_map=dict(state_map or {}), country=country)

    def on_rule(done: int, total: int, code: str) -> None:
        if progress:
            progress(LOAD_SHARE + round((100 - LOAD_SHARE - 1) * done / max(total, 1)), code)

    result = run_rules(rules, ctx, on_rule)
    return Checked(files=loaded, result=result, load_seconds=load_seconds, tables=tables)


def _load_all(inputs: list[InputFile], date_order: str, progress, limits):
    """Each input read into its table (the list emptied as it goes, see ``check_files``)."""
    tables: dict[str, Table] = {}
    loaded: list[LoadedFile] = []
    total = len(inputs)
    for index in range(total):
        item = inputs.pop(0)
        if progress:
            progress(round(LOAD_SHARE * index / max(total, 1)), f"Reading {item.name}")
        result = load_bytes(
            item.data,
            item.name,
            kind=item.kind or None,
            mapping=item.mapping or None,
            date_order=date_order,
            accept_bad_rows=item.accept_bad_rows,
            limits=limits,
        )
        table = result.table
        if table.kind in tables:
            raise InputError(
                f"{tables[table.kind].file} and {item.name} are both {KINDS[table.kind].label} "
                "exports; give one file of each kind."
            )
        tables[table.kind] = table
        loaded.append(
            LoadedFile(
                path=item.name,
                kind=table.kind,
                rows=len(table.df),
                sha256=hashlib.sha256(item.data).hexdigest(),
                columns=dict(table.columns),
            )
        )
        del item, result
    return tables, loaded


def inputs_for(run: ValidationRun) -> list[InputFile]:
    return inputs_for_uploads(run.uploads.select_related("stored_file").order_by("kind", "pk"))


def inputs_for_uploads(uploads: Iterable[Upload]) -> list[InputFile]:
    inputs = []
    for upload in uploads:
        with upload.stored_file.blob.open("rb") as fh:
            data = fh.read()
        inputs.append(
            InputFile(
                name=upload.original_name,
                data=data,
                kind=upload.kind or None,
                mapping=upload.columns or None,
                # The upload is "accepted": the person already accepted any unreadable rows.
                accept_bad_rows=True,
            )
        )
    return inputs
