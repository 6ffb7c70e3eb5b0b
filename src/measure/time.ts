/**
 * Timing one call of a function: the value it returned and how long it took.
 *
 * Code timed from a notebook must live in the library or in the same cell as the
 * timing call: tslab reaches names from earlier cells through a Proxy, which makes
 * hot loops over them many times slower. Pass the function to time as an argument,
 * written in the cell that times it.
 */
import { performance } from "node:perf_hooks";
import { describeValue } from "../internal/describe.js";

/** What {@link timeIt} returns: the function's value and the wall time it took. */
export interface Timed<T> {
  /** The value the function returned (awaited, if it returned a promise). */
  readonly value: T;
  /** Wall-clock milliseconds from the call to the settled result (`performance.now()`). */
  readonly ms: number;
}

/**
 * Run `fn` once and measure its wall time with `performance.now()`.
 * Works for sync and async functions alike: a promise is awaited before the clock stops.
 *
 * @example
 *   const { value, ms } = await timeIt(() => fib(30));
 *   const { ms: slept } = await timeIt(() => sleepAsync(100));
 * @throws TypeError when `fn` is not a function; whatever `fn` throws is re-thrown unchanged.
 */
export async function timeIt<T>(fn: () => T | PromiseLike<T>): Promise<Timed<Awaited<T>>> {
  if (typeof fn !== "function") {
    throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  }
  const start = performance.now();
  const value = await fn();
  return { value: value as Awaited<T>, ms: performance.now() - start };
}

/**
 * Run a synchronous `fn` once and measure its wall time, without any `await`
 * (so nothing else on the event loop runs in between).
 *
 * @throws TypeError when `fn` is not a function.
 */
export function timeSync<T>(fn: () => T): Timed<T> {
  if (typeof fn !== "function") {
    throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  }
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

/** Format milliseconds for people: `850 ms`, `2.01 s`, `1 min 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Expected ms to be a finite number ≥ 0, got ${String(ms)}`);
  }
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)} s`;
  const min = Math.floor(s / 60);
  return `${min} min ${String(Math.round(s - min * 60)).padStart(2, "0")} s`;
}
