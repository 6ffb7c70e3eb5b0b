/**
 * Descriptive statistics of timing samples (milliseconds, usually). Pure functions over arrays
 * of finite numbers; the input is never modified.
 */
import { describeValue } from "../internal/describe.js";

/** What {@link summarize} returns. */
export interface Summary {
  /** Number of samples. */
  readonly count: number;
  /** Smallest sample. */
  readonly min: number;
  /** Middle sample (mean of the two middle ones for an even count). */
  readonly median: number;
  /** Largest sample. */
  readonly max: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single sample. */
  readonly stdev: number;
}

function checkSamples(samples: readonly number[], name = "samples"): void {
  if (!Array.isArray(samples)) {
    throw new TypeError(`Expected ${name} to be an array of numbers, got ${describeValue(samples)}`);
  }
  if (samples.length === 0) {
    throw new RangeError(`Expected ${name} to hold at least one number, got an empty array`);
  }
  const bad = samples.findIndex((x) => typeof x !== "number" || !Number.isFinite(x));
  if (bad !== -1) {
    throw new TypeError(`Expected ${name} to hold finite numbers, got ${describeValue(samples[bad])} at index ${bad}`);
  }
}

function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) with linear interpolation between the closest ranks
 * (the default of numpy and R, "type 7"): `quantile([1, 2, 3, 4], 0.5)` is 2.5.
 */
export function quantile(samples: readonly number[], q: number): number {
  checkSamples(samples);
  if (!(typeof q === "number" && q >= 0 && q <= 1)) {
    throw new RangeError(`Expected q to be a number from 0 to 1, got ${describeValue(q)}`);
  }
  const xs = sorted(samples);
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = xs[lo] as number;
  const b = xs[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The median: `median([3, 1, 2])` is 2, `median([4, 1, 3, 2])` is 2.5. */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** The arithmetic mean. */
export function mean(samples: readonly number[]): number {
  checkSamples(samples);
  let sum = 0;
  for (const x of samples) sum += x;
  return sum / samples.length;
}

/** The sample standard deviation (n − 1 in the denominator); 0 for a single sample. */
export function stdev(samples: readonly number[]): number {
  checkSamples(samples);
  if (samples.length === 1) return 0;
  const m = mean(samples);
  let ss = 0;
  for (const x of samples) ss += (x - m) ** 2;
  return Math.sqrt(ss / (samples.length - 1));
}

/**
 * Count, min, median, max, mean and standard deviation of `samples` in one call.
 * @throws RangeError for an empty array; TypeError for a value that is not a finite number.
 */
export function summarize(samples: readonly number[]): Summary {
  checkSamples(samples);
  const xs = sorted(samples);
  return {
    count: xs.length,
    min: xs[0] as number,
    median: median(xs),
    max: xs[xs.length - 1] as number,
    mean: mean(xs),
    stdev: stdev(xs),
  };
}
