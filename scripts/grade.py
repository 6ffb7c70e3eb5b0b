"""Homework with nbgrader: the student release of the course, and autograding of submissions.

    python scripts/grade.py release [--out build/release]
        every notebook in notebooks/ becomes a student version: reference answers replaced by a
        stub that fails until the student writes code, outputs cleared.
    python scripts/grade.py autograde SUBMISSIONS [--csv build/grades.csv]
        SUBMISSIONS holds one folder per student with that student's notebooks (any subset);
        each is run under the tslab kernel and graded; the grade table is written as CSV
        (student, notebook, points, max).

The nbgrader course folder lives in build/grader (source/, release/, submitted/, autograded/,
gradebook.db); grading/nbgrader_config.py configures nbgrader for TypeScript.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "grading" / "nbgrader_config.py"
COURSE = ROOT / "build" / "grader"
ASSIGNMENT = "concurrency-lab"
NBGRADER = Path(sys.executable).parent / "nbgrader"


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def nbgrader(*args: str) -> None:
    env = dict(os.environ)
    # Autograding runs as in class: a timing claim that misses on a busy machine prints ✘ and goes
    # on; a graded check (claim.ok/equal) always throws when it fails.
    env["CONCURRENCY_LAB_STRICT"] = "0"
    # nbgrader runs the venv's alembic by name to create its gradebook.
    env["PATH"] = f"{NBGRADER.parent}{os.pathsep}{env.get('PATH', '')}"
    # nbgrader 0.9.6's gradebook under SQLAlchemy 2.1 warns "Object of type <SubmittedNotebook> not
    # in session" on every autograde; the grades are stored all the same (the CSV is read back).
    env["PYTHONWARNINGS"] = "ignore:Object of type"
    # nbgrader reads nbgrader_config.py from the folder it runs in: point that one at the course's.
    (COURSE / "nbgrader_config.py").write_text(f"load_subconfig({str(CONFIG)!r})\n")
    cmd = [str(NBGRADER), *args, f"--CourseDirectory.root={COURSE}", "--log-level=WARN"]
    subprocess.run(cmd, check=True, cwd=COURSE, env=env)


def release(out: Path) -> list[Path]:
    source = COURSE / "source" / ASSIGNMENT
    shutil.rmtree(COURSE, ignore_errors=True)
    source.mkdir(parents=True)
    for nb in notebooks():
        shutil.copy(nb, source / nb.name)
    nbgrader("generate_assignment", ASSIGNMENT, "--force")
    released = COURSE / "release" / ASSIGNMENT
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(released, out)
    made = sorted(out.glob("*.ipynb"))
    print(f"student release: {len(made)} notebooks in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return made


def autograde(submissions: Path, table: Path) -> list[dict]:
    if not (COURSE / "gradebook.db").exists():
        release(ROOT / "build" / "release")
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    if not students:
        sys.exit(f"Expected {submissions} to hold one folder per student with .ipynb files, found none")
    known = {nb.name for nb in (COURSE / "source" / ASSIGNMENT).glob("*.ipynb")}
    shutil.rmtree(COURSE / "submitted", ignore_errors=True)
    shutil.rmtree(COURSE / "autograded", ignore_errors=True)
    for student in students:
        dest = COURSE / "submitted" / student.name / ASSIGNMENT
        dest.mkdir(parents=True)
        for nb in student.glob("*.ipynb"):
            if nb.name in known:
                shutil.copy(nb, dest / nb.name)
            else:
                print(f"skipped {student.name}/{nb.name}: not a notebook of the course", file=sys.stderr)
    nbgrader("autograde", ASSIGNMENT, "--create", "--force")
    rows = grade_rows([s.name for s in students])
    table.parent.mkdir(parents=True, exist_ok=True)
    with table.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", "notebook", "points", "max"])
        writer.writeheader()
        writer.writerows(rows)
    for student in sorted({r["student"] for r in rows}):
        mine = [r for r in rows if r["student"] == student]
        print(f"{student}: {sum(r['points'] for r in mine):g} / {sum(r['max'] for r in mine):g} points over {len(mine)} notebooks")
    print(f"grade table: {table}")
    return rows


def grade_rows(students: list[str]) -> list[dict]:
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        for student in students:
            for nb in assignment.notebooks:
                try:
                    sub = gb.find_submission_notebook(nb.name, ASSIGNMENT, student)
                    points = sub.score
                except MissingEntry:
                    continue  # the student handed in no copy of this notebook
                rows.append({"student": student, "notebook": nb.name, "points": points, "max": nb.max_score})
    return sorted(rows, key=lambda r: (r["student"], r["notebook"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("release", help="build the student release of every notebook")
    r.add_argument("--out", type=Path, default=ROOT / "build" / "release")
    a = sub.add_parser("autograde", help="grade a folder of submissions (one sub-folder per student)")
    a.add_argument("submissions", type=Path)
    a.add_argument("--csv", type=Path, default=ROOT / "build" / "grades.csv")
    args = parser.parse_args()
    if args.command == "release":
        release(args.out.resolve())
    else:
        autograde(args.submissions.resolve(), args.csv.resolve())


if __name__ == "__main__":
    main()
