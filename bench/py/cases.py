"""The chapter's Python examples, timed — one case per run, for bench/run.ts.

    .venv-bench/bin/python bench/py/cases.py CASE '{"reps": 3, "url": "http://127.0.0.1:8080", ...}'

Each case is the chapter's code as written (11.2.1 joblib / tqdm_joblib, 11.3.1 requests,
11.3.2 aiohttp, 11.3.3 httpx), adapted only to the local server's URL, with a timeout on every
request. Progress bars, verbose and logging lines go to stderr, as they do in the chapter.
The last line on stdout is one JSON object: {"samples": [...], "extra": {...}} in the case's
metric (tasks/s, items/s, seconds, ms, speed-up ×, req/s); bench/cases.ts says which.
"""
import asyncio
import csv
import json
import logging
import os
import statistics
import sys
import time
from heapq import nlargest  # noqa: F401  (the chapter's import list)
from math import sqrt

import aiohttp
import httpx
import requests
from joblib import Parallel, delayed
from tqdm_joblib import tqdm_joblib

logging.basicConfig(level=logging.INFO, format="%(asctime)s - %(levelname)s: %(message)s", stream=sys.stderr)


def fib(n):
    """The CPU-bound task, the same slow recursion as the library's fib."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def repeat(p, fn):
    """p["warmup"] untimed runs, then p["reps"] timed runs: seconds each."""
    for _ in range(p.get("warmup", 0)):
        fn()
    return [timed(fn) for _ in range(p["reps"])]


def shutdown_loky():
    # joblib keeps its loky workers for the next call; a start-up measurement needs them gone.
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


# 11.2.1 -----------------------------------------------------------------------------------


def trivial(p, prefer):
    n = p["n"]

    def run():
        out = Parallel(n_jobs=2, prefer=prefer)(delayed(sqrt)(i**2) for i in range(n))
        assert len(out) == n and out[-1] == n - 1

    return {"samples": [n / s for s in repeat(p, run)]}


def diamonds(p):
    with open(p["csv"], newline="") as f:
        ll = [row["cut"] for row in csv.DictReader(f)]  # diamonds.cut.tolist(), without pandas

    def run():
        with tqdm_joblib(desc="Diamonds", total=len(ll)) as progress_bar:  # noqa: F841
            a = Parallel(n_jobs=2)(delayed(lambda x: x.lower())(i) for i in ll)
        assert len(a) == len(ll) and a[0] == "ideal"

    return {"samples": [len(ll) / s for s in repeat(p, run)], "extra": {"items": len(ll)}}


def cpu_speedup(p):
    n, tasks = p["py"]["fib"], p["tasks"]
    Parallel(n_jobs=-1, prefer="processes")(delayed(fib)(10) for _ in range(tasks))  # start the workers
    samples, one, many = [], [], []
    for _ in range(p["reps"]):
        t1 = timed(lambda: Parallel(n_jobs=1)(delayed(fib)(n) for _ in range(tasks)))
        tn = timed(lambda: Parallel(n_jobs=-1, prefer="processes")(delayed(fib)(n) for _ in range(tasks)))
        one.append(t1)
        many.append(tn)
        samples.append(t1 / tn)
    return {"samples": samples, "extra": {"fib": n, "tasks": tasks, "cores": os.cpu_count(), "sequentialS": one, "parallelS": many}}


def sleeps(p, n_jobs):
    from time import sleep

    seconds, count = p["seconds"], p["count"]

    def run():
        Parallel(n_jobs=n_jobs, prefer="threads", verbose=10)(delayed(sleep)(seconds) for _ in range(count))

    return {"samples": repeat(p, run)}


def pool_startup(p, prefer):
    samples = []
    for _ in range(p["reps"]):
        if prefer == "processes":
            shutdown_loky()
        start = time.perf_counter()
        out = Parallel(n_jobs=2, prefer=prefer)(delayed(sqrt)(i**2) for i in range(2))
        samples.append((time.perf_counter() - start) * 1000)
        assert out == [0.0, 1.0]
    return {"samples": samples}


# 11.3.1 the event loop, traced -----------------------------------------------------------


def trace_overhead(p):
    """Rounds/s of an asyncio loop (call_soon + await a future) untraced and under a sys.setprofile tracer."""
    n = p["n"]

    async def rounds():
        loop = asyncio.get_running_loop()
        for _ in range(n):
            future = loop.create_future()
            loop.call_soon(future.set_result, None)
            await future

    events = []

    def tracer(frame, event, arg):
        if event == "call":
            events.append((frame.f_code.co_name, time.perf_counter()))

    def rate(traced):
        events.clear()
        if traced:
            sys.setprofile(tracer)
        try:
            seconds = timed(lambda: asyncio.run(rounds()))
        finally:
            sys.setprofile(None)
        return n / seconds

    for _ in range(p.get("warmup", 0)):
        rate(False), rate(True)
    plain, traced = [], []
    for _ in range(p["reps"]):
        plain.append(rate(False))
        traced.append(rate(True))
    return {"samples": [t / u for t, u in zip(traced, plain)], "extra": {"untracedPerS": statistics.median(plain), "tracedPerS": statistics.median(traced)}}


# 11.3.1 requests, sequential ---------------------------------------------------------------


def delay_sequential(p):
    TOTAL_NUMBER = p["count"]
    URL = f'{p["url"]}/delay/{p["seconds"]}'

    def run():
        start_time = time.time()
        for _ in range(1, TOTAL_NUMBER + 1):
            logging.info("scraping %s", URL)
            response = requests.get(URL, timeout=p["timeoutS"])
            response.raise_for_status()
        end_time = time.time()
        logging.info("total time %s seconds", end_time - start_time)

    return {"samples": repeat(p, run)}


# 11.3.2 aiohttp ----------------------------------------------------------------------------


def delay_concurrent(p):
    URL = f'{p["url"]}/delay/{p["seconds"]}'
    timeout = aiohttp.ClientTimeout(total=p["timeoutS"])

    async def fetch_page(url):
        page_start = time.time()
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as response:
                await response.read()
                print(f"Page took {time.time() - page_start}", file=sys.stderr)

    async def main():
        tasks = [fetch_page(URL) for i in range(p["count"])]
        await asyncio.gather(*tasks)

    return {"samples": repeat(p, lambda: asyncio.run(main()))}


def semaphore(p):
    CONCURRENCY = p["concurrency"]
    URL = f'{p["url"]}/delay/{p["seconds"]}'
    # The chapter GETs baidu then sleeps 2 s inside the semaphore; /delay/2 is that wait, served.

    async def scrape_api(semaphore, session):
        async with semaphore:
            print("scraping", URL, file=sys.stderr)
            async with session.get(URL) as response:
                return await response.text()

    async def main():
        semaphore = asyncio.Semaphore(CONCURRENCY)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=p["timeoutS"])) as session:
            scrape_index_tasks = [asyncio.ensure_future(scrape_api(semaphore, session)) for _ in range(p["count"])]
            await asyncio.gather(*scrape_index_tasks)

    return {"samples": repeat(p, lambda: asyncio.run(main()))}


def timeout(p):
    URL = f'{p["url"]}/delay/{p["serverDelayS"]}'

    async def main():
        timeout = aiohttp.ClientTimeout(total=p["timeoutS"])
        start = time.perf_counter()
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(URL) as response:
                    print("status:", response.status, file=sys.stderr)
        except asyncio.TimeoutError:
            return time.perf_counter() - start
        raise AssertionError(f"{URL} answered within {p['timeoutS']} s: no timeout was raised")

    return {"samples": [asyncio.run(main()) for _ in range(p["reps"])]}


# 2,000 x GET /get at concurrency 50 ------------------------------------------------------------


async def _drain(total, concurrency, get_one):
    """`concurrency` workers share one counter until `total` requests are done."""
    left = [total]
    errors = []

    async def worker():
        while left[0] > 0:
            left[0] -= 1
            try:
                await get_one()
            except Exception as e:  # counted, and the run fails below
                errors.append(repr(e))

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if errors:
        raise RuntimeError(f"{len(errors)} of {total} requests failed, first: {errors[0]}")
    CLIENT_CPU_US.append(cpu / total * 1e6)
    return total / elapsed


# The client's own CPU time per request (user + sys, this process): what the client costs,
# apart from the server it waits for.
CLIENT_CPU_US = []


def with_cpu(samples):
    timed_runs = CLIENT_CPU_US[-len(samples):]
    return {"samples": samples, "extra": {"clientCpuUsPerRequest": sorted(timed_runs)[len(timed_runs) // 2]}}


def get_aiohttp(p):
    URL = f'{p["url"]}/get'

    async def main():
        connector = aiohttp.TCPConnector(limit=p["concurrency"])
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=p["timeoutS"])) as session:

            async def get_one():
                async with session.get(URL) as response:
                    assert response.status == 200
                    await response.read()

            await _drain(p["warmupRequests"], p["concurrency"], get_one)
            return [await _drain(p["requests"], p["concurrency"], get_one) for _ in range(p["reps"])]

    return with_cpu(asyncio.run(main()))


def get_httpx(p):
    URL = f'{p["url"]}/get'

    async def main():
        limits = httpx.Limits(max_connections=p["concurrency"], max_keepalive_connections=p["concurrency"])
        async with httpx.AsyncClient(limits=limits, timeout=p["timeoutS"]) as client:

            async def get_one():
                response = await client.get(URL)
                assert response.status_code == 200
                response.read()

            await _drain(p["warmupRequests"], p["concurrency"], get_one)
            return [await _drain(p["requests"], p["concurrency"], get_one) for _ in range(p["reps"])]

    return with_cpu(asyncio.run(main()))


CASES = {
    "trivial-threads": lambda p: trivial(p, "threads"),
    "trivial-processes": lambda p: trivial(p, "processes"),
    "diamonds-bar": diamonds,
    "cpu-speedup": cpu_speedup,
    "sleep-1-job": lambda p: sleeps(p, 1),
    "sleep-10-jobs": lambda p: sleeps(p, 10),
    "startup-threads": lambda p: pool_startup(p, "threads"),
    "startup-processes": lambda p: pool_startup(p, "processes"),
    "delay-sequential": delay_sequential,
    "delay-concurrent": delay_concurrent,
    "semaphore": semaphore,
    "timeout": timeout,
    "get-aiohttp": get_aiohttp,
    "get-httpx": get_httpx,
    "trace-overhead": trace_overhead,
}


def main(argv):
    if len(argv) != 3 or argv[1] not in CASES:
        sys.exit(f"usage: cases.py CASE PARAMS_JSON, CASE one of {', '.join(CASES)}; got {argv[1:]}")
    result = CASES[argv[1]](json.loads(argv[2]))
    result.setdefault("extra", {})
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
