"""The homework pipeline end to end (make gradetest).

1. Builds the student release of every notebook and checks that no answer reached it: every
   answer cell holds only the stub, no cell keeps an output, and no line of any reference answer
   (a line that appears nowhere else in the instructor notebook) is anywhere in the release, in a
   cell's source, output or metadata.
2. Autogrades two fake students under the tslab kernel: "instructor" hands in the notebooks as
   stored (reference answers) and must get full marks in every notebook; "untouched" hands in the
   release as is and must get zero in every notebook. Checks the grade CSV has exactly those rows.
Closing line: "gradetest: N passed, N failed".
"""
import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "grading"))
STUB = 'throw new Error("Write your answer here:'
BEGIN, END = "// BEGIN SOLUTION", "// END SOLUTION"
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"{'✔' if ok else '✘'} {name}{'' if ok else ' — ' + detail}", flush=True)


def text(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def answer_lines(nb: dict) -> set[str]:
    """Lines inside solution regions that appear nowhere else in the notebook."""
    inside, outside = set(), set()
    for cell in nb["cells"]:
        in_region = False
        for line in text(cell).split("\n"):
            s = line.strip()
            if s.startswith(BEGIN):
                in_region = True
            elif s.startswith(END):
                in_region = False
            elif s:
                (inside if in_region else outside).add(s)
    return {s for s in inside - outside if len(s) >= 6}


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    release_dir = ROOT / "build" / "release"
    t0 = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "grade.py"), "release", "--out", str(release_dir)], check=True)
    print(f"release built in {time.monotonic() - t0:.1f} s")
    for nb_path in notebooks:
        source = json.loads(nb_path.read_text())
        released_path = release_dir / nb_path.name
        check(f"{nb_path.name} is released", released_path.exists(), f"missing {released_path}")
        if not released_path.exists():
            continue
        released = json.loads(released_path.read_text())
        answers = [c for c in released["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        check(f"{nb_path.name}: every answer cell holds the stub", bool(answers) and all(STUB in text(c) for c in answers),
              f"{len(answers)} answer cells, stubs in {sum(STUB in text(c) for c in answers)}")
        check(f"{nb_path.name}: no cell keeps an output", all(not c.get("outputs") for c in released["cells"]))
        blob = "\n".join(strings(released))
        leaked = sorted(line for line in answer_lines(source) if line in blob)
        check(f"{nb_path.name}: no answer line in the release ({len(answer_lines(source))} lines compared)", not leaked,
              "found: " + " | ".join(leaked[:5]))

    submissions = ROOT / "build" / "gradetest" / "submissions"
    shutil.rmtree(submissions, ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", submissions / "instructor")
    shutil.copytree(release_dir, submissions / "untouched")
    table = ROOT / "build" / "gradetest" / "grades.csv"
    t0 = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "grade.py"), "autograde", str(submissions), "--csv", str(table)], check=True)
    print(f"autograded 2 students × {len(notebooks)} notebooks in {time.monotonic() - t0:.0f} s")
    with table.open() as f:
        rows = list(csv.DictReader(f))
    check("the grade table has the columns student, notebook, points, max",
          bool(rows) and list(rows[0]) == ["student", "notebook", "points", "max"], f"{list(rows[0]) if rows else 'empty'}")
    graded = {(r["student"], r["notebook"]): r for r in rows}
    for nb_path in notebooks:
        name = nb_path.stem
        full, none = graded.get(("instructor", name)), graded.get(("untouched", name))
        check(f"{name}: the reference answers get full marks", bool(full) and float(full["max"]) > 0 and float(full["points"]) == float(full["max"]), f"{full}")
        check(f"{name}: the untouched release gets zero", bool(none) and float(none["max"]) > 0 and float(none["points"]) == 0, f"{none}")
    check("the grade table has one row per student and notebook", len(rows) == 2 * len(notebooks), f"{len(rows)} rows")
    failed = sum(not ok for _, ok, _ in results)
    print(f"gradetest: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
