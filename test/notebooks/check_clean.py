#!/usr/bin/env python3
"""Check that committed notebooks carry no outputs and null execution counts.

    python test/notebooks/check_clean.py notebooks          # report, exit 1 if any is dirty
    python test/notebooks/check_clean.py notebooks --fix    # strip outputs and counts in place

Also checks the notebook is valid nbformat and declares the tslab TypeScript kernel.
Closing line: "clean: N passed, N failed".
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat


def problems_of(nb) -> list[str]:
    found = []
    spec = nb.metadata.get("kernelspec", {})
    if spec.get("name") != "tslab" or spec.get("language") != "typescript":
        found.append(f"kernelspec should be tslab/typescript, is {spec.get('name')}/{spec.get('language')}")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i} has execution_count {cell.execution_count}")
    return found


def strip(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--fix", action="store_true", help="strip outputs and execution counts in place")
    args = parser.parse_args(argv)
    files: list[Path] = []
    for p in map(Path, args.paths):
        files += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    bad = 0
    for path in files:
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except Exception as e:  # invalid JSON or schema: report and go on
            print(f"FAIL {path}: not a valid notebook: {e}")
            bad += 1
            continue
        found = problems_of(nb)
        if found and args.fix:
            strip(nb)
            nbformat.write(nb, path)
            found = problems_of(nb)
        print(f"{'FAIL' if found else 'ok  '} {path}" + ("".join(f"\n     - {f}" for f in found)))
        bad += bool(found)
    print(f"clean: {len(files) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
