"""What one student's kernel costs: RSS of a tslab kernel and every process under it.

Runs each notebook given in a fresh tslab kernel of its own (class mode: a timing claim that
misses prints ✘, a broken correctness check fails), samples the kernel's process tree while it
runs, and reports per notebook: the peak, the memory right after the last cell, and the memory
after the kernel has been idle for --settle seconds (pools released by then, if they are).

    .venv/bin/python hub/kernel_memory.py notebooks/04-parallel-map.ipynb notebooks/08-semaphore-limits.ipynb

RSS is summed over the kernel and its descendants (worker processes, a per-kernel course
server): shared pages count once per process, so the sum errs on the high side. The class test
(hub/classtest.py) sums RSS the same way, over every process of each student's account.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def tree(pid: int) -> list[psutil.Process]:
    """The process `pid` and every descendant still alive."""
    try:
        top = psutil.Process(pid)
        return [top, *top.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and its descendants (0 when it is gone)."""
    total = 0
    for proc in tree(pid):
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class PeakSampler:
    """Samples tree_rss of some pids every `every` seconds on a thread; `.peak` is the highest sum."""

    def __init__(self, pids, every: float = 0.25) -> None:
        self._pids = pids if callable(pids) else (lambda: pids)
        self._every = every
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(tree_rss(p) for p in self._pids()))
            self._stop.wait(self._every)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def measure_notebook(path: Path, workdir: Path, settle: float, timeout: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="tslab", timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    client.km = client.create_kernel_manager()
    await client.async_start_new_kernel(cwd=str(workdir))
    await client.async_start_new_kernel_client()
    pid = client.km.provisioner.process.pid
    errors: list[str] = []
    start = time.monotonic()
    try:
        with PeakSampler([pid]) as sampler:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                await client.async_execute_cell(cell, index)
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr"):
                        errors.append(f"cell {index}: {(out.get('text') or out.get('evalue') or '')[:200]}")
            seconds = time.monotonic() - start
            after = tree_rss(pid)
            await asyncio.sleep(settle)
            settled = tree_rss(pid)
            processes = len(tree(pid))
    finally:
        await client._async_cleanup_kernel()
    return {"notebook": path.stem, "seconds": round(seconds, 1), "peak_mb": round(sampler.peak / MB),
            "after_mb": round(after / MB), "settled_mb": round(settled / MB), "settle_s": settle,
            "processes_settled": processes, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--settle", type=float, default=15.0, help="idle seconds before the last sample (default 15)")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    os.environ.setdefault("CONCURRENCY_LAB_STRICT", "0")
    workdir = ROOT / "build" / "kernel-memory" / str(os.getpid()) / "notebooks"
    workdir.mkdir(parents=True)
    results = []
    try:
        for p in map(Path, args.paths):
            r = asyncio.run(measure_notebook(p.resolve(), workdir, args.settle, args.timeout))
            results.append(r)
            print(f"{r['notebook']:<28} {r['seconds']:6.1f} s  peak {r['peak_mb']:4d} MB  after {r['after_mb']:4d} MB"
                  f"  after {r['settle_s']:.0f} s idle {r['settled_mb']:4d} MB ({r['processes_settled']} processes)"
                  f"{'  ERRORS: ' + '; '.join(r['errors']) if r['errors'] else ''}", flush=True)
    finally:
        shutil.rmtree(workdir.parent, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
