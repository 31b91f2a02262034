"""``LoadError`` and the refusals more than one reader raises, each in the user's words."""

from __future__ import annotations

from typing import Any

ACCEPTED = "CSV (comma, semicolon or tab separated) or Excel (.xlsx, .xls)"


class LoadError(Exception):
    """A file we refuse, with a stable ``code``, a message for the user and details for the UI."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def __repr__(self) -> str:
        return f"LoadError({self.code!r}, {self.message!r})"

    def __reduce__(self):  # survives pickling (Celery results, multiprocessing)
        return (type(self), (self.code, self.message, self.details))


def human_size(size: int) -> str:
    """1536 -> "1.5 KB"; the same wording as the screenshot uploads use."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def not_tabular(filename: str, what: str) -> LoadError:
    return LoadError(
        "not_tabular",
        f"{filename} is {what}, not a spreadsheet. Accepted: {ACCEPTED}.",
        {"detected": what, "accepted": ["csv", "xlsx", "xls"]},
    )


def empty(filename: str) -> LoadError:
    return LoadError("empty", f"{filename} has no data rows.", {"size": 0})


def unreadable(filename: str, row: int, reason: str) -> LoadError:
    return LoadError(
        "bad_rows",
        f"{filename} could not be read from row {row} on ({reason}). Check for an unclosed quote.",
        {"rows": [row], "reasons": {row: reason}},
    )
