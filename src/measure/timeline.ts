/**
 * Timelines of concurrent work: spans (label, lane, start, end) recorded while the work runs,
 * drawn later as a Gantt chart by `timelineChart` (show/charts/timeline.ts).
 *
 *     lane      0 s        1 s        2 s        3 s
 *     slot 1    [req 1 ][req 6 ][req 11]            ← Semaphore(5): three waves
 *     slot 2    [req 2 ][req 7 ][req 12]
 *
 * Times are milliseconds since the recorder's origin (`performance.now()` when it was made).
 */
import { performance } from "node:perf_hooks";
import { describeValue } from "../internal/describe.js";

/** One piece of work on a timeline. */
export interface Span {
  /** What ran, e.g. `"GET /delay/2 #3"`. */
  readonly label: string;
  /** Where it ran: a worker, a connection, a semaphore slot… One row of the chart per lane. */
  readonly lane: string;
  /** Start, ms since the recorder's origin. */
  readonly start: number;
  /** End, ms since the recorder's origin (≥ start). */
  readonly end: number;
  /** `true` when the work threw or rejected. */
  readonly failed: boolean;
}

/** Options of {@link createTimeline}. */
export interface TimelineOptions {
  /** Clock in ms, for tests. Default `performance.now`. */
  now?: () => number;
}

/** A recorder made by {@link createTimeline}. */
export interface TimelineRecorder {
  /** The spans recorded so far, in the order they ended (or were added). */
  readonly spans: readonly Span[];
  /**
   * Run `fn` (sync or async) and record it as a span on `lane` (default: a lane named after the label).
   * Returns what `fn` returns; if it throws, the span is recorded as failed and the error re-thrown.
   */
  span<T>(label: string, lane: string | number | undefined, fn: () => T | PromiseLike<T>): Promise<Awaited<T>>;
  /** Add a span measured elsewhere (times in ms since this recorder's origin, see {@link TimelineRecorder.now}). */
  add(label: string, lane: string | number, start: number, end: number, failed?: boolean): Span;
  /** Milliseconds since the origin. */
  now(): number;
  /** Forget all spans and restart the clock at 0. */
  reset(): void;
}

function laneName(lane: string | number | undefined, label: string): string {
  if (lane === undefined) return label;
  if (typeof lane === "number") return String(lane);
  if (typeof lane === "string") return lane;
  throw new TypeError(`Expected lane to be a string, a number or undefined, got ${describeValue(lane)}`);
}

/**
 * Make a timeline recorder. Wrap each piece of concurrent work in `span(label, lane, fn)`,
 * then draw `recorder.spans` with `timelineChart`.
 *
 * Record from the library or the cell that runs the work (tslab's cross-cell Proxy is slow; a
 * span's own overhead is two clock reads).
 *
 * @example
 *   const tl = createTimeline();
 *   const sem = new Semaphore(5);
 *   await Promise.all(urls.map((u, i) => sem.run(() => tl.span(`#${i + 1}`, undefined, () => fetch(u)))));
 *   show(timelineChart(packLanes(tl.spans), { title: "Semaphore(5) over 15 requests", laneLabel: "slot" }));
 */
export function createTimeline(options: TimelineOptions = {}): TimelineRecorder {
  const clock = options.now ?? (() => performance.now());
  if (typeof clock !== "function") {
    throw new TypeError(`Expected now to be a function, got ${describeValue(clock)}`);
  }
  let origin = clock();
  const spans: Span[] = [];
  const now = (): number => clock() - origin;

  const add = (label: string, lane: string | number, start: number, end: number, failed = false): Span => {
    if (typeof label !== "string") throw new TypeError(`Expected label to be a string, got ${describeValue(label)}`);
    if (!(Number.isFinite(start) && Number.isFinite(end) && end >= start)) {
      throw new RangeError(`Expected start and end to be finite with end ≥ start, got ${describeValue(start)} and ${describeValue(end)}`);
    }
    const span: Span = { label, lane: laneName(lane, label), start, end, failed };
    spans.push(span);
    return span;
  };

  return {
    spans,
    now,
    add,
    async span<T>(label: string, lane: string | number | undefined, fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
      if (typeof fn !== "function") throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
      const name = laneName(lane, label);
      const start = now();
      try {
        const value = await fn();
        add(label, name, start, now());
        return value;
      } catch (error) {
        add(label, name, start, now(), true);
        throw error;
      }
    },
    reset() {
      spans.length = 0;
      origin = clock();
    },
  };
}

/**
 * Give each span the lowest-numbered lane ("slot 1", "slot 2", …) that is free at its start —
 * the classic interval partitioning. Use it when the work has no natural lane: N requests under
 * a Semaphore(k) then fill exactly k slots, and the waves show.
 */
export function packLanes(spans: readonly Span[], prefix = "slot "): Span[] {
  const laneEnds: number[] = [];
  return [...spans]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((s) => {
      let i = laneEnds.findIndex((end) => end <= s.start);
      if (i === -1) i = laneEnds.push(s.end) - 1;
      else laneEnds[i] = s.end;
      return { ...s, lane: `${prefix}${i + 1}` };
    });
}
