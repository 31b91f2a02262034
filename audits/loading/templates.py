"""The CSV template offered for download for each export kind."""

from __future__ import annotations

import csv
import io

from audits.kinds import KINDS
from audits.spreadsheets import escape_cell


def template_csv(kind: str) -> bytes:
    """The kind's headers as people write them plus its two example rows, UTF-8 with BOM so Excel
    shows accents; loading it back gives the same values."""
    spec = KINDS[kind]
    headers = [f.aliases[0] if f.aliases else f.name for f in spec.fields]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    for example in spec.example_rows:
        row = [*example, *[""] * (len(headers) - len(example))]
        writer.writerow([escape_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
