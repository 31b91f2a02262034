"""Writing the exports (CSV in each file's encoding, the templates XLSX) and ``labels.json``."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import xlsxwriter

from audits.testdata.formats import ENCODINGS, FILES, HEADERS, TITLE_LINES
from audits.testdata.records import Label
from audits.testdata.vocabulary import YEAR


def write_csv(path: Path, header: list[str], rows: list, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, titles: list[str], header: list[str], rows: list) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties(
        {"created": dt.datetime(YEAR, 8, 1, 9, 0, 0), "author": "Xero Practice Manager"}
    )
    ws = wb.add_worksheet("Templates")
    bold = wb.add_format({"bold": True})
    r = 0
    for title in titles:
        ws.write_string(r, 0, title, bold)
        r += 1
    for col, h in enumerate(header):
        ws.write_string(r, col, h, bold)
    for values in rows:
        r += 1
        for col, v in enumerate(values):
            ws.write_string(r, col, str(v))
    wb.close()


def write_tables(out: Path, tables: dict[str, list]) -> dict[str, int]:
    """Write each kind's rows under its header into ``out``; return kind -> number of rows."""
    counts: dict[str, int] = {}
    for kind, rows in tables.items():
        header = [h for _f, h in HEADERS[kind]]
        path = out / FILES[kind]
        if path.suffix == ".xlsx":
            write_xlsx(path, TITLE_LINES.get(kind, []), header, rows)
        else:
            write_csv(path, header, rows, ENCODINGS.get(kind, "utf-8"))
        counts[kind] = len(rows)
    return counts


def resolve_labels(labels: list[Label]) -> dict[str, list[dict[str, Any]]]:
    """code -> its labels resolved to file, rows and value, codes and labels sorted."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for lab in labels:
        by_code.setdefault(lab.code, []).append(lab.resolve())
    return {
        code: sorted(v, key=lambda e: (e["file"], e["rows"], e["value"]))
        for code, v in sorted(by_code.items())
    }


def write_labels(out: Path, doc: dict[str, Any]) -> None:
    (out / "labels.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8"
    )
