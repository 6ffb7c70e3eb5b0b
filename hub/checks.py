"""Quick checks of the class server's own pieces, run by make classtest before the class starts:
the copy-if-missing step, the size parser, the config's refusal to open the network without TLS,
and the Kubernetes recipe's files (every file the image copies exists; values parse; same pins).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from classroom import parse_bytes, provision  # noqa: E402

failures: list[str] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    print(f"  {'ok ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}")
    if not ok:
        failures.append(name)


def provision_keeps_work() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        course, home = Path(tmp, "course"), Path(tmp, "home")
        (course / "notebooks").mkdir(parents=True)
        (course / "node_modules").mkdir()
        (course / "notebooks" / "01.ipynb").write_text("teacher 1")
        first = provision(home, course)
        mine = home / "concurrency-lab" / "notebooks" / "01.ipynb"
        mine.write_text("student's work")
        (course / "notebooks" / "02.ipynb").write_text("teacher 2")
        (course / "notebooks" / "01.ipynb").write_text("teacher 1, revised")
        second = provision(home, course)
        check("first login copies the notebooks", first == ["01.ipynb"], str(first))
        check("a later login adds only what is missing", second == ["02.ipynb"], str(second))
        check("a student's edited notebook is never overwritten", mine.read_text() == "student's work", mine.read_text())
        link = home / "concurrency-lab" / "node_modules"
        check("node_modules links to the course's", link.is_symlink() and link.resolve() == (course / "node_modules").resolve())


def sizes() -> None:
    check("sizes: 1G, 512M, bytes", [parse_bytes("1G"), parse_bytes("512m"), parse_bytes("1000")] == [1 << 30, 512 << 20, 1000])
    try:
        parse_bytes("0")
        check("size 0 refused", False, "accepted")
    except ValueError:
        check("size 0 refused", True)


def network_needs_tls() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HUB_HOME": tmp, "HUB_STATE": tmp, "TMPDIR": tmp, "HUB_IP": "0.0.0.0", "HUB_CLASS_PASSWORD": "x" * 12}
        path = str(HERE / "jupyterhub_config.py")
        code = ("from traitlets.config import Config\nc = Config()\n"
                f"exec(open({path!r}).read(), {{'get_config': lambda: c, '__file__': {path!r}}})")
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        check("binding to the network without TLS is refused", r.returncode != 0 and "HUB_SSL_CERT" in r.stderr, r.stderr[-300:])
        env.update(HUB_SSL_CERT="/x.pem", HUB_SSL_KEY="/x.key")
        code += "\nprint(c.JupyterHub.bind_url)"
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        check("with TLS it binds https on the network", r.stdout.strip().endswith("https://0.0.0.0:8000/"), r.stdout + r.stderr[-300:])


def recipe() -> None:
    dockerfile = (HERE / "z2jh" / "Dockerfile").read_text()
    sources = [s for line in re.findall(r"^COPY (.+)$", dockerfile, re.M) for s in line.split()[:-1]]
    missing = [s for s in sources if not (ROOT / s).exists()]
    check("every file the image copies exists", not missing, str(missing))
    check("the image installs the hub's pins", "-r hub/requirements.txt" in dockerfile)
    values = yaml.safe_load((HERE / "z2jh" / "values.yaml").read_text())
    env = values["singleuser"]["extraEnv"]
    ports = {p["port"] for p in values["hub"]["service"]["extraPorts"]}
    check("values: kernels point at the course server's port", env["CONCURRENCY_LAB_SERVER_URL"].endswith(":8765") and 8765 in ports)
    check("values: culling on, memory limited", values["cull"]["enabled"] is True and values["singleuser"]["memory"]["limit"] == "1G")


if __name__ == "__main__":
    print("class server checks:")
    provision_keeps_work()
    sizes()
    network_needs_tls()
    recipe()
    sys.exit(1 if failures else 0)
