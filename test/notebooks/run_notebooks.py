#!/usr/bin/env python3
"""Execute notebooks under the real tslab kernel through Jupyter (nbclient) and judge them.

A notebook fails on anything a teacher would see as broken in class:
  - an execute reply with status "error" (a thrown error, a TypeScript diagnostic),
  - a cell answered "abort" (tslab aborts every request for 200 ms after an error, silently),
  - any stderr output or error output (tslab prints type errors, uncaught exceptions and
    unhandled rejections to stderr; nbconvert alone misses the last two),
  - a kernel that dies, or a cell that runs past its timeout.
A kernel that does not answer kernel_info in time is retried once (tslab's rare zeromq
EBUSY hang at start-up).

Each notebook runs on a temporary copy inside the repository (build/run/), one kernel per
notebook, so node resolution finds node_modules/concurrency-lab and nothing is written back.

With --twice, every notebook is executed twice in the same kernel and the kernel's threads,
child processes and listening sockets are compared: a second run must add none.

Kernels run in strict mode (CONCURRENCY_LAB_STRICT=1): a timing claim that misses throws and
fails the notebook. With --class-mode they run as in class (CONCURRENCY_LAB_STRICT=0): a miss
prints ✘ and the notebook goes on; a failing correctness check fails the notebook either way.

With --busy, a CPU-bound process keeps one core busy for the whole run; the runner prints the
CPU time it burnt (it must have kept at least half a core busy, or the run fails) and always
kills it, also on an error or Ctrl+C.

Prints one line per notebook and a closing line "notebooks: N passed, N failed".
Exit code 0 only when every notebook passed.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[2]
KERNEL = "tslab"
# A last cell the runner adds: it gives late timer callbacks (e.g. an unhandled rejection
# from a setTimeout in the last cell) a moment to print, and catches what they print.
FLUSH_SOURCE = "await new Promise<void>((resolve) => setTimeout(resolve, 300));"


@dataclass
class Result:
    name: str
    cells_run: int = 0
    cells_total: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def code_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]


def text_of(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    return ""


def judge_cell(label: str, cell, reply, problems: list[str]) -> None:
    status = (reply or {}).get("content", {}).get("status")
    if status == "aborted":
        problems.append(f"{label}: the kernel answered 'abort' (a previous error made tslab skip it)")
    elif status == "error":
        content = reply["content"]
        what = f" {content.get('ename')}: {content.get('evalue')}" if content.get("ename") else " (details in its stderr output)"
        problems.append(f"{label}: the kernel replied 'error'{what}")
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            problems.append(f"{label}: error output {text_of(out)[:300]}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            problems.append(f"{label}: stderr output: {out.get('text', '').strip()[:300]}")


def kernel_pid(client: NotebookClient) -> int | None:
    km = client.km
    prov = getattr(km, "provisioner", None)
    proc = getattr(prov, "process", None)
    pid = getattr(proc, "pid", None)
    return pid


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def listening_sockets(pids: list[int]) -> int:
    inodes: set[str] = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and parts[9] in inodes:
                        count += 1
        except OSError:
            continue
    return count


def snapshot(pid: int | None) -> dict:
    if pid is None:
        return {}
    try:
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return {}
    kids = descendants(pid)
    return {"threads": threads, "processes": len(kids), "listening": listening_sockets([pid, *kids])}


async def execute(nb, workdir: Path, label: str, result: Result, twice: bool, timeout: int) -> None:
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        startup_timeout=45,
        allow_errors=True,  # judged by us, cell by cell, below
        resources={"metadata": {"path": str(workdir)}},
    )
    replies: dict[int, dict] = {}

    def on_executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply

    client.on_cell_executed = on_executed
    indices = code_cells(nb)
    result.cells_total = len(indices)
    async with client.async_setup_kernel():
        # nbclient drops iopub messages whose parent is not the cell it is waiting on, so
        # output printed by a timer after its cell went idle would vanish. Watch them all.
        stray: list[str] = []
        channel = client.kc.iopub_channel
        original_get_msg = channel.get_msg

        async def watching_get_msg(*a, **kw):
            msg = await original_get_msg(*a, **kw)
            content = msg.get("content", {})
            if msg.get("msg_type") == "stream" and content.get("name") == "stderr":
                stray.append(content.get("text", ""))
            elif msg.get("msg_type") == "error":
                stray.append(f"{content.get('ename')}: {content.get('evalue')}")
            return msg

        channel.get_msg = watching_get_msg
        rounds = 2 if twice else 1
        for round_no in range(rounds):
            for i in indices:
                cell = nb.cells[i]
                await client.async_execute_cell(cell, i)
                result.cells_run += 1 if round_no == 0 else 0
                judge_cell(f"{label} cell {i}" + (" (2nd run)" if round_no else ""), cell, replies.get(i), result.problems)
            # nbclient stores the cell at its index, so the flush cell joins the notebook briefly.
            flush = nbformat.v4.new_code_cell(FLUSH_SOURCE)
            nb.cells.append(flush)
            try:
                await client.async_execute_cell(flush, len(nb.cells) - 1)
            finally:
                nb.cells.pop()
            judge_cell(f"{label} after the last cell" + (" (2nd run)" if round_no else ""), flush, replies.get(len(nb.cells)), result.problems)
            if twice:
                result.resources.append(snapshot(kernel_pid(client)))
        shown = "".join(
            out.get("text", "") + f"{out.get('ename')}: {out.get('evalue')}"
            for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))
        for text in stray:
            if text.strip() and text not in shown:
                result.problems.append(f"{label}: printed to stderr while no cell was listening: {text.strip()[:300]}")
        if twice and len(result.resources) == 2:
            first, second = result.resources
            for key in ("threads", "processes", "listening"):
                if key in first and second.get(key, 0) > first[key]:
                    result.problems.append(
                        f"{label}: the second run added {key}: {first[key]} after the first run, {second[key]} after the second")


def run_one(path: Path, workdir: Path, args) -> tuple[Result, object]:
    result = Result(path.stem)
    original = nbformat.read(path, as_version=4)
    start = time.monotonic()
    nb = None
    for attempt in (1, 2):
        nb = copy.deepcopy(original)
        result.cells_run, result.problems, result.resources = 0, [], []
        try:
            asyncio.run(execute(nb, workdir, path.stem, result, args.twice, args.timeout))
            break
        except (RuntimeError, TimeoutError) as e:
            # nbclient raises RuntimeError("Kernel didn't respond in N seconds") on the start-up hang.
            if attempt == 1 and result.cells_run == 0 and "respond" in str(e):
                print(f"  {path.stem}: kernel did not answer kernel_info in time; retrying once", flush=True)
                continue
            result.problems.append(f"{path.stem}: {type(e).__name__}: {e}")
            break
        except DeadKernelError as e:
            result.problems.append(f"{path.stem}: the kernel died ({e})")
            break
        except CellTimeoutError as e:
            result.problems.append(f"{path.stem}: a cell ran past {args.timeout} s ({str(e).splitlines()[0]})")
            break
    result.seconds = time.monotonic() - start
    return result, nb


class CpuHog:
    """A child `node -e 'for(;;){}'` that burns one core; its CPU time is read from /proc."""

    MIN_CORES = 0.5  # below this share of one core over the run, the machine was not really busy

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.cpu_seconds = 0.0
        self.wall_seconds = 0.0

    @staticmethod
    def _die_with_parent() -> None:
        # Linux: the kernel sends the hog SIGKILL if the runner itself is killed (prctl PR_SET_PDEATHSIG).
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)
        except (OSError, AttributeError):
            pass

    def __enter__(self) -> "CpuHog":
        self.proc = subprocess.Popen(["node", "-e", "for(;;){}"], stdin=subprocess.DEVNULL, preexec_fn=self._die_with_parent)
        self.started = time.monotonic()
        print(f"busy machine: CPU hog started (pid {self.proc.pid}), keeping one core busy", flush=True)
        return self

    def cpu(self) -> float:
        """utime + stime of the hog so far, in seconds."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc) -> None:
        assert self.proc is not None
        try:
            self.cpu_seconds = self.cpu()
        except OSError:
            self.cpu_seconds = 0.0
        self.wall_seconds = time.monotonic() - self.started
        self.proc.kill()
        self.proc.wait(timeout=10)

    @property
    def cores(self) -> float:
        return self.cpu_seconds / self.wall_seconds if self.wall_seconds > 0 else 0.0

    def report(self) -> str:
        return (f"busy machine: the CPU hog (pid {self.proc.pid if self.proc else '?'}) burnt {self.cpu_seconds:.1f} s of CPU "
                f"in {self.wall_seconds:.1f} s = {self.cores:.2f} core(s) on average (at least {self.MIN_CORES} required); killed")


def _raise_interrupt(signum, frame):  # SIGTERM ends the run like Ctrl+C, so the hog is killed
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="notebooks, or folders of notebooks")
    parser.add_argument("--output", help="write the executed notebooks to this folder")
    parser.add_argument("--twice", action="store_true", help="run each notebook twice in one kernel and compare resources")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    parser.add_argument("--class-mode", action="store_true",
                        help="run kernels as in class (CONCURRENCY_LAB_STRICT=0): a timing claim that misses prints ✘ instead of failing")
    parser.add_argument("--busy", action="store_true", help="keep one core busy with a CPU-bound process during the run")
    args = parser.parse_args(argv)
    # Kernels inherit the runner's environment.
    os.environ["CONCURRENCY_LAB_STRICT"] = "0" if args.class_mode else "1"

    notebooks: list[Path] = []
    for p in map(Path, args.paths):
        notebooks += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    if not notebooks:
        print("notebooks: no notebook found in " + " ".join(args.paths))
        return 1

    print(f"mode: {'class (timing misses print ✘)' if args.class_mode else 'strict (timing misses fail)'}", flush=True)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    results: list[Result] = []
    hog = CpuHog() if args.busy else None
    start = time.monotonic()
    if hog is None:
        run_all(notebooks, args, results)
    else:
        with hog:  # killed on the way out, whatever ends the run
            run_all(notebooks, args, results)
        print(hog.report(), flush=True)
    passed = sum(r.passed for r in results)
    ok = passed == len(results)
    if hog is not None and hog.cores < hog.MIN_CORES:
        print(f"busy machine: FAIL — the hog kept only {hog.cores:.2f} core(s) busy, so the run proves nothing about a busy machine")
        ok = False
    print(f"notebooks: {passed} passed, {len(results) - passed} failed in {time.monotonic() - start:.0f} s")
    return 0 if ok else 1


def run_all(notebooks: list[Path], args, results: list[Result]) -> None:
    run_root = ROOT / "build" / "run" / f"{os.getpid()}"
    try:
        for path in notebooks:
            # Copy the notebook's folder (data files travel with it) into the repo's build/.
            workdir = run_root / path.parent.name
            if not workdir.exists():
                shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
            result, nb = run_one(path, workdir, args)
            results.append(result)
            mark = "PASS" if result.passed else "FAIL"
            extra = ""
            if result.resources:
                extra = "  resources " + " → ".join(json.dumps(r, sort_keys=True) for r in result.resources)
            print(f"{mark} {result.name:<42} cells {result.cells_run}/{result.cells_total}  {result.seconds:6.1f} s{extra}", flush=True)
            for problem in result.problems:
                print(f"     - {problem}", flush=True)
            if args.output and nb is not None:
                out = Path(args.output)
                out.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, out / path.name)
    finally:
        shutil.rmtree(run_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
