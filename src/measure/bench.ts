/**
 * Benchmarks: run a function several times and summarise the samples (min, median, max, mean),
 * and compare named variants of the same work against a baseline.
 */
import { performance } from "node:perf_hooks";
import { describeValue } from "../internal/describe.js";
import { summarize, type Summary } from "./stats.js";
import { formatDuration } from "./time.js";

/** Options of {@link bench}, {@link benchSync} and {@link compare}. */
export interface BenchOptions {
  /** Timed runs. Default `5` for {@link bench}/{@link benchSync}, `1` for {@link compare} (its variants usually take seconds). */
  runs?: number;
  /** Untimed runs first, to warm up the JIT, caches and connections. Default `1` for bench, `0` for compare. */
  warmup?: number;
}

/**
 * What {@link bench} returns: every sample and their {@link Summary} (count, min, median, max,
 * mean, stdev), in milliseconds. Quote the median: one slow run does not move it.
 */
export interface BenchResult<T> extends Summary {
  /** Wall time of each timed run, in ms, in the order they ran. */
  readonly samples: number[];
  /** The value the last run returned. */
  readonly value: T;
}

function checkBench(fn: unknown, options: BenchOptions, defaults: Required<BenchOptions>): Required<BenchOptions> {
  if (typeof fn !== "function") {
    throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
  }
  const runs = options.runs ?? defaults.runs;
  const warmup = options.warmup ?? defaults.warmup;
  if (!(Number.isInteger(runs) && runs >= 1)) {
    throw new RangeError(`Expected runs to be a positive integer, got ${describeValue(runs)}`);
  }
  if (!(Number.isInteger(warmup) && warmup >= 0)) {
    throw new RangeError(`Expected warmup to be an integer ≥ 0, got ${describeValue(warmup)}`);
  }
  return { runs, warmup };
}

function resultOf<T>(samples: number[], value: T): BenchResult<T> {
  return { ...summarize(samples), samples, value };
}

/**
 * Run `fn` (sync or async) `warmup` times untimed, then `runs` times timed, one run after
 * another, and return the samples with min, median, max and mean (ms).
 *
 * Code timed from a notebook must live in the library or in the same cell as this call
 * (tslab reaches earlier cells' names through a slow Proxy): write `fn` in the timing cell.
 *
 * @example
 *   const r = await bench(() => fetch(url).then((res) => res.text()), { runs: 5, warmup: 1 });
 *   `${formatDuration(r.median)} (min ${formatDuration(r.min)}, max ${formatDuration(r.max)})`
 * @throws RangeError `Expected runs to be a positive integer, got number 0` and the like.
 */
export async function bench<T>(fn: () => T | PromiseLike<T>, options: BenchOptions = {}): Promise<BenchResult<Awaited<T>>> {
  const { runs, warmup } = checkBench(fn, options, { runs: 5, warmup: 1 });
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  let value: Awaited<T> | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = await fn();
    samples.push(performance.now() - start);
  }
  return resultOf(samples, value as Awaited<T>);
}

/**
 * The synchronous form of {@link bench}: no `await` anywhere, so nothing else on the event loop
 * runs between or during the runs. Same defaults (`runs` 5, `warmup` 1).
 *
 * Code timed from a notebook must live in the library or in the same cell as this call.
 */
export function benchSync<T>(fn: () => T, options: BenchOptions = {}): BenchResult<T> {
  const { runs, warmup } = checkBench(fn, options, { runs: 5, warmup: 1 });
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = fn();
    samples.push(performance.now() - start);
  }
  return resultOf(samples, value as T);
}

/** Options of {@link compare}. */
export interface CompareOptions extends BenchOptions {
  /** The variant the others are compared with. Default: the first one. */
  baseline?: string;
}

/** One variant in a {@link Comparison}. */
export interface ComparisonRow extends BenchResult<unknown> {
  /** The variant's name (its key in the object given to {@link compare}). */
  readonly name: string;
  /** Baseline median ÷ this median: 5 means five times faster than the baseline, 0.5 twice as slow. */
  readonly speedup: number;
}

/** What {@link compare} returns. Its `toString()` is the {@link Comparison.summary} sentence. */
export interface Comparison {
  /** One row per variant, in the order given. */
  readonly rows: ComparisonRow[];
  /** Name of the baseline variant. */
  readonly baseline: string;
  /** Name of the variant with the smallest median. */
  readonly fastest: string;
  /** E.g. `"sequential 10.0 s · concurrent 2.0 s · 5.0× faster"`. */
  readonly summary: string;
}

/** Seconds with one decimal from 1 s on (`10.0 s`), else {@link formatDuration}. */
function formatShort(ms: number): string {
  return ms >= 1000 && ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

/** `5.0× faster`, `2.0× slower` or `about as fast` (within 5%), for a speed-up factor. */
export function describeSpeedup(speedup: number): string {
  if (!(Number.isFinite(speedup) && speedup > 0)) {
    throw new RangeError(`Expected speedup to be a finite number > 0, got ${describeValue(speedup)}`);
  }
  if (speedup >= 0.95 && speedup <= 1.05) return "about as fast";
  return speedup > 1 ? `${speedup.toFixed(1)}× faster` : `${(1 / speedup).toFixed(1)}× slower`;
}

/**
 * Time several named variants of the same work, one variant after another (never at the same
 * time), and compare their medians with the baseline (the first variant unless `baseline` says
 * otherwise). Defaults: `runs` 1, `warmup` 0 — the course compares seconds-long runs; raise them
 * for short ones.
 *
 * Code timed from a notebook must live in the library or in the same cell as this call:
 * write the variants in the cell that compares them.
 *
 * @example
 *   const c = await compare({
 *     sequential: async () => { for (const u of urls) await fetch(u); },
 *     concurrent: () => Promise.all(urls.map((u) => fetch(u))),
 *   });
 *   c.summary // "sequential 10.0 s · concurrent 2.0 s · 5.0× faster"
 * @throws TypeError/RangeError when `variants` is empty, a variant is not a function, or `baseline` is not one of them.
 */
export async function compare(
  variants: Record<string, () => unknown>,
  options: CompareOptions = {},
): Promise<Comparison> {
  if (typeof variants !== "object" || variants === null) {
    throw new TypeError(`Expected variants to be an object of named functions, got ${describeValue(variants)}`);
  }
  const names = Object.keys(variants);
  if (names.length === 0) {
    throw new RangeError("Expected variants to name at least one function, got an empty object");
  }
  for (const name of names) {
    if (typeof variants[name] !== "function") {
      throw new TypeError(`Expected variant ${JSON.stringify(name)} to be a function, got ${describeValue(variants[name])}`);
    }
  }
  const baseline = options.baseline ?? (names[0] as string);
  if (!names.includes(baseline)) {
    throw new RangeError(`Expected baseline to be one of ${names.map((n) => JSON.stringify(n)).join(", ")}, got ${describeValue(baseline)}`);
  }
  const benchOptions = { runs: options.runs ?? 1, warmup: options.warmup ?? 0 };
  const results: Array<[string, BenchResult<unknown>]> = [];
  for (const name of names) {
    results.push([name, await bench(variants[name] as () => unknown, benchOptions)]);
  }
  const base = (results.find(([n]) => n === baseline) as [string, BenchResult<unknown>])[1].median;
  const rows: ComparisonRow[] = results.map(([name, r]) => ({ ...r, name, speedup: r.median > 0 ? base / r.median : Number.POSITIVE_INFINITY }));
  return comparisonOf(rows, baseline);
}

/** Build the {@link Comparison} (sentence included) from rows; `compare` uses it, and tests reach it through `testing.ts`. */
export function comparisonOf(rows: ComparisonRow[], baseline: string): Comparison {
  const fastest = rows.reduce((a, b) => (b.median < a.median ? b : a)).name;
  const times = rows.map((r) => `${r.name} ${formatShort(r.median)}`);
  const others = rows.filter((r) => r.name !== baseline);
  const speed = (r: ComparisonRow): string => (Number.isFinite(r.speedup) && r.speedup > 0 ? describeSpeedup(r.speedup) : "immeasurably fast");
  let summary: string;
  if (others.length === 0) summary = times.join("");
  else if (rows.length === 2 && rows[0]?.name === baseline) summary = `${times.join(" · ")} · ${speed(others[0] as ComparisonRow)}`;
  else summary = rows.map((r) => (r.name === baseline ? `${r.name} ${formatShort(r.median)}` : `${r.name} ${formatShort(r.median)} (${speed(r)})`)).join(" · ");
  return { rows, baseline, fastest, summary, toString: () => summary } as Comparison;
}
