/**
 * The library's task functions: the chapter's examples (`sqrt`, `time.sleep`, `heapq.nlargest`,
 * `str.lower`, a URL loader) plus a CPU-bound `fib`. Each is a plain function you can call
 * directly, and each carries a mark so that `Parallel` sends only its *name* to a worker, which
 * imports this same module and looks the function up — no source shipping involved.
 *
 * This module must stay importable inside a worker: no top-level await, nothing heavy at load
 * time (undici is imported on the first `loadUrl` only; its agents live in http/shared-agents.ts).
 */
import { describeValue } from "../internal/describe.js";
import { sharedAgent } from "../http/shared-agents.js";

/** The property that marks a library task; its value is the task's registry name. */
export const TASK_NAME: unique symbol = Symbol.for("concurrency-lab.parallel.task") as never;

type AnyFn = (...args: never[]) => unknown;

function markTask<F extends AnyFn>(name: string, fn: F): F {
  Object.defineProperty(fn, TASK_NAME, { value: name });
  return fn;
}

/** The registry name of a library task, or `undefined` for any other function. */
export function taskNameOf(fn: unknown): string | undefined {
  if (typeof fn !== "function") return undefined;
  const name = (fn as { [TASK_NAME]?: unknown })[TASK_NAME];
  return typeof name === "string" ? name : undefined;
}

/**
 * Square root, like Python's `math.sqrt`: a task so small that running it in a worker costs far
 * more than the work — the example that shows why joblib batches tasks.
 * @throws TypeError when `x` is not a number.
 */
export const sqrt = markTask("sqrt", function sqrt(x: number): number {
  if (typeof x !== "number") throw new TypeError(`Expected x to be a number, got ${describeValue(x)}`);
  return Math.sqrt(x);
});

/**
 * Block the thread that runs it for `seconds`, like Python's `time.sleep`, and return `null`
 * (Python's `None`). It really blocks: `Atomics.wait` parks the thread, so a worker doing
 * `sleep(1)` is busy for one second and nothing else runs on it — and `sleep` run with
 * `nJobs: 1` blocks the notebook's kernel, exactly as `time.sleep` does in the chapter.
 * @throws TypeError when `seconds` is not a finite number ≥ 0.
 */
export const sleep = markTask("sleep", function sleep(seconds: number): null {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new TypeError(`Expected seconds to be a finite number ≥ 0, got ${describeValue(seconds)}`);
  }
  // A fresh cell nobody will ever notify: the wait always runs to its timeout.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
  return null;
});

/**
 * The `n` largest items of `items`, largest first, like Python's `heapq.nlargest(n, iterable)`.
 * Equal items keep their original order. Numbers compare as numbers, strings as strings.
 * @throws TypeError when `n` is not an integer or `items` is not iterable.
 */
export const nlargest = markTask("nlargest", function nlargest<T extends number | string | bigint>(n: number, items: Iterable<T>): T[] {
  if (!Number.isInteger(n)) throw new TypeError(`Expected n to be an integer, got ${describeValue(n)}`);
  if (items === null || typeof (items as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw new TypeError(`Expected items to be iterable, got ${describeValue(items)}`);
  }
  if (n <= 0) return [];
  // Array#sort is stable, so equal items stay in input order (as sorted(..., reverse=True) does).
  return [...items].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, n);
});

/**
 * `s` in lower case, like Python's `str.lower` (the chapter's `lambda x: x.lower()`).
 * @throws TypeError when `s` is not a string.
 */
export const lower = markTask("lower", function lower(s: string): string {
  if (typeof s !== "string") throw new TypeError(`Expected s to be a string, got ${describeValue(s)}`);
  return s.toLowerCase();
});

/**
 * The `n`-th Fibonacci number computed the slow way (two recursive calls per step), so the
 * work is pure CPU: `fib(30)` makes about 2.7 million calls. Use it to measure speed-ups.
 * @throws TypeError when `n` is not an integer between 0 and 78 (beyond, the result is not exact).
 */
export const fib = markTask("fib", function fib(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 78) {
    throw new TypeError(`Expected n to be an integer from 0 to 78, got ${describeValue(n)}`);
  }
  const go = (k: number): number => (k < 2 ? k : go(k - 1) + go(k - 2));
  return go(n);
});

/** Options of {@link loadUrl}. */
export interface LoadUrlOptions {
  /** Give up after this many milliseconds (the whole request, body included). Default `10000`. */
  timeoutMs?: number;
  /**
   * PEM certificate(s) of the authority that signed the server's certificate, for `https://`
   * URLs of a server with its own CA (the course's local server generates one at start).
   * Default: the system's trusted authorities. Not needed for `http://` URLs.
   */
  ca?: string | string[];
}

/**
 * GET `url` and return the HTTP status code (the chapter's `load_url`, which returned
 * `conn.status`). The body is read and thrown away, so the connection can be reused.
 * Works over HTTP/1.1 and, for `https://` servers that offer it, HTTP/2.
 *
 * @example await loadUrl("http://127.0.0.1:8080/get")   // 200
 * @throws TypeError for a URL that is not http(s); the request's own error on network failure;
 *   a `TimeoutError` (DOMException) after `timeoutMs`.
 */
export const loadUrl = markTask("loadUrl", async function loadUrl(url: string, options: LoadUrlOptions = {}): Promise<number> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Expected url to be an absolute http(s) URL, got ${describeValue(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`Expected url to be an absolute http(s) URL, got ${describeValue(url)}`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
    throw new TypeError(`Expected timeoutMs to be a number > 0, got ${describeValue(timeoutMs)}`);
  }
  const { request } = await import("undici");
  const dispatcher = await sharedAgent(options.ca);
  const { statusCode, body } = await request(parsed, {
    method: "GET",
    dispatcher,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await body.dump();
  return statusCode;
});

/** Every library task by registry name: what a worker looks names up in. */
export const TASKS: ReadonlyMap<string, AnyFn> = new Map<string, AnyFn>(
  [sqrt, sleep, nlargest, lower, fib, loadUrl].map((fn) => [taskNameOf(fn) as string, fn as AnyFn]),
);
