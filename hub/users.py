"""The class list: one student account per name (make hub-users CLASS=class.txt).

A class list is a text file with one account name per line (lowercase letters, digits, "-", "_";
"#" starts a comment). For each name not yet known, as root: a system user with a private home
and a random password; the names and passwords go to CLASS.passwords (mode 0600) for the teacher
to hand out. Run by a normal user: the names only (they log in with the class password).
Either way the names join HUB_STATE/students.txt, the hub's allowed accounts (restart the hub).

    python hub/users.py add class.txt        python hub/users.py remove class.txt
"""
from __future__ import annotations

import os
import pwd
import re
import secrets
import subprocess
import sys
from pathlib import Path

NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


def read_class(path: Path) -> list[str]:
    names = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not NAME.match(name):
            sys.exit(f"{path}:{n}: expected an account name (lowercase letters, digits, - and _, starting with a letter), got {name!r}")
        names.append(name)
    return names


def system_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("add", "remove"):
        sys.exit(__doc__)
    action, class_file = argv[0], Path(argv[1])
    names = read_class(class_file)
    state = Path(os.environ.get("HUB_STATE") or sys.exit("HUB_STATE is not set (use make hub-users)"))
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    allowed_file = state / "students.txt"
    allowed = allowed_file.read_text().split() if allowed_file.exists() else []
    root = os.geteuid() == 0
    if action == "add":
        fresh = []
        for name in names:
            if root and not system_user(name):
                subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "-K", "HOME_MODE=0700", name], check=True)
                password = secrets.token_urlsafe(9)
                subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
                fresh.append(f"{name} {password}")
            if name not in allowed:
                allowed.append(name)
        if fresh:
            out = class_file.with_name(class_file.name + ".passwords")
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a") as f:
                f.write("\n".join(fresh) + "\n")
            print(f"{len(fresh)} system account(s) created; their passwords are in {out} (only you can read it)")
    else:
        for name in names:
            if root and system_user(name):
                subprocess.run(["userdel", "--remove", name], check=False, stderr=subprocess.DEVNULL)
        allowed = [n for n in allowed if n not in names]
    allowed_file.write_text("".join(f"{n}\n" for n in allowed))
    print(f"{len(allowed)} student(s) in {allowed_file}; restart the hub (make hub) to apply")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
