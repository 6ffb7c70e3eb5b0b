"""Collect work: every student's course notebooks copied into OUT/<student>/ (make hub-collect).

Reads the class from HUB_STATE/students.txt; a student's folder is their home's concurrency-lab/
notebooks (system users) or HUB_STATE/homes/<student>/… (a hub run by a normal user).
"""
import os
import pwd
import shutil
import sys
from pathlib import Path

state = Path(os.environ["HUB_STATE"])
out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/collected")
names = (state / "students.txt").read_text().split() if (state / "students.txt").exists() else []
found = 0
for name in names:
    try:
        home = Path(pwd.getpwnam(name).pw_dir) if os.geteuid() == 0 else state / "homes" / name
    except KeyError:
        home = state / "homes" / name
    src = home / "concurrency-lab" / "notebooks"
    if not src.is_dir():
        print(f"  {name}: no course folder yet (never logged in)")
        continue
    dest = out / name
    dest.mkdir(parents=True, exist_ok=True)
    for nb in src.glob("*.ipynb"):
        shutil.copy2(nb, dest / nb.name)
    found += 1
print(f"collected {found} of {len(names)} student(s) into {out}")
