"""A simulated class on the class server: `make classtest` (STUDENTS=5 by default).

1. starts the hub (hub/jupyterhub_config.py) on free loopback ports with a fresh state folder;
2. creates the students through the hub's REST API (admin token; the hub creates system users);
3. starts their servers, then one student alone runs the notebooks (baseline), then every student
   at the same time, each notebook in a fresh kernel of the student's own server, in class mode
   (a timing miss prints ✘; an error, a failed correctness check or any stderr output fails);
4. from every student's kernel, tries to list, read and write every other student's files;
5. ends the class: servers stopped, hub stopped, accounts, homes and files removed; checks that no
   process of a student or of the hub is left, so a second run starts from nothing.
Reports memory per student (everything running as that student: server and kernel), the course
server shared by all, total peak, and time per notebook in the class against the student alone.
Needs root (system users). Results also go to build/classtest/result.json.
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import requests
import websocket

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from kernel_memory import MB  # noqa: E402
from users import system_user as user_exists  # noqa: E402

MARKER = ".concurrency-lab-classtest"
# The class's teacher account: the hub creates its admin as a system user at start, so the test
# names its own (removed at the end like the students) rather than touching a real "teacher".
ADMIN = "clteacher"
PREFIX = "clstudent"
CELL_TIMEOUT = 300


def free_ports(n: int, consecutive: int = 1) -> list[int]:
    """`n` free TCP ports on loopback; the first `consecutive` of them in a row (the course server's pair)."""
    for _ in range(200):
        base = 20000 + secrets.randbelow(30000)
        wanted = [base + i for i in range(consecutive)]
        socks = []
        try:
            for p in wanted:
                s = socket.socket()
                s.bind(("127.0.0.1", p))
                socks.append(s)
            while len(socks) < n:
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                socks.append(s)
            return [s.getsockname()[1] for s in socks]
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("Expected free ports on 127.0.0.1, found none in 200 tries")


def processes_of(uids: set[int]) -> list[psutil.Process]:
    out = []
    for proc in psutil.process_iter(["uids"]):
        try:
            if proc.info["uids"] is not None and proc.info["uids"].real in uids:
                out.append(proc)
        except psutil.NoSuchProcess:
            pass
    return out


def rss_by_uid(uids: set[int], kernels_only: bool = False) -> dict[int, int]:
    """Bytes resident per uid; `kernels_only`: leave out the students' Jupyter servers themselves."""
    totals = dict.fromkeys(uids, 0)
    for proc in processes_of(uids):
        try:
            if kernels_only and any("jupyterhub-singleuser" in part for part in proc.cmdline()):
                continue
            totals[proc.uids().real] += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return totals


class MemorySampler:
    """Every 0.5 s: memory per student uid and of the shared course server; keeps the peaks."""

    def __init__(self, uids: set[int], shared_pid: int | None) -> None:
        self.uids, self.shared_pid = uids, shared_pid
        self.peak_per_uid = dict.fromkeys(uids, 0)
        self.peak_total = 0
        self.peak_shared = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _shared(self) -> int:
        try:
            return psutil.Process(self.shared_pid).memory_info().rss if self.shared_pid else 0
        except psutil.NoSuchProcess:
            return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            per = rss_by_uid(self.uids)
            shared = self._shared()
            for uid, value in per.items():
                self.peak_per_uid[uid] = max(self.peak_per_uid[uid], value)
            self.peak_shared = max(self.peak_shared, shared)
            self.peak_total = max(self.peak_total, sum(per.values()) + shared)
            self._stop.wait(0.5)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Hub:
    """The hub process for the test, and the REST calls the test makes with the admin token."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.course_port = free_ports(1, consecutive=2)[0]  # HTTP/1.1, and HTTP/2 on the next port
        self.port, api, proxy = free_ports(3)
        self.token = secrets.token_hex(32)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HUB_STATE": str(state), "HUB_PORT": str(self.port), "HUB_API_PORT": str(api),
                    "HUB_PROXY_API_PORT": str(proxy), "COURSE_SERVER_PORT": str(self.course_port),
                    "HUB_ADMIN_TOKEN": self.token, "HUB_ADMIN": ADMIN, "HUB_CULL_IDLE": "3600", "HUB_POOL_IDLE_MS": "5000",
                    "CONCURRENCY_LAB_STRICT": "0"}
        self.proc: subprocess.Popen | None = None
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {self.token}"

    def start(self) -> None:
        log = open(self.state / "hub.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(HERE / "jupyterhub_config.py")],
                                     cwd=self.state, env=self.env, stdout=log, stderr=log, start_new_session=True)
        for _ in range(120):
            try:
                if self.http.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"Expected the hub to answer on {self.url} within 60 s; its log:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return (self.state / "hub.log").read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def api(self, method: str, path: str, **kw) -> requests.Response:
        r = self.http.request(method, f"{self.url}/hub/api{path}", timeout=kw.pop("timeout", 60), **kw)
        if r.status_code >= 400:
            raise RuntimeError(f"Expected {method} /hub/api{path} to succeed, got {r.status_code}: {r.text[:300]}")
        return r

    def course_server_pid(self) -> int | None:
        for proc in self.tree():
            try:
                if any(part.endswith("dist/server/main.js") for part in proc.cmdline()):
                    return proc.pid
            except psutil.NoSuchProcess:
                pass
        return None

    def tree(self) -> list[psutil.Process]:
        if self.proc is None:
            return []
        try:
            top = psutil.Process(self.proc.pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> list[psutil.Process]:
        """SIGTERM the hub (it stops servers, proxy and services), then SIGKILL whatever is left; returns what was there."""
        procs = self.tree()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            # The hub stops every student's server and its services before it exits: give it time
            # (seen here once past 30 s with five servers on two cores).
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        gone, alive = psutil.wait_procs(procs, timeout=10)
        for proc in alive:
            proc.kill()
        return alive


def describe(proc: psutil.Process) -> str:
    """pid, user and command line of a process, for a report."""
    try:
        return f"{proc.pid} {proc.username()} {' '.join(proc.cmdline())[:160]}"
    except psutil.Error:
        return str(proc.pid)


class Kernel:
    """A notebook session in a student's server, driven over the kernel's websocket."""

    def __init__(self, hub: Hub, user: str, notebook: str) -> None:
        self.hub, self.user = hub, user
        base = f"{hub.url}/user/{user}/api"
        self.base = base
        r = hub.http.post(f"{base}/sessions", json={"path": notebook, "type": "notebook", "name": notebook, "kernel": {"name": "tslab"}}, timeout=60)
        if r.status_code >= 400:
            raise RuntimeError(f"{user}: expected a session for {notebook}, got {r.status_code}: {r.text[:300]}")
        self.session_id, self.kernel_id = r.json()["id"], r.json()["kernel"]["id"]
        ws_url = f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{self.kernel_id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {hub.token}"], timeout=CELL_TIMEOUT)
        self.jsession = uuid.uuid4().hex

    def execute(self, code: str) -> tuple[str, list[str], str]:
        """Run one cell; returns (reply status, problems: error output and stderr, stdout text)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.jsession, "username": self.user,
                       "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        status, problems, stdout, idle = None, [], [], False
        deadline = time.monotonic() + CELL_TIMEOUT
        while status is None or not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.user}: a cell ran past {CELL_TIMEOUT} s")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "execute_reply":
                status = content.get("status")
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "error":
                problems.append(f"{content.get('ename')}: {content.get('evalue')}"[:300])
            elif kind == "stream" and content.get("name") == "stderr":
                problems.append(f"stderr: {content.get('text', '')}"[:300])
            elif kind == "stream":
                stdout.append(content.get("text", ""))
        return status or "?", problems, "".join(stdout)

    def run_notebook(self, notebook: str) -> tuple[float, list[str]]:
        """Every code cell of the student's own copy of `notebook`; returns (seconds, problems)."""
        r = self.hub.http.get(f"{self.base}/contents/{notebook}", params={"content": "1"}, timeout=60)
        if r.status_code >= 400:
            raise RuntimeError(f"{self.user}: expected their copy of {notebook}, got {r.status_code}")
        cells = [c for c in r.json()["content"]["cells"] if c["cell_type"] == "code"]
        problems: list[str] = []
        start = time.monotonic()
        for i, cell in enumerate(cells):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            status, cell_problems, _ = self.execute(source)
            problems += [f"{notebook} code cell {i + 1}: {p}" for p in cell_problems]
            if status != "ok":
                problems.append(f"{notebook} code cell {i + 1}: reply status {status}")
                break
        return time.monotonic() - start, problems

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.hub.http.delete(f"{self.base}/sessions/{self.session_id}", timeout=60)


ISOLATION_CELL = """import * as fs from "fs";
const attempts = %s.map((home: string) => {
  const result: Record<string, string> = { home };
  const tries: Array<[string, () => unknown]> = [
    ["list", () => fs.readdirSync(home)],
    ["read", () => fs.readFileSync(home + "/concurrency-lab/notebooks/04-parallel-map.ipynb")],
    ["write", () => fs.writeFileSync(home + "/concurrency-lab/notebooks/intruder.txt", "x")],
  ];
  for (const [what, attempt] of tries) {
    try { attempt(); result[what] = "ALLOWED"; } catch (e) { result[what] = (e as { code?: string }).code ?? String(e); }
  }
  return result;
});
console.log("ISOLATION " + JSON.stringify(attempts));
"""


def run_student(hub: Hub, user: str, notebooks: list[str], others: list[str], out: dict) -> None:
    """One student: each notebook in a fresh kernel (the previous one shut down, as on closing it);
    the last kernel stays open, tries the other students' files, and is measured afterwards."""
    out.update(times={}, problems=[], isolation=[])
    try:
        kernel = None
        for nb in notebooks:
            if kernel is not None:
                kernel.close()
            kernel = Kernel(hub, user, nb)
            seconds, problems = kernel.run_notebook(nb)
            out["times"][nb] = round(seconds, 1)
            out["problems"] += problems
        if kernel is not None and others:
            status, problems, text = kernel.execute(ISOLATION_CELL % json.dumps(others))
            line = next((l for l in text.splitlines() if l.startswith("ISOLATION ")), None)
            if status != "ok" or line is None:
                out["problems"].append(f"isolation cell: {status} {problems} {text[:200]}")
            else:
                out["isolation"] = json.loads(line[len("ISOLATION "):])
        out["kernel"] = kernel
    except Exception as e:  # reported, and the class still ends cleanly
        out["problems"].append(f"{type(e).__name__}: {e}")


def in_own_cgroup(name: str, uid: int) -> bool:
    """Whether every process of the student runs in the student's own cgroup."""
    procs = processes_of({uid})
    try:
        return bool(procs) and all(f"concurrency-lab-{name}" in Path(f"/proc/{p.pid}/cgroup").read_text() for p in procs)
    except OSError:
        return False


def remove_files_of(uids: set[int]) -> list[str]:
    """Files the students' processes left in the shared temporary folders: removed, and listed."""
    found = []
    for top in ("/tmp", "/var/tmp", "/dev/shm"):
        for dirpath, dirnames, filenames in os.walk(top, topdown=False):
            for entry in [*filenames, *dirnames]:
                path = os.path.join(dirpath, entry)
                try:
                    if os.lstat(path).st_uid in uids:
                        found.append(path)
                        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
                except OSError:
                    pass
    return found


def remove_student(name: str) -> None:
    subprocess.run(["userdel", "--remove", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    home = Path("/home") / name
    if (home / MARKER).exists():
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5)
    parser.add_argument("--notebooks", default="08-semaphore-limits.ipynb,04-parallel-map.ipynb")
    parser.add_argument("--settle", type=float, default=12.0, help="idle seconds after the last notebook before measuring (pools stop after 5)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("classtest: needs root: it creates one system user per student (run it as root, or in CI)")
        return 2
    if "HUB_HOME" not in os.environ:
        print("classtest: HUB_HOME is not set; run it with make classtest")
        return 2
    notebooks = [n.strip() for n in args.notebooks.split(",") if n.strip()]
    names = [f"{PREFIX}{i + 1}" for i in range(args.students)]
    for name in [*names, ADMIN]:  # a run that was killed halfway left these: remove them, never anyone else's
        if user_exists(name):
            if not (Path(pwd.getpwnam(name).pw_dir) / MARKER).exists():
                print(f"classtest: an account {name} exists that this test did not create; remove it or rename it")
                return 2
            remove_student(name)

    state = Path(tempfile.mkdtemp(prefix="concurrency-lab-classtest-"))
    hub = Hub(state)
    problems: list[str] = []
    results: dict[str, dict] = {n: {} for n in names}
    report: dict = {"students": args.students, "notebooks": notebooks}
    uids: set[int] = set()
    start = time.monotonic()
    try:
        hub.start()
        Path(pwd.getpwnam(ADMIN).pw_dir, MARKER).touch()
        hub.api("POST", "/users", json={"usernames": names})
        for name in names:
            entry = pwd.getpwnam(name)
            uids.add(entry.pw_uid)
            Path(entry.pw_dir, MARKER).touch()
        for name in names:
            hub.api("POST", f"/users/{name}/server", timeout=180)
        for name in names:
            for _ in range(240):
                server = hub.api("GET", f"/users/{name}").json()["servers"].get("", {})
                if server.get("ready"):
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"Expected {name}'s server to be ready within 120 s")
        shared_pid = hub.course_server_pid()
        report["start_s"] = round(time.monotonic() - start, 1)
        # Per-student limits: enforced only where the machine lets root create cgroups (said, not failed).
        limited = {n: in_own_cgroup(n, pwd.getpwnam(n).pw_uid) for n in names}
        report["limits_enforced"] = all(limited.values())
        print(f"classtest: per-student memory/CPU limits {'enforced (a cgroup each)' if report['limits_enforced'] else 'not enforced on this machine: ' + str(limited)}", flush=True)
        print(f"classtest: hub on {hub.url}, {len(names)} students' servers ready in {report['start_s']} s", flush=True)

        # One student alone: the baseline times.
        alone: dict = {}
        run_student(hub, names[0], notebooks, [], alone)
        if alone.get("kernel") is not None:
            alone["kernel"].close()
        problems += [f"{names[0]} (alone): {p}" for p in alone["problems"]]
        print(f"classtest: one student alone: {alone['times']}", flush=True)

        # The whole class at once.
        homes = {n: pwd.getpwnam(n).pw_dir for n in names}
        threads = [threading.Thread(target=run_student, args=(hub, n, notebooks, [homes[o] for o in names if o != n], results[n])) for n in names]
        class_start = time.monotonic()
        with MemorySampler(uids, shared_pid) as sampler:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            class_s = time.monotonic() - class_start
            time.sleep(args.settle)
            settled = rss_by_uid(uids)
            settled_kernels = rss_by_uid(uids, kernels_only=True)
        for n in names:
            problems += [f"{n}: {p}" for p in results[n]["problems"]]
            for attempt in results[n]["isolation"]:
                for what in ("list", "read", "write"):
                    if attempt.get(what) == "ALLOWED":
                        problems.append(f"{n} could {what} {attempt['home']}")
            if len(results[n]["isolation"]) != len(names) - 1:
                problems.append(f"{n}: expected {len(names) - 1} isolation attempts, got {len(results[n]['isolation'])}")
        by_uid = {pwd.getpwnam(n).pw_uid: n for n in names}
        report.update(
            class_s=round(class_s, 1),
            alone_s=alone["times"],
            class_times={n: results[n]["times"] for n in names},
            peak_mb={by_uid[u]: round(v / MB) for u, v in sampler.peak_per_uid.items()},
            settled_mb={by_uid[u]: round(v / MB) for u, v in settled.items()},
            kernel_settled_mb={by_uid[u]: round(v / MB) for u, v in settled_kernels.items()},
            settle_s=args.settle,
            course_server_peak_mb=round(sampler.peak_shared / MB),
            total_peak_mb=round(sampler.peak_total / MB),
        )
        for n in names:
            if results[n].get("kernel") is not None:
                results[n]["kernel"].close()
    except Exception as e:
        problems.append(f"{type(e).__name__}: {e}")
        print(hub.log_tail())
    finally:
        # The class ends: servers, accounts, hub; then check nothing is left.
        for name in names:
            try:
                hub.api("DELETE", f"/users/{name}/server", timeout=60)
            except Exception:
                pass
            try:
                hub.api("DELETE", f"/users/{name}")
            except Exception:
                pass
        hub_procs_before = {p.pid: describe(p) for p in hub.tree()}
        hub_procs = hub.stop()
        hub_procs_text = [hub_procs_before.get(p.pid, str(p.pid)) for p in hub_procs]
        if hub_procs:
            problems.append(f"hub processes still alive 10 s after it stopped (killed): {hub_procs_text}")
        time.sleep(1)
        left = processes_of(uids)
        if left:
            problems.append(f"student processes left after the class: {[(p.pid, p.name()) for p in left]}")
            for proc in left:
                proc.kill()
        if uids:
            stray = remove_files_of(uids)
            if stray:
                print(f"classtest: removed {len(stray)} file(s) the students' kernels left in temporary folders, e.g. {stray[:3]}")
        for name in [*names, ADMIN]:
            remove_student(name)
            if user_exists(name) or (Path("/home") / name).exists():
                problems.append(f"{name}: account or home still there after removal")
        leftovers = [str(p) for p in Path("/sys/fs/cgroup").glob(f"**/concurrency-lab-{PREFIX}*")] if Path("/sys/fs/cgroup").exists() else []
        if leftovers:
            problems.append(f"cgroups left: {leftovers}")
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(Path(tempfile.gettempdir()) / f"concurrency-lab-course-{hub.course_port}", ignore_errors=True)

    if "class_times" in report:
        print_report(report)
    out = ROOT / "build" / "classtest"
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps({**report, "problems": problems}, indent=2))
    for p in problems:
        print(f"  ✘ {p}")
    print(f"classtest: {'PASS' if not problems else 'FAIL'} — {args.students} students, {time.monotonic() - start:.0f} s in all", flush=True)
    return 0 if not problems else 1


def print_report(r: dict) -> None:
    print(f"\n{'student':<12}" + "".join(f"{nb[:14]:>16}" for nb in r["notebooks"]) + f"{'peak MB':>10}{'after MB':>10}{'kernel MB':>11}")
    for n, times in r["class_times"].items():
        print(f"{n:<12}" + "".join(f"{times.get(nb, float('nan')):>15.1f}s" for nb in r["notebooks"])
              + f"{r['peak_mb'][n]:>10}{r['settled_mb'][n]:>10}{r['kernel_settled_mb'][n]:>11}")
    print(f"{'alone':<12}" + "".join(f"{r['alone_s'].get(nb, float('nan')):>15.1f}s" for nb in r["notebooks"]))
    for nb in r["notebooks"]:
        times = [t[nb] for t in r["class_times"].values() if nb in t]
        if times and nb in r["alone_s"]:
            print(f"  {nb}: in class {sum(times) / len(times):.1f} s on average (max {max(times):.1f}) vs {r['alone_s'][nb]:.1f} s alone: ×{max(times) / r['alone_s'][nb]:.1f} at worst")
    print(f"  per student {r['settle_s']:.0f} s after the last notebook: at most {max(r['settled_mb'].values())} MB "
          f"(Jupyter server + the open kernel), the kernel and its processes at most {max(r['kernel_settled_mb'].values())} MB; "
          f"peak per student {max(r['peak_mb'].values())} MB")
    print(f"  shared course server peak {r['course_server_peak_mb']} MB; whole class peak {r['total_peak_mb']} MB\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
