/**
 * What `make bench` measures: each case's Python side (bench/py/cases.py, the chapter's code)
 * and TypeScript side (bench/ts/cases.ts, the course's code), their parameters in the full
 * and the QUICK run, the ideal from theory and the course's target. Pure data: bench/run.ts
 * runs it, bench/report.ts turns the numbers into ratios and tables.
 */

/** Which interpreter runs a side: the bench venv's Python, or Node with tsx. */
export type Runner = "python" | "node";

/** One side of a comparison. */
export interface Side {
  /** Shown in the table, e.g. "joblib threads". */
  readonly label: string;
  readonly runner: Runner;
  /** The case name in that runner's cases file. */
  readonly script: string;
  /** Parameters passed as JSON; `url: "course"` or `"gunicorn"` is replaced by that server's URL. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Give up (and kill the process group) after this many seconds. */
  readonly timeoutS: number;
}

/** The course's target for a case, reported (never asserted). */
export interface Target {
  /** As the target is worded, e.g. "≥ 10× joblib's tasks/s". */
  readonly text: string;
  /** Met when the TypeScript ÷ Python ratio (speed, so higher is better) is at least this. */
  readonly ratioAtLeast?: number;
  /** Met when the TypeScript efficiency against the ideal is at least this (0.99 = within 1%). */
  readonly efficiencyAtLeast?: number;
  /** Why it can be missed, measured while building the bench: printed with a miss. */
  readonly whyMissed?: string;
}

export interface CaseSpec {
  readonly id: string;
  /** The chapter section it comes from. */
  readonly section: string;
  readonly title: string;
  /** Unit of the samples: "tasks/s", "items/s", "req/s", "×", "s", "ms". */
  readonly unit: string;
  /** Whether a bigger number is better (rates, speed-ups) or a smaller one (times). */
  readonly better: "higher" | "lower";
  /** The value theory predicts with zero overhead, when there is one. */
  readonly ideal?: number;
  readonly idealWhy?: string;
  readonly python: Side;
  readonly typescript: Side;
  readonly target?: Target;
  /** What the QUICK run changed, or how the case was adapted; shown under the table. */
  readonly note?: string;
}

/** The knobs that differ between the full run and QUICK. */
export interface Scale {
  readonly quick: boolean;
  readonly cores: number;
  readonly csv: string;
}

const IDEAL_WHY =
  "Each request costs a few milliseconds beyond the server's delay (connection, fetch's WHATWG layer, a loaded machine's scheduling); " +
  "that is 2–5% of QUICK's 0.25 s delay but well under 1% of the chapter's 2 s one. Compare the Python column: the same fixed cost.";

export function defineCases({ quick, cores, csv }: Scale): CaseSpec[] {
  const reps = quick ? 2 : 5;
  const slowReps = quick ? 2 : 3;
  const n = quick ? 20_000 : 100_000;
  const sleepS = quick ? 0.1 : 1;
  const delayS = quick ? 0.25 : 2;
  const timeoutS = quick ? 0.5 : 1;
  const requests = quick ? 500 : 2000;
  const fibTasks = 8;
  const fibPy = quick ? 26 : 30;
  const fibTs = quick ? 31 : 35;
  const http = { concurrency: 50, requests, warmupRequests: quick ? 500 : 1000, timeoutS: 30, reps };
  const py = (label: string, script: string, params: Record<string, unknown>, timeout = 180): Side => ({ label, runner: "python", script, params, timeoutS: timeout });
  const ts = (label: string, script: string, params: Record<string, unknown>, timeout = 180): Side => ({ label, runner: "node", script, params, timeoutS: timeout });
  const count = quick ? "QUICK: " : "";

  return [
    {
      id: "trivial-threads",
      section: "11.2.1",
      title: `${n.toLocaleString("en")} × sqrt, n_jobs=2, threads`,
      unit: "tasks/s",
      better: "higher",
      python: py("joblib threads", "trivial-threads", { n, reps, warmup: 1 }),
      typescript: ts("Parallel threads", "trivial-threads", { n, reps, warmup: 1 }),
      target: { text: "≥ 10× joblib's tasks/s", ratioAtLeast: 10 },
      ...(quick ? { note: "QUICK: 20,000 tasks instead of 100,000" } : {}),
    },
    {
      id: "trivial-processes",
      section: "11.2.1",
      title: `${n.toLocaleString("en")} × sqrt, n_jobs=2, processes`,
      unit: "tasks/s",
      better: "higher",
      python: py("joblib loky", "trivial-processes", { n, reps, warmup: 1 }),
      typescript: ts("Parallel processes", "trivial-processes", { n, reps, warmup: 1 }),
      target: {
        text: "≥ 10× joblib's tasks/s",
        ratioAtLeast: 10,
        whyMissed:
          "loky auto-batches sqrt calls by the thousand, so joblib with processes is already bound only by Python making the calls " +
          "(~4–5 µs a task); 10× that leaves ~0.5 µs a task, while building 100,000 delayed() calls alone takes ~0.2 µs each in JS and " +
          "Parallel with nJobs 1 (no worker at all) ~0.3 µs. The 10× holds against joblib's threads, which send tasks one at a time.",
      },
    },
    {
      id: "diamonds-bar",
      section: "11.2.1",
      title: "53,940 × cut.lower(), n_jobs=2, live bar",
      unit: "items/s",
      better: "higher",
      python: py("tqdm_joblib + loky", "diamonds-bar", { csv, reps, warmup: 1 }),
      typescript: ts("Parallel progress", "diamonds-bar", { csv, reps, warmup: 1 }),
      target: {
        text: "≥ 20× tqdm_joblib's items/s",
        ratioAtLeast: 20,
        whyMissed:
          "20× needs ≤ 0.7 µs an item for building the delayed call, copying the string to a worker thread and back, and counting it " +
          "on the bar (the bar's share is ~5%: measured with and without it). Parallel does ~0.8–1 µs here, on a 2-core machine shared " +
          "with the Python side's leftovers and other users, so the ratio lands between 15× and 20×.",
      },
      note: "joblib's default backend (loky processes) as in the chapter; the course's default (worker threads). Both bars redraw at most every 0.1 s, to stderr.",
    },
    {
      id: "cpu-speedup",
      section: "11.1.5",
      title: `CPU-bound speed-up, ${fibTasks} × fib, n_jobs=-1 vs 1`,
      unit: "×",
      better: "higher",
      ideal: Math.min(cores, fibTasks),
      idealWhy: `${cores} cores`,
      python: py("joblib loky", "cpu-speedup", { tasks: fibTasks, py: { fib: fibPy }, reps: slowReps }),
      typescript: ts("Parallel threads", "cpu-speedup", { tasks: fibTasks, ts: { fib: fibTs }, reps: slowReps }),
      note: `fib(${fibPy}) in Python, fib(${fibTs}) in JS: each language's own task of a similar duration, since the number compared is each one's speed-up over its own sequential run.`,
    },
    {
      id: "sleep-1-job",
      section: "11.2.1",
      title: `sleep(${sleepS}) × 10, n_jobs=1`,
      unit: "s",
      better: "lower",
      ideal: 10 * sleepS,
      idealWhy: `10 × ${sleepS} s`,
      python: py("joblib sequential", "sleep-1-job", { seconds: sleepS, count: 10, reps: slowReps }),
      typescript: ts("Parallel nJobs 1", "sleep-1-job", { seconds: sleepS, count: 10, reps: slowReps }),
      ...(quick ? { note: "QUICK: sleep(0.1) instead of sleep(1)" } : {}),
    },
    {
      id: "sleep-10-jobs",
      section: "11.2.1",
      title: `sleep(${sleepS}) × 10, n_jobs=10 threads`,
      unit: "s",
      better: "lower",
      ideal: sleepS,
      idealWhy: `one ${sleepS} s wave`,
      python: py("joblib threads", "sleep-10-jobs", { seconds: sleepS, count: 10, reps: slowReps, warmup: 1 }),
      typescript: ts("Parallel threads", "sleep-10-jobs", { seconds: sleepS, count: 10, reps: slowReps, warmup: 1 }),
    },
    {
      id: "startup-threads",
      section: "11.2.1",
      title: "pool start-up + 2 tasks, threads",
      unit: "ms",
      better: "lower",
      python: py("joblib threads", "startup-threads", { reps }),
      typescript: ts("worker threads", "startup-threads", { reps }),
      note: "Cold each time: Python threads share the interpreter (a new thread costs ~0.1 ms); a worker thread is a new V8 isolate that loads the library.",
    },
    {
      id: "startup-processes",
      section: "11.2.1",
      title: "pool start-up + 2 tasks, processes",
      unit: "ms",
      better: "lower",
      python: py("joblib loky", "startup-processes", { reps }),
      typescript: ts("child processes", "startup-processes", { reps }),
    },
    {
      id: "trace-overhead",
      section: "11.3.1",
      title: `event loop traced: speed ÷ untraced, ${n.toLocaleString("en")} rounds`,
      unit: "×",
      better: "higher",
      ideal: 1,
      idealWhy: "tracing for free",
      python: py("sys.setprofile tracer", "trace-overhead", { n, reps, warmup: 1 }),
      typescript: ts("traceLoop", "trace-overhead", { n, reps, warmup: 1 }),
      note: "A round is one callback and one await (asyncio: call_soon + a future; Node: setImmediate + a promise). traceLoop records every callback with async_hooks; Python's nearest hook, sys.setprofile, records every call.",
    },
    {
      id: "delay-sequential",
      section: "11.3.1",
      title: `5 × /delay/${delayS}, one after another`,
      unit: "s",
      better: "lower",
      ideal: 5 * delayS,
      idealWhy: `5 × ${delayS} s`,
      python: py("requests", "delay-sequential", { url: "course", seconds: delayS, count: 5, timeoutS: 30, reps: slowReps }),
      typescript: ts("fetch, await in a loop", "delay-sequential", { url: "course", seconds: delayS, count: 5, timeoutS: 30, reps: slowReps }),
      ...(quick ? { note: `${count}/delay/0.25 instead of /delay/2 in the delay cases, a 0.5 s timeout instead of 1 s` } : {}),
    },
    {
      id: "delay-concurrent",
      section: "11.3.2",
      title: `5 × /delay/${delayS}, concurrent`,
      unit: "s",
      better: "lower",
      ideal: delayS,
      idealWhy: `one ${delayS} s wave`,
      python: py("aiohttp gather", "delay-concurrent", { url: "course", seconds: delayS, count: 5, timeoutS: 30, reps, warmup: 1 }),
      typescript: ts("fetch, Promise.all", "delay-concurrent", { url: "course", seconds: delayS, count: 5, timeoutS: 30, reps, warmup: 1 }),
      target: { text: "within 1% of ideal", efficiencyAtLeast: 0.99, whyMissed: IDEAL_WHY },
    },
    {
      id: "semaphore",
      section: "11.3.2",
      title: `Semaphore(5), 15 × /delay/${delayS}`,
      unit: "s",
      better: "lower",
      ideal: 3 * delayS,
      idealWhy: `3 waves × ${delayS} s`,
      python: py("asyncio.Semaphore", "semaphore", { url: "course", seconds: delayS, count: 15, concurrency: 5, timeoutS: 30, reps: slowReps, warmup: 1 }),
      typescript: ts("library Semaphore", "semaphore", { url: "course", seconds: delayS, count: 15, concurrency: 5, timeoutS: 30, reps: slowReps, warmup: 1 }),
      target: { text: "within 1% of ideal", efficiencyAtLeast: 0.99, whyMissed: IDEAL_WHY },
      note: "The chapter GETs a page then sleeps 2 s inside the semaphore; here /delay/2 is that wait.",
    },
    {
      id: "timeout",
      section: "11.3.2",
      title: `time to raise a ${timeoutS} s timeout`,
      unit: "s",
      better: "lower",
      ideal: timeoutS,
      idealWhy: `the ${timeoutS} s limit`,
      python: py("aiohttp ClientTimeout", "timeout", { url: "course", timeoutS, serverDelayS: 5, reps }),
      typescript: ts("AbortSignal.timeout", "timeout", { url: "course", timeoutS, serverDelayS: 5, reps }),
    },
    {
      id: "get-aiohttp",
      section: "11.3.2",
      title: `${requests.toLocaleString("en")} × GET /get, concurrency 50, course server`,
      unit: "req/s",
      better: "higher",
      python: py("aiohttp", "get-aiohttp", { url: "course", ...http }),
      typescript: ts("undici", "get-undici", { url: "course", ...http }),
      target: {
        text: "≥ 2× aiohttp's req/s",
        ratioAtLeast: 2,
        whyMissed:
          "Both clients wait for the same one-process server, which shares the 2 cores with them: the rate measures client + server. " +
          "The client's own CPU per request (note above) is the client's part: aiohttp 3.x parses HTTP in C (llhttp), as undici does in " +
          "WebAssembly, so their costs are within about 1.5× of each other and no client can be 2× faster against this server on this machine.",
      },
      ...(quick ? { note: "QUICK: 500 requests instead of 2,000" } : {}),
    },
    {
      id: "get-httpx",
      section: "11.3.3",
      title: `${requests.toLocaleString("en")} × GET /get, concurrency 50, course server`,
      unit: "req/s",
      better: "higher",
      python: py("httpx (HTTP/1.1)", "get-httpx", { url: "course", ...http }),
      typescript: ts("undici", "get-undici", { url: "course", ...http }),
    },
    {
      id: "server-vs-gunicorn",
      section: "server",
      title: `${requests.toLocaleString("en")} × GET /get, concurrency 50, undici client`,
      unit: "req/s",
      better: "higher",
      python: ts("httpbin on gunicorn", "get-undici", { url: "gunicorn", ...http }),
      typescript: ts("course server", "get-undici", { url: "course", ...http }),
      note: "Same client (undici) against both servers: gunicorn -w 2 -k gthread --threads 32 --keep-alive 30 httpbin:app vs the course's Fastify server (one process).",
    },
  ];
}
