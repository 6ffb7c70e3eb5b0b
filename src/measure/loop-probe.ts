/**
 * Event-loop responsiveness: while some code runs, a heartbeat timer ticks every few
 * milliseconds and Node's `monitorEventLoopDelay` samples how late the loop is. A blocking call
 * shows as one long gap between heartbeats; awaiting non-blocking work keeps the beat regular.
 *
 *     beats  | | | | | |                       | | | |      ← blocked: no beat for 2 s
 *            0                 1 s                  2 s
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { describeValue } from "../internal/describe.js";

/** Options of {@link probeEventLoop}. */
export interface LoopProbeOptions {
  /** Heartbeat period in ms. Default `10`. */
  intervalMs?: number;
  /** Sampling resolution of `monitorEventLoopDelay`, in ms. Default `10`. */
  resolutionMs?: number;
}

/** Event-loop delay measured by `monitorEventLoopDelay`, in ms. */
export interface LoopDelay {
  /** Smallest delay sampled. */
  readonly min: number;
  /** Mean delay. */
  readonly mean: number;
  /** Median delay. */
  readonly p50: number;
  /** 99th percentile. */
  readonly p99: number;
  /** Largest delay: about the longest time the loop was blocked. */
  readonly max: number;
}

/** What {@link probeEventLoop} returns (all times in ms; beats since the probe started). */
export interface LoopProbeResult<T> {
  /** What the probed function returned. */
  readonly value: T;
  /** Wall time of the probed function. */
  readonly elapsedMs: number;
  /** Heartbeat period asked for. */
  readonly intervalMs: number;
  /** When each heartbeat fired, ms since the start; the start (0) and the end are included. */
  readonly beats: number[];
  /** Time between consecutive beats (`beats.length − 1` of them). */
  readonly gaps: number[];
  /** The longest gap: how long the event loop could not run a timer. */
  readonly maxGapMs: number;
  /** Event-loop delay as sampled by Node. */
  readonly delay: LoopDelay;
}

/**
 * Run `fn` (sync or async) while measuring how responsive the event loop stays: a heartbeat
 * timer records when it fires, and `perf_hooks.monitorEventLoopDelay` samples the loop's delay.
 * The timers are always cleared afterwards (also when `fn` throws; the error is re-thrown).
 *
 * Code probed from a notebook should be written in the probing cell or live in the library.
 *
 * @example
 *   const blocked = await probeEventLoop(() => busyWait(1000));        // maxGapMs ≈ 1000
 *   const free = await probeEventLoop(() => sleep(1000));              // maxGapMs ≈ 10
 *   show(heartbeatChart(blocked, { title: "A blocking call stops the heartbeat" }));
 */
export async function probeEventLoop<T>(fn: () => T | PromiseLike<T>, options: LoopProbeOptions = {}): Promise<LoopProbeResult<Awaited<T>>> {
  if (typeof fn !== "function") throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  const intervalMs = options.intervalMs ?? 10;
  const resolutionMs = options.resolutionMs ?? 10;
  if (!(Number.isFinite(intervalMs) && intervalMs >= 1)) {
    throw new RangeError(`Expected intervalMs to be a number ≥ 1, got ${describeValue(intervalMs)}`);
  }
  if (!(Number.isInteger(resolutionMs) && resolutionMs >= 1)) {
    throw new RangeError(`Expected resolutionMs to be a positive integer, got ${describeValue(resolutionMs)}`);
  }
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  // The histogram records the time between two turns of its own timer, so it needs one turn
  // before fn starts: otherwise a call that blocks from the start is never measured.
  histogram.enable();
  // (reset() would forget that turn, so the priming samples stay: they are one resolution each.)
  await new Promise<void>((resolve) => setTimeout(resolve, 2 * resolutionMs + 1));
  const start = performance.now();
  const beats = [0];
  const timer = setInterval(() => beats.push(performance.now() - start), intervalMs);
  // Never keep a process (or a kernel shutting down) alive because of the probe.
  timer.unref();
  let value: Awaited<T>;
  let end: number;
  try {
    value = await fn();
  } finally {
    end = performance.now() - start;
    clearInterval(timer);
    // The histogram samples with its own timer: after a call that blocked the whole time, that
    // timer has not fired yet. Give it one turn so the block is recorded, then stop it.
    await new Promise<void>((resolve) => setTimeout(resolve, resolutionMs + 1));
    histogram.disable();
  }
  // The end closes the last gap: after a blocking call no beat may have fired at all.
  beats.push(end);
  const gaps = beats.slice(1).map((b, i) => b - (beats[i] as number));
  const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
  const sampled = histogram.count > 0;
  return {
    value,
    elapsedMs: end,
    intervalMs,
    beats,
    gaps,
    maxGapMs: Math.max(...gaps),
    delay: {
      min: sampled ? ms(histogram.min) : 0,
      mean: sampled ? ms(histogram.mean) : 0,
      p50: sampled ? ms(histogram.percentile(50)) : 0,
      p99: sampled ? ms(histogram.percentile(99)) : 0,
      max: sampled ? ms(histogram.max) : 0,
    },
  };
}
