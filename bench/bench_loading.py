"""Benchmark: audits.loading on big synthetic exports, against a bare pandas read of the same file.

    .venv/bin/python bench/bench_loading.py [--rows 500000] [--xlsx-rows 100000]

Writes a synthetic XPM jobs CSV and XLSX into a temp dir (not audits.testdata: this measures
the loader alone), then times each load in a fresh child process so peak RSS is that load's own.
Targets on a 2-core machine: CSV 500,000 rows <= 8 s and <= 1 GiB; XLSX 100,000 rows <= 6 s;
kind detection <= 50 ms per kind; a header of one name repeated 20k/40k/80k times (issue 13's
probe) costs at most ~2x per doubling. Prints numbers; asserts nothing.

    .venv/bin/python bench/bench_loading.py --wide-only   # just the wide-header line
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = [
    "[Job] Job No.",
    "[Client] Client",
    "[Job] Name",
    "[Job] Template",
    "[Job] Category",
    "[Job] Status",
    "[Job] Manager",
    "[Job] Partner",
    "[Job] Start Date",
    "[Job] Due Date",
    "[Job] Client Order No.",
    "[Job] Budget",
]
BENCH_MAX_BYTES = 200 * 1024 * 1024
STATES = ["Planned", "In Progress", "Waiting on Client", "Review", "Completed"]
TEMPLATES = ["Annual Compliance", "Bookkeeping", "Tax Return", "BAS", "Payroll"]
STAFF = ["Priya Patel", "Tom Walker", "Ana Silva", "Sam Lee", "Mia Chen"]


def job_rows(n: int, seed: int = 7):
    rnd = random.Random(seed)
    start = date(2024, 7, 1)
    for i in range(n):
        template = rnd.choice(TEMPLATES)
        begin = start + timedelta(days=rnd.randrange(700))
        yield [
            f"J{i:07d}",
            f"Client {rnd.randrange(n // 3 + 1):06d} Pty Ltd",
            f"{template} {begin.year}",
            template,
            template.split()[0],
            rnd.choice(STATES),
            rnd.choice(STAFF),
            rnd.choice(STAFF),
            begin,
            begin + timedelta(days=rnd.randrange(10, 90)),
            f"PO-{rnd.randrange(10**6)}" if rnd.random() < 0.3 else "",
            f"{rnd.randrange(100, 20000):,}.{rnd.randrange(100):02d}",
        ]


def write_csv(path: Path, n: int) -> None:
    def cell(v) -> str:
        return v.strftime("%d/%m/%Y") if isinstance(v, date) else v

    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Job Report\r\n")  # XPM reports put a title line above the header
        out.write(",".join(f'"{h}"' for h in HEADERS) + "\r\n")
        for row in job_rows(n):
            out.write(",".join(f'"{cell(v)}"' for v in row) + "\r\n")


def write_xlsx(path: Path, n: int) -> None:
    # Imported here, not at the top: each measurement runs in a fresh child interpreter, so its
    # peak memory counts only what that measurement loads.
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Jobs")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(job_rows(n), start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            else:
                sheet.write_string(r, c, value)
    book.close()


# --- child processes: one measurement each, fresh interpreter ----------------------------------


def child(task: str, path: str) -> None:
    # In the child only (see write_xlsx): the parent stays free of pandas and the loader.
    import pandas as pd

    from audits.kinds import KINDS
    from audits.loading import LoadLimits, detect_kind, load_path, read_header, template_csv

    out: dict = {}
    started = time.perf_counter()
    if task == "load":
        # 500,000 realistic job rows are ~75 MB, over the 50 MB upload default: raise it here.
        result = load_path(path, limits=LoadLimits(max_bytes=BENCH_MAX_BYTES))
        out["rows"] = result.report.rows
        out["kind"] = result.table.kind
        out["issues"] = len(result.report.value_issues)
    elif task == "pandas_csv":
        out["rows"] = len(pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=1))
    elif task == "pandas_xlsx":
        out["rows"] = len(pd.read_excel(path, engine="calamine", dtype=str))
    elif task == "detect":
        per_kind = {}
        for kind in KINDS:
            data = template_csv(kind)
            t0 = time.perf_counter()
            preview = read_header(data, f"{kind}.csv")
            detected = detect_kind(preview.headers)
            per_kind[kind] = ((time.perf_counter() - t0) * 1000, detected.kind == kind)
        out["per_kind"] = per_kind
    out["seconds"] = time.perf_counter() - started
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps(out))


def wide_headers() -> None:
    """CPU time (median of 3) of loading ``x,x,…,x`` 20k, 40k and 80k columns wide: refused by
    the column limit from the header line, and with the limit lifted (the header checks still
    run before pandas). Before issue 13, pandas' name mangling took 5 s at 20k and 17 s at 40k."""
    from audits.loading import LoadError, LoadLimits, load_bytes  # local: parent-only measurement

    def cost(n: int, limits) -> float:
        data = (",".join(["x"] * n) + "\n" + ",".join(["1"] * n) + "\n").encode()
        times = []
        for _ in range(3):
            started = time.process_time()
            with contextlib.suppress(LoadError):
                load_bytes(data, "wide.csv", limits=limits)
            times.append(time.process_time() - started)
        return sorted(times)[1]

    widths = (20_000, 40_000, 80_000)
    for label, limits in (("limit", LoadLimits()), ("no limit", LoadLimits(max_columns=10**9))):
        costs = [cost(n, limits) for n in widths]
        shown = ", ".join(
            f"{n // 1000}k {c * 1000:.1f} ms" for n, c in zip(widths, costs, strict=True)
        )
        print(
            f"wide header x,x,…,x ({label}): {shown}; ratio 40k/20k "
            f"{costs[1] / costs[0]:.2f}x, 80k/40k {costs[2] / costs[1]:.2f}x   [target <= 2.5x]"
        )


def measure(task: str, path: Path | str = "") -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode:
        sys.exit(f"{task} {path} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--wide-only", action="store_true", help="only the wide-header line")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    wide_headers()
    if args.wide_only:
        return

    mib = 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="bench-loading-") as tmp:
        csv_path, xlsx_path = Path(tmp) / "jobs.csv", Path(tmp) / "jobs.xlsx"
        t0 = time.perf_counter()
        write_csv(csv_path, args.rows)
        write_xlsx(xlsx_path, args.xlsx_rows)
        print(f"generated inputs in {time.perf_counter() - t0:.1f} s")

        load = measure("load", csv_path)
        bare = measure("pandas_csv", csv_path)
        print(
            f"CSV  {args.rows:,} rows, {csv_path.stat().st_size / mib:.1f} MiB: "
            f"load_path {load['seconds']:.2f} s, peak RSS {load['peak_rss'] / mib:.0f} MiB "
            f"(kind {load['kind']}, {load['rows']:,} rows, {load['issues']} value issues); "
            f"bare pandas.read_csv {bare['seconds']:.2f} s, {bare['peak_rss'] / mib:.0f} MiB; "
            f"ratio {load['seconds'] / bare['seconds']:.1f}x   [target <= 8 s, <= 1024 MiB]"
        )

        load = measure("load", xlsx_path)
        bare = measure("pandas_xlsx", xlsx_path)
        print(
            f"XLSX {args.xlsx_rows:,} rows, {xlsx_path.stat().st_size / mib:.1f} MiB: "
            f"load_path {load['seconds']:.2f} s, peak RSS {load['peak_rss'] / mib:.0f} MiB "
            f"(kind {load['kind']}, {load['rows']:,} rows); "
            f"bare pandas.read_excel(calamine) {bare['seconds']:.2f} s, "
            f"{bare['peak_rss'] / mib:.0f} MiB; ratio {load['seconds'] / bare['seconds']:.1f}x"
            "   [target <= 6 s]"
        )

        detect = measure("detect")
        print("detection from each kind's template (read_header + detect_kind) [target <= 50 ms]:")
        for kind, (ms, right) in detect["per_kind"].items():
            print(f"  {kind:20s} {ms:6.2f} ms  {'ok' if right else 'WRONG KIND'}")


if __name__ == "__main__":
    main()
