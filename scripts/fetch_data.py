#!/usr/bin/env python3
"""Fetch the course's data set from PyPI (hash-checked) and unpack it into data/.

diamonds.csv is the table the chapter loads with `from dfply import diamonds`; dfply's wheel
ships it as a CSV. Only the wheel is downloaded (no dependencies), then the one file is
extracted. Usage: python scripts/fetch_data.py [data-dir]
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMBER = "dfply/data/diamonds.csv"
EXPECTED_ROWS = 53_940


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data"
    target = out_dir / "diamonds.csv"
    if target.exists():
        return 0
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--require-hashes", "-r", str(ROOT / "data-requirements.txt"), "-d", tmp],
            check=True)
        wheel = next(Path(tmp).glob("dfply-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(MEMBER)
    rows = data.decode("utf-8").strip().count("\n")
    if rows != EXPECTED_ROWS:
        print(f"Expected {EXPECTED_ROWS} rows in {MEMBER}, got {rows}", file=sys.stderr)
        return 1
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.rename(target)
    print(f"wrote {target} ({rows:,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
