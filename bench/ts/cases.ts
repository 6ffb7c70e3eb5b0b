/**
 * The course's TypeScript counterparts of bench/py/cases.py, timed — one case per run, for
 * bench/run.ts. They use the built library in dist/ (what a notebook loads) and the same code
 * the notebooks show: Parallel/delayed with the library's tasks, fetch with AbortSignal.timeout,
 * the library's Semaphore, an undici Agent for the throughput case.
 *
 *   node --import tsx bench/ts/cases.ts CASE '{"reps": 3, "url": "http://127.0.0.1:8080", ...}'
 *
 * Progress bars, verbose and logging lines go to stderr (as Python's do); the last stdout line
 * is one JSON object: {"samples": [...], "extra": {...}}, in the case's metric.
 */
import { performance } from "node:perf_hooks";
import { request } from "undici";
import {
  Parallel,
  Semaphore,
  closePools,
  courseAgent,
  cpuCount,
  createLogger,
  createTextTarget,
  delayed,
  fib,
  loadDiamonds,
  lower,
  sleep,
  sqrt,
  traceLoop,
} from "../../dist/index.js";

/** What the orchestrator passes; each case reads the fields it needs. */
interface Params {
  readonly reps: number;
  readonly warmup?: number;
  readonly n?: number;
  readonly csv?: string;
  readonly tasks?: number;
  readonly ts?: { readonly fib: number };
  readonly seconds?: number;
  readonly count?: number;
  readonly url?: string;
  readonly timeoutS?: number;
  readonly serverDelayS?: number;
  readonly concurrency?: number;
  readonly requests?: number;
  readonly warmupRequests?: number;
}

interface Outcome {
  samples: number[];
  extra?: Record<string, unknown>;
}

const toStderr = (line: string): void => void process.stderr.write(line + "\n");

function need<K extends keyof Params>(p: Params, key: K): NonNullable<Params[K]> {
  const value = p[key];
  if (value === undefined || value === null) throw new Error(`Expected parameter ${key} for this case, got none`);
  return value;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** `warmup` untimed runs, then `reps` timed runs: seconds each. */
async function repeat(p: Params, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < (p.warmup ?? 0); i++) await fn();
  const seconds: number[] = [];
  for (let i = 0; i < p.reps; i++) seconds.push(await timed(fn));
  return seconds;
}

// 11.2.1 -----------------------------------------------------------------------------------

async function trivial(p: Params, prefer: "threads" | "processes"): Promise<Outcome> {
  const n = need(p, "n");
  const run = async (): Promise<void> => {
    // Building the delayed calls is timed, as Python's generator expression is.
    const out = await Parallel({ nJobs: 2, prefer })(Array.from({ length: n }, (_, i) => delayed(sqrt)(i ** 2)));
    if (out.length !== n || out[n - 1] !== n - 1) throw new Error(`Expected ${n} square roots, got ${out.length}`);
  };
  return { samples: (await repeat(p, run)).map((s) => n / s) };
}

async function diamonds(p: Params): Promise<Outcome> {
  const ll = loadDiamonds({ path: need(p, "csv") }).map((d) => d.cut);
  const target = createTextTarget({ write: toStderr });
  const run = async (): Promise<void> => {
    // with tqdm_joblib(desc="Diamonds", total=len(ll)): Parallel(n_jobs=2)(delayed(lambda x: x.lower())(i) for i in ll)
    const a = await Parallel({ nJobs: 2, progress: { desc: "Diamonds", total: ll.length, target } })(ll.map((i) => delayed(lower)(i)));
    if (a.length !== ll.length || a[0] !== "ideal") throw new Error(`Expected ${ll.length} lower-cased cuts, got ${a.length}`);
  };
  return { samples: (await repeat(p, run)).map((s) => ll.length / s), extra: { items: ll.length } };
}

async function cpuSpeedup(p: Params): Promise<Outcome> {
  const n = need(p, "ts").fib;
  const tasks = need(p, "tasks");
  const items = () => Array.from({ length: tasks }, () => delayed(fib)(n));
  await Parallel({ nJobs: -1 })(Array.from({ length: tasks }, () => delayed(fib)(10))); // start the workers
  const samples: number[] = [];
  const one: number[] = [];
  const many: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    const t1 = await timed(() => Parallel({ nJobs: 1 })(items()));
    const tn = await timed(() => Parallel({ nJobs: -1 })(items()));
    one.push(t1);
    many.push(tn);
    samples.push(t1 / tn);
  }
  return { samples, extra: { fib: n, tasks, cores: cpuCount(), sequentialS: one, parallelS: many } };
}

async function sleeps(p: Params, nJobs: number): Promise<Outcome> {
  const seconds = need(p, "seconds");
  const count = need(p, "count");
  const run = () => Parallel({ nJobs, prefer: "threads", verbose: 10, log: toStderr })(Array.from({ length: count }, () => delayed(sleep)(seconds)));
  return { samples: await repeat(p, run) };
}

async function poolStartup(p: Params, prefer: "threads" | "processes"): Promise<Outcome> {
  const samples: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    await closePools(); // a cold start each time, as after a kernel restart
    const start = performance.now();
    const out = await Parallel({ nJobs: 2, prefer })([delayed(sqrt)(0), delayed(sqrt)(1)]);
    samples.push(performance.now() - start);
    if (out[0] !== 0 || out[1] !== 1) throw new Error(`Expected [0, 1], got ${JSON.stringify(out)}`);
  }
  return { samples };
}

// 11.3.1 / 11.3.2 — the notebooks' fetch code -----------------------------------------------

// 11.3.1 the event loop, traced ---------------------------------------------------------

/** Rounds/s (a setImmediate callback and an await each) untraced and under traceLoop, which records every callback. */
async function traceOverhead(p: Params): Promise<Outcome> {
  const n = need(p, "n");
  const rounds = async (): Promise<void> => {
    for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  // Room for every callback: an immediate and a few promise reactions per round.
  const rate = async (traced: boolean): Promise<number> => n / (await timed(() => (traced ? traceLoop(rounds, { maxEvents: 8 * n }) : rounds())));
  for (let i = 0; i < (p.warmup ?? 0); i++) { await rate(false); await rate(true); }
  const plain: number[] = [];
  const traced: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    plain.push(await rate(false));
    traced.push(await rate(true));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return { samples: traced.map((t, i) => t / (plain[i] as number)), extra: { untracedPerS: median(plain), tracedPerS: median(traced) } };
}

async function getBody(url: string, timeoutS: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutS * 1000) });
  if (response.status !== 200) throw new Error(`Expected 200 from ${url}, got ${response.status}`);
  return response.text(); // read the body, as requests.get does
}

async function delaySequential(p: Params): Promise<Outcome> {
  const url = `${need(p, "url")}/delay/${need(p, "seconds")}`;
  const logging = createLogger({ write: toStderr });
  const run = async (): Promise<void> => {
    const startTime = performance.now();
    for (let i = 1; i <= need(p, "count"); i++) {
      logging.info("scraping %s", url);
      await getBody(url, need(p, "timeoutS"));
    }
    logging.info("total time %s seconds", (performance.now() - startTime) / 1000);
  };
  return { samples: await repeat(p, run) };
}

async function delayConcurrent(p: Params): Promise<Outcome> {
  const url = `${need(p, "url")}/delay/${need(p, "seconds")}`;
  const fetchPage = async (): Promise<void> => {
    const pageStart = performance.now();
    await getBody(url, need(p, "timeoutS"));
    toStderr(`Page took ${(performance.now() - pageStart) / 1000}`);
  };
  return { samples: await repeat(p, () => Promise.all(Array.from({ length: need(p, "count") }, fetchPage))) };
}

async function semaphore(p: Params): Promise<Outcome> {
  const url = `${need(p, "url")}/delay/${need(p, "seconds")}`;
  const run = async (): Promise<void> => {
    const limit = new Semaphore(need(p, "concurrency"));
    const scrapeApi = () =>
      limit.run(() => {
        toStderr(`scraping ${url}`);
        return getBody(url, need(p, "timeoutS"));
      });
    await Promise.all(Array.from({ length: need(p, "count") }, scrapeApi));
    if (limit.maxRunning !== limit.permits) throw new Error(`Expected ${limit.permits} requests at once, saw ${limit.maxRunning}`);
  };
  return { samples: await repeat(p, run) };
}

async function timeout(p: Params): Promise<Outcome> {
  const url = `${need(p, "url")}/delay/${need(p, "serverDelayS")}`;
  const samples: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    const start = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(need(p, "timeoutS") * 1000) });
      toStderr(`status: ${response.status}`);
      await response.arrayBuffer();
    } catch (error) {
      if ((error as { name?: unknown }).name !== "TimeoutError") throw error;
      samples.push((performance.now() - start) / 1000);
      continue;
    }
    throw new Error(`${url} answered within ${need(p, "timeoutS")} s: no timeout was raised`);
  }
  return { samples };
}

// 2,000 × GET /get at concurrency 50 ----------------------------------------------------------

async function getUndici(p: Params): Promise<Outcome> {
  const url = `${need(p, "url")}/get`;
  const concurrency = need(p, "concurrency");
  const agent = courseAgent({ connections: concurrency, timeoutMs: need(p, "timeoutS") * 1000 });
  // `concurrency` workers share one counter until `total` requests are done.
  const drain = async (total: number): Promise<number> => {
    let left = total;
    const errors: unknown[] = [];
    const worker = async (): Promise<void> => {
      while (left > 0) {
        left--;
        try {
          const { statusCode, body } = await request(url, { dispatcher: agent });
          await body.arrayBuffer();
          if (statusCode !== 200) throw new Error(`Expected 200, got ${statusCode}`);
        } catch (error) {
          errors.push(error);
        }
      }
    };
    const start = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    if (errors.length > 0) throw new Error(`${errors.length} of ${total} requests failed, first: ${String(errors[0])}`);
    cpuUs.push((used.user + used.system) / total);
    return total / seconds;
  };
  // The client's own CPU time per request (user + sys, this process): what the client costs,
  // apart from the server it waits for.
  const cpuUs: number[] = [];
  try {
    await drain(need(p, "warmupRequests"));
    const samples: number[] = [];
    cpuUs.length = 0;
    for (let i = 0; i < p.reps; i++) samples.push(await drain(need(p, "requests")));
    return { samples, extra: { clientCpuUsPerRequest: [...cpuUs].sort((a, b) => a - b)[Math.floor(cpuUs.length / 2)] } };
  } finally {
    await agent.close();
  }
}

const CASES: Record<string, (p: Params) => Promise<Outcome>> = {
  "trivial-threads": (p) => trivial(p, "threads"),
  "trivial-processes": (p) => trivial(p, "processes"),
  "diamonds-bar": diamonds,
  "cpu-speedup": cpuSpeedup,
  "sleep-1-job": (p) => sleeps(p, 1),
  "sleep-10-jobs": (p) => sleeps(p, 10),
  "startup-threads": (p) => poolStartup(p, "threads"),
  "startup-processes": (p) => poolStartup(p, "processes"),
  "delay-sequential": delaySequential,
  "delay-concurrent": delayConcurrent,
  semaphore,
  timeout,
  "get-undici": getUndici,
  "trace-overhead": traceOverhead,
};

async function main(argv: readonly string[]): Promise<void> {
  const [name, json] = argv;
  const run = name === undefined ? undefined : CASES[name];
  if (run === undefined || json === undefined) {
    throw new Error(`usage: cases.ts CASE PARAMS_JSON, CASE one of ${Object.keys(CASES).join(", ")}; got ${JSON.stringify(argv)}`);
  }
  try {
    const outcome = await run(JSON.parse(json) as Params);
    process.stdout.write(JSON.stringify({ samples: outcome.samples, extra: outcome.extra ?? {} }) + "\n");
  } finally {
    await closePools();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
