"""The record behind each row of a pulled table: its own id in XPM or Xero and a link to it.

A pull's canonical CSV (``audits.xero.pulling``) carries two columns after the kind's fields,
``record_id`` and ``record_url``; loading ignores them (no kind has such a field), so validators
read a pulled table exactly like an uploaded one. When a run stores its findings, each finding on
a pulled file gets the records of its rows (and of its related rows), so the findings page can
link to the record and a fix can later be sent back to exactly that record
(docs/connect.md, "Findings on pulled data").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from urllib.parse import urlparse

from audits.kinds import KINDS
from audits.models import Pull, ValidationRun

RECORD_ID, RECORD_URL = "record_id", "record_url"
RECORD_COLUMNS = (RECORD_ID, RECORD_URL)
PER_FINDING = 10  # records kept per finding (a duplicate cluster can span many rows)


def safe_url(value: str | None) -> str:
    """A link the page may offer: https with a host (never ``javascript:`` or plain http)."""
    value = (value or "").strip()
    found = urlparse(value)
    return value if found.scheme == "https" and found.netloc else ""


def rows_of(data: bytes) -> dict[int, tuple[str, str]]:
    """Spreadsheet row number (header = 1) -> (record id, link), from a pulled CSV."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(reader, [])
    if RECORD_ID not in header:
        return {}
    at_id = header.index(RECORD_ID)
    at_url = header.index(RECORD_URL) if RECORD_URL in header else None
    found = {}
    for row, values in enumerate(reader, start=2):
        record = values[at_id] if at_id < len(values) else ""
        link = values[at_url] if at_url is not None and at_url < len(values) else ""
        if record:
            found[row] = (record, safe_url(link))
    return found


class Links:
    """The records of the pulled files of one run, by file name and row."""

    def __init__(self, files: dict[str, tuple[str, dict[int, tuple[str, str]]]]):
        self.files = files  # file name -> (system, row -> (id, link))

    def __bool__(self) -> bool:
        return bool(self.files)

    def of(self, file: str, rows: Iterable[int], related: Iterable = ()) -> list[dict]:
        """The records of a finding's rows, then of its related rows: each record once (an
        invoice's lines are one invoice), at its first row, at most PER_FINDING."""
        places = [(file, rows), *((r.file, r.rows) for r in related)]
        found: dict[tuple[str, str], dict] = {}
        for name, at in places:
            system, records = self.files.get(name, ("", {}))
            for row in at:
                if row not in records or len(found) >= PER_FINDING:
                    continue
                record, link = records[row]
                found.setdefault(
                    (system, record),
                    {"system": system, "file": name, "row": row, "id": record, "url": link},
                )
        return list(found.values())


def links_for(run: ValidationRun) -> Links:
    """The records behind the run's pulled inputs (none when every input was uploaded)."""
    pulls = Pull.objects.filter(upload__in=run.uploads.all()).select_related("upload__stored_file")
    files = {}
    for pull in pulls:
        with pull.upload.stored_file.blob.open("rb") as handle:
            rows = rows_of(handle.read())
        files[pull.upload.original_name] = (KINDS[pull.kind].system, rows)
    return Links(files)
