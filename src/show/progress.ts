/**
 * A live progress bar in tqdm's format, for loops and for other producers (Parallel's
 * progress option calls `update()` once per finished task):
 *
 *     Diamonds:  46%|████▌     | 24572/53940 [00:00<00:00, 75887.95it/s]
 *
 * In the tslab kernel it is one output, replaced in place (`tslab.newDisplay()`); elsewhere it
 * prints one line per redraw. Redraws are throttled to one per `minIntervalMs` (100 ms: at most
 * 10 a second), and `close()` always draws the final state.
 *
 * Cost: `update()` is on the hot path of the loop it measures, so it only adds to a counter and
 * compares it with a stride; the clock is read once per stride, and the stride adapts to the
 * observed rate so the clock is read about 10 times per redraw interval (never less than once
 * per update when items are slow).
 *
 *     updates  ||||||||||||||||||||||||||||||||||||||||||||||||||||||  (53,940 calls)
 *     clock    |    |    |    |    |    |    |    |    |    |    |      (once per stride)
 *     redraw   |                             |                    |  (≥ minIntervalMs apart, + close)
 */
import { performance } from "node:perf_hooks";
import { formatBar } from "./blocks.js";
import { getDisplayTarget, type DisplayTarget, type LiveOutput } from "./display.js";
import { describeValue } from "../internal/describe.js";

/** Options of {@link progressBar} and {@link track}. */
export interface ProgressBarOptions {
  /** Text before the bar, followed by `": "`. Default: none. */
  desc?: string;
  /** Number of items expected. Default: unknown (for {@link track} over an array: its length), which draws `24572it [00:00, 75887.95it/s]`. */
  total?: number;
  /** Name of one item in the rate. Default `"it"` (`it/s`). */
  unit?: string;
  /** Least time between two redraws, in ms. Default `100` (at most 10 redraws a second). `0` redraws on every update. */
  minIntervalMs?: number;
  /** Width of the bar in characters. Default `10` (as tqdm in a notebook log). */
  width?: number;
  /** Clock in ms, for tests. Default `performance.now`. */
  now?: () => number;
  /** Where the bar is drawn. Default: {@link getDisplayTarget} (the kernel's live display, or stdout lines). */
  target?: DisplayTarget;
}

/** A progress bar made by {@link progressBar}. */
export interface ProgressBar {
  /** Count `n` more items done (default 1) and redraw if `minIntervalMs` has passed. Cheap: call it per item. */
  update(n?: number): void;
  /** Draw the final state (always) and stop drawing. Calling it again does nothing. */
  close(): void;
  /** Items counted so far. */
  readonly n: number;
  /** Items expected, or `undefined` when unknown. */
  readonly total: number | undefined;
  /** How many times the bar was drawn so far (the first draw included). */
  readonly redraws: number;
  /** `true` after {@link ProgressBar.close}. */
  readonly closed: boolean;
  /** The bar as it would be drawn now, e.g. `Diamonds:  46%|████▌     | 24572/53940 [00:00<00:00, 75887.95it/s]`. */
  render(): string;
}

/** The numbers a bar line is drawn from (see {@link formatProgress}). */
export interface ProgressState {
  /** Items done. */
  n: number;
  /** Items expected, or `undefined`. */
  total?: number | undefined;
  /** Seconds since the bar started. */
  elapsedS: number;
  /** Text before the bar. Default none. */
  desc?: string | undefined;
  /** Item name. Default `"it"`. */
  unit?: string | undefined;
  /** Bar width. Default 10. */
  width?: number | undefined;
}

// A cap on the stride bounds how late a redraw can be when fast items are followed by slow ones.
const MAX_STRIDE = 1000;

/** tqdm's `format_interval`: `mm:ss`, or `h:mm:ss` from one hour on. */
export function formatInterval(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const two = (x: number): string => String(x).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

function formatRate(n: number, elapsedS: number, unit: string): string {
  if (!(elapsedS > 0) || n === 0) return `?${unit}/s`;
  const rate = n / elapsedS;
  // Like tqdm: a rate below one item a second reads better as seconds per item.
  if (rate < 1) return `${(1 / rate).toFixed(2).padStart(5)}s/${unit}`;
  return `${rate.toFixed(2).padStart(5)}${unit}/s`;
}

/**
 * One line in tqdm's format (rate = items / elapsed, i.e. tqdm with `smoothing=0`):
 * `Diamonds:  46%|████▌     | 24572/53940 [00:00<00:00, 75887.95it/s]`, or without a total
 * `Diamonds: 24572it [00:00, 75887.95it/s]`.
 */
export function formatProgress(state: ProgressState): string {
  const { n, total, elapsedS } = state;
  const unit = state.unit ?? "it";
  const prefix = state.desc ? `${state.desc}: ` : "";
  const elapsed = formatInterval(elapsedS);
  const rate = formatRate(n, elapsedS, unit);
  if (total === undefined) {
    return `${prefix}${n}${unit} [${elapsed}, ${rate}]`;
  }
  const fraction = total > 0 ? n / total : 1;
  const percent = (fraction * 100).toFixed(0).padStart(3); // tqdm's {percentage:3.0f}
  const remaining = n > 0 && elapsedS > 0 ? formatInterval(Math.max(0, total - n) / (n / elapsedS)) : "?";
  return `${prefix}${percent}%|${formatBar(fraction, state.width ?? 10)}| ${n}/${total} [${elapsed}<${remaining}, ${rate}]`;
}

function checkOptions(options: ProgressBarOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
  }
  const { total, minIntervalMs, width, desc, unit, now } = options;
  if (total !== undefined && !(Number.isInteger(total) && total >= 0)) {
    throw new RangeError(`Expected total to be an integer ≥ 0 or undefined, got ${describeValue(total)}`);
  }
  if (minIntervalMs !== undefined && !(Number.isFinite(minIntervalMs) && minIntervalMs >= 0)) {
    throw new RangeError(`Expected minIntervalMs to be a finite number ≥ 0, got ${describeValue(minIntervalMs)}`);
  }
  if (width !== undefined && !(Number.isInteger(width) && width >= 1)) {
    throw new RangeError(`Expected width to be a positive integer, got ${describeValue(width)}`);
  }
  if (desc !== undefined && typeof desc !== "string") throw new TypeError(`Expected desc to be a string, got ${describeValue(desc)}`);
  if (unit !== undefined && typeof unit !== "string") throw new TypeError(`Expected unit to be a string, got ${describeValue(unit)}`);
  if (now !== undefined && typeof now !== "function") throw new TypeError(`Expected now to be a function, got ${describeValue(now)}`);
}

class Bar implements ProgressBar {
  n = 0;
  redraws = 0;
  closed = false;
  readonly total: number | undefined;
  readonly #desc: string | undefined;
  readonly #unit: string;
  readonly #width: number;
  readonly #minInterval: number;
  readonly #now: () => number;
  readonly #output: LiveOutput;
  readonly #start: number;
  #lastDraw: number;
  // Adaptive stride: read the clock only when n reaches #checkAt.
  #checkAt = 1;
  #lastCheck: number;
  #lastCheckN = 0;

  constructor(options: ProgressBarOptions) {
    checkOptions(options);
    this.total = options.total;
    this.#desc = options.desc;
    this.#unit = options.unit ?? "it";
    this.#width = options.width ?? 10;
    this.#minInterval = options.minIntervalMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
    this.#output = (options.target ?? getDisplayTarget()).live();
    this.#start = this.#now();
    this.#lastDraw = this.#start;
    this.#lastCheck = this.#start;
    this.#draw();
  }

  update(n = 1): void {
    if (!(n >= 0)) throw new RangeError(`Expected n to be a number ≥ 0, got ${describeValue(n)}`);
    this.n += n;
    if (this.n < this.#checkAt || this.closed) return;
    this.#check();
  }

  // The slow path, taken once per stride.
  #check(): void {
    const now = this.#now();
    const sinceCheck = now - this.#lastCheck;
    const items = this.n - this.#lastCheckN;
    // Aim at ~10 clock reads per redraw interval at the rate just seen.
    const stride = this.#minInterval === 0 ? 1 : sinceCheck > 0 ? Math.floor(((items / sinceCheck) * this.#minInterval) / 10) : items * 2;
    this.#checkAt = this.n + Math.max(1, Math.min(stride, MAX_STRIDE));
    this.#lastCheck = now;
    this.#lastCheckN = this.n;
    if (now - this.#lastDraw >= this.#minInterval) this.#draw(now);
  }

  #draw(now = this.#now()): void {
    this.#lastDraw = now;
    this.redraws++;
    this.#output.update("text/plain", this.#line(now));
  }

  #line(now: number): string {
    return formatProgress({
      n: this.n,
      total: this.total,
      elapsedS: (now - this.#start) / 1000,
      desc: this.#desc,
      unit: this.#unit,
      width: this.#width,
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Like tqdm, the final state is always drawn, even if the last redraw was a moment ago:
    // it carries the final count, elapsed time and average rate.
    this.#draw();
  }

  render(): string {
    return this.#line(this.#now());
  }
}

/**
 * Start a progress bar and draw its first state (`0%`). Call `update()` per item (cheap: the
 * clock is read once per adaptive stride) and `close()` at the end (draws the final state).
 *
 * In the tslab kernel the bar is one output updated in place; elsewhere each redraw prints a line.
 *
 * @example
 *   const bar = progressBar({ desc: "Diamonds", total: cuts.length });
 *   for (const cut of cuts) { lower.push(cut.toLowerCase()); bar.update(); }
 *   bar.close();
 * @throws RangeError/TypeError when an option has the wrong type, e.g. `Expected total to be an integer ≥ 0 or undefined, got number -1`.
 */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  return new Bar(options);
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x != null && typeof (x as Iterable<unknown>)[Symbol.iterator] === "function";
}
function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return x != null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}
function knownLength(items: unknown): number | undefined {
  if (Array.isArray(items)) return items.length;
  if (items instanceof Set || items instanceof Map) return items.size;
  return undefined;
}

/**
 * Iterate over `items` (an array, any iterable, or an async iterable) under a progress bar:
 * one `update()` per item, `close()` when the loop ends (also on `break` or an error).
 * `total` defaults to the length of an array, Set or Map.
 *
 * @example
 *   for await (const url of track(urls, { desc: "Request" })) statuses.push((await fetch(url)).status);
 */
export function track<T>(items: Iterable<T> | AsyncIterable<T>, options: ProgressBarOptions = {}): AsyncIterable<T> {
  if (isAsyncIterable(items)) return counted(items, () => progressBar(options));
  if (!isIterable(items)) {
    throw new TypeError(`Expected items to be an iterable or async iterable, got ${describeValue(items)}`);
  }
  // A plain iterable: the same loop as trackSync; `yield*` passes a `break` on to it, which closes the bar.
  const inner = trackSync(items, options);
  return {
    async *[Symbol.asyncIterator]() {
      yield* inner;
    },
  };
}

/**
 * The synchronous form of {@link track}, for `for … of` over an array or iterable
 * (no `await` between items, so it also shows progress through a blocking loop in the kernel).
 *
 * @example
 *   const lower = []; for (const cut of trackSync(cuts, { desc: "Diamonds" })) lower.push(cut.toLowerCase());
 */
export function trackSync<T>(items: Iterable<T>, options: ProgressBarOptions = {}): Iterable<T> {
  if (!isIterable(items)) {
    throw new TypeError(`Expected items to be an iterable, got ${describeValue(items)}`);
  }
  const total = options.total ?? knownLength(items);
  return {
    *[Symbol.iterator]() {
      const bar = progressBar({ ...options, total });
      try {
        for (const item of items) {
          yield item;
          bar.update();
        }
      } finally {
        bar.close();
      }
    },
  };
}

// An async source: the bar starts when the loop does and closes however it ends.
function counted<T>(items: AsyncIterable<T>, start: () => ProgressBar): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const bar = start();
      try {
        for await (const item of items) {
          yield item;
          bar.update();
        }
      } finally {
        bar.close();
      }
    },
  };
}
