/**
 * A trace of what the event loop really ran for a piece of code: every timer, immediate,
 * nextTick, promise reaction, I/O completion and close callback that `fn` (and what it started)
 * caused, with when it was queued, when it ran and for how long.
 *
 *     lane       0 ms        1 ms        2 ms
 *     sync       [fn ]                              ← fn's own synchronous code
 *     nextTick        [t]                           ← before any promise reaction
 *     microtask         [p][p]
 *     timers   ·········· ─ ─ ─ [timeout]           ← thin line: queued … ran
 *     check                 [immediate]
 *     poll                           [fs read]      ← I/O done in the thread pool
 *
 * Built on `async_hooks.createHook`: its init/before/after callbacks see every resource Node
 * makes (including promises) and every callback it runs for one, in the real order. That one
 * hook gives both the macrotasks and the microtasks; `v8.promiseHooks` would add a second hook
 * for promises only, and `diagnostics_channel` publishes too few of the loop's events. The hook
 * is enabled only while `fn` runs and disabled in a `finally`, so nothing is slowed afterwards.
 * Event-loop utilization comes from `perf_hooks.performance.eventLoopUtilization()`.
 */
import { AsyncResource, createHook, executionAsyncId } from "node:async_hooks";
import { stat } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { describeValue } from "../internal/describe.js";
import type { Span } from "./timeline.js";

/** What kind of callback the loop ran. I/O kinds are named after what did the I/O. */
export type LoopEventKind =
  | "sync" | "nextTick" | "microtask" | "timer" | "immediate" | "close"
  | "fs" | "tcp" | "pipe" | "udp" | "dns" | "zlib" | "crypto" | "http" | "tty" | "signal" | "child" | "worker" | "other";

/** Which queue of Node's event loop ran a callback (libuv's phases, plus the two JavaScript queues). */
export type LoopLane = "sync" | "nextTick" | "microtask" | "timers" | "poll" | "check" | "close";

/** The lanes in the order Node serves them: the sync code, its two queues, then libuv's phases. */
export const LOOP_LANES: readonly LoopLane[] = ["sync", "nextTick", "microtask", "timers", "poll", "check", "close"];

/** One callback the event loop ran (times in ms since the trace started). */
export interface LoopEvent {
  /** Position in the order the callbacks ran (0, 1, …). */
  readonly seq: number;
  /** What kind of callback it was. */
  readonly kind: LoopEventKind;
  /** The queue that ran it. */
  readonly lane: LoopLane;
  /** Node's async resource type, e.g. `"Timeout"`, `"PROMISE"`, `"FSREQCALLBACK"`. */
  readonly type: string;
  /** The async id of the resource (the same id for every run of one interval or socket). */
  readonly resource: number;
  /** The label given with `mark()` while it ran; otherwise `type`. */
  readonly label: string;
  /** When the resource was made: when the callback was queued (or the I/O started). */
  readonly queuedAt: number;
  /** When the callback started. */
  readonly ranAt: number;
  /** How long it ran, ms. */
  readonly durationMs: number;
}

/** Event-loop utilization during the trace (perf_hooks). */
export interface LoopUtilization {
  /** Share of the time the loop was busy running code (0–1). */
  readonly utilization: number;
  /** Time the loop ran code, ms. */
  readonly activeMs: number;
  /** Time the loop waited for something to happen, ms. */
  readonly idleMs: number;
}

/** What {@link traceLoop} returns. */
export interface LoopTrace<T> {
  /** What `fn` returned (awaited). */
  readonly value: T;
  /** Wall time from the start of `fn` until it settled, ms (the trace may go on a little: `waitMs`). */
  readonly elapsedMs: number;
  /** Every callback recorded, in the order it ran; the first is `fn`'s own synchronous code. */
  readonly events: readonly LoopEvent[];
  /** Work done off the main thread, as spans: `"thread pool"` requests, `"worker …"` and `"child …"` lifetimes. */
  readonly spans: readonly Span[];
  /** The labels passed to `mark()`, in the order they were marked. */
  readonly marks: readonly string[];
  /** Event-loop utilization while `fn` ran. */
  readonly elu: LoopUtilization;
  /** `true` when `maxEvents` was reached and later callbacks were not recorded. */
  readonly truncated: boolean;
  /** How many callbacks ran after the cap and were not recorded. */
  readonly dropped: number;
  /** A sentence about the cap when it was reached, else `undefined`. */
  readonly note: string | undefined;
}

/** Options of {@link traceLoop}. */
export interface TraceLoopOptions {
  /** Stop recording after this many callbacks (the rest are counted in `dropped`). Default `2000`. */
  maxEvents?: number;
  /**
   * After `fn` settles, keep recording until the timers, immediates, nextTicks and thread-pool
   * requests it queued have run (a sync `fn` that only sets a timer returns before it fires), for
   * at most this many ms. Default `100`.
   */
  waitMs?: number;
  /** Leave out promise reactions that nobody labelled with `mark()` (await's internal steps). Default `false`. */
  onlyMarkedMicrotasks?: boolean;
  /**
   * Where `fn` starts: `"caller"` runs it at once, from wherever `traceLoop` was called (inside a
   * promise reaction, for example, its promise reactions then run before its nextTicks); `"io"`
   * runs it inside an I/O callback (libuv's poll phase), as a server's request handler runs;
   * `"immediate"` inside a `setImmediate` callback (the check phase). Default `"caller"`.
   */
  from?: "caller" | "io" | "immediate";
}

/** Label the callback that is running now; the label shows in the trace and its pictures. */
export type MarkFunction = (label: string) => void;

/** Resource types whose callbacks are I/O completions, by kind. */
const IO_KINDS: Record<string, LoopEventKind> = {
  FSREQCALLBACK: "fs", FSREQPROMISE: "fs", FILEHANDLE: "fs", FILEHANDLECLOSEREQ: "fs", FSEVENTWRAP: "fs", STATWATCHER: "fs", STREAMPIPE: "pipe",
  TCPWRAP: "tcp", TCPCONNECTWRAP: "tcp", TCPSERVERWRAP: "tcp", WRITEWRAP: "tcp", SHUTDOWNWRAP: "tcp", TLSWRAP: "tcp", JSSTREAM: "tcp",
  PIPEWRAP: "pipe", PIPECONNECTWRAP: "pipe", PIPESERVERWRAP: "pipe",
  UDPWRAP: "udp", UDPSENDWRAP: "udp",
  GETADDRINFOREQWRAP: "dns", GETNAMEINFOREQWRAP: "dns", QUERYWRAP: "dns",
  ZLIB: "zlib",
  HTTPINCOMINGMESSAGE: "http", HTTPCLIENTREQUEST: "http", HTTP2SESSION: "http", HTTP2STREAM: "http", HTTPPARSER: "http",
  TTYWRAP: "tty", SIGNALWRAP: "signal",
  PROCESSWRAP: "child", WORKER: "worker", MESSAGEPORT: "worker",
};

/** Requests libuv hands to its thread pool (they are waiting or working there until their callback runs). */
const POOL_TYPES = new Set(["FSREQCALLBACK", "FSREQPROMISE", "FILEHANDLECLOSEREQ", "GETADDRINFOREQWRAP", "GETNAMEINFOREQWRAP", "ZLIB"]);
/** Callbacks queued to run once: fn has not finished with the loop while one of them is still waiting. */
const QUEUED_TYPES = new Set(["Timeout", "Immediate", "TickObject"]);
/** Handles whose last callback before Node destroys them is their close callback (libuv's close phase). */
const CLOSING_HANDLES = new Set(["TCPWRAP", "TCPSERVERWRAP", "PIPEWRAP", "PIPESERVERWRAP", "UDPWRAP", "TLSWRAP"]);

function kindOf(type: string): LoopEventKind {
  if (type === "Timeout") return "timer";
  if (type === "Immediate") return "immediate";
  if (type === "TickObject") return "nextTick";
  if (type === "PROMISE") return "microtask";
  const io = IO_KINDS[type];
  if (io !== undefined) return io;
  // Crypto jobs are named after the algorithm: PBKDF2REQUEST, SCRYPTREQUEST, RANDOMBYTESREQUEST, HASHREQUEST…
  if (/REQUEST$/.test(type) && !type.startsWith("HTTP")) return "crypto";
  return "other";
}

function laneOf(kind: LoopEventKind): LoopLane {
  switch (kind) {
    case "sync": return "sync";
    case "nextTick": return "nextTick";
    case "microtask": return "microtask";
    case "timer": return "timers";
    case "immediate": return "check";
    case "close": return "close";
    default: return "poll";
  }
}

interface Resource { type: string; trigger: number; queuedAt: number; resolvedAt?: number; runs: number[]; destroyed: boolean }
interface Run { seq: number; resource: number; ranAt: number; end: number; label?: string }

/** Call `run` inside an I/O callback (a stat of this file: poll phase) or a `setImmediate` callback (check phase). */
function startFrom<T>(from: "io" | "immediate", run: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const go = (): void => {
      try { resolve(run()); } catch (error) { reject(error); }
    };
    if (from === "immediate") setImmediate(go);
    else stat(fileURLToPath(import.meta.url), go);
  });
}

/** The one trace that may run at a time: async_hooks sees the whole process, so two would mix. */
let active = false;

/**
 * Run `fn` (sync or async) and record every callback the event loop ran for it: timers,
 * immediates, `process.nextTick`, promise reactions, I/O callbacks by kind (fs, TCP, pipes, DNS,
 * zlib, crypto …) and close callbacks, each with when it was queued, when it ran and for how
 * long; thread-pool requests, workers and child processes that `fn` started, as spans; and the
 * event-loop utilization. Only what `fn` caused is recorded (the resources made inside it and,
 * transitively, inside their callbacks), not the kernel's own traffic.
 *
 * `fn` receives `mark(label)`: call it inside a callback to name that callback in the trace.
 * Tracing is on only during the call and switched off afterwards, also when `fn` throws (the
 * error is re-thrown). One trace at a time. A close callback is recognised as the last callback
 * of a socket, pipe or server before Node destroyed it.
 *
 * Timing code of its own should not run under a trace: every promise costs a hook call.
 *
 * @example
 *   const trace = await traceLoop((mark) => {
 *     setTimeout(() => mark("timeout"), 0);
 *     setImmediate(() => mark("immediate"));
 *     Promise.resolve().then(() => mark("promise"));
 *     process.nextTick(() => mark("nextTick"));
 *   });
 *   trace.marks;   // ["nextTick", "promise", "timeout" | "immediate", …]
 *   show(loopTraceChart(trace));
 */
export async function traceLoop<T>(fn: (mark: MarkFunction) => T | PromiseLike<T>, options: TraceLoopOptions = {}): Promise<LoopTrace<Awaited<T>>> {
  if (typeof fn !== "function") throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  if (typeof options !== "object" || options === null) throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
  const maxEvents = options.maxEvents ?? 2000;
  if (!(Number.isInteger(maxEvents) && maxEvents >= 1)) {
    throw new RangeError(`Expected maxEvents to be a positive integer, got ${describeValue(maxEvents)}`);
  }
  const waitMs = options.waitMs ?? 100;
  if (!(Number.isFinite(waitMs) && waitMs >= 0)) throw new RangeError(`Expected waitMs to be a number ≥ 0, got ${describeValue(waitMs)}`);
  const onlyMarked = options.onlyMarkedMicrotasks ?? false;
  if (typeof onlyMarked !== "boolean") throw new TypeError(`Expected onlyMarkedMicrotasks to be a boolean, got ${describeValue(onlyMarked)}`);
  const from = options.from ?? "caller";
  if (!["caller", "io", "immediate"].includes(from)) throw new RangeError(`Expected from to be "caller", "io" or "immediate", got ${describeValue(from)}`);
  if (active) throw new Error("Expected no other traceLoop() to be running, got one still running (await it first)");
  active = true;

  const resources = new Map<number, Resource>();
  const runs: Run[] = [];
  const open = new Map<number, Run[]>();
  const marks: string[] = [];
  let dropped = 0;
  let stopped = false;
  const ownRuns = new Set<number>();
  let start = performance.now();
  const root = new AsyncResource("concurrency-lab:traceLoop");
  const rootId = root.asyncId();

  const hook = createHook({
    init(id, type, triggerId) {
      // Ours: made inside fn's code or inside a callback of something fn made.
      const current = executionAsyncId();
      if (stopped) return;
      if (current === rootId || triggerId === rootId || resources.has(current) || resources.has(triggerId)) {
        resources.set(id, { type, trigger: triggerId, queuedAt: performance.now() - start, runs: [], destroyed: false });
      }
    },
    before(id) {
      const r = resources.get(id);
      if (r === undefined || stopped) return;
      if (runs.length >= maxEvents) { dropped++; return; }
      const run: Run = { seq: runs.length, resource: id, ranAt: performance.now() - start, end: Number.NaN };
      runs.push(run);
      r.runs.push(run.seq);
      const stack = open.get(id);
      if (stack === undefined) open.set(id, [run]);
      else stack.push(run);
    },
    after(id) {
      const stack = open.get(id);
      const run = stack?.pop();
      if (run !== undefined) run.end = performance.now() - start;
    },
    promiseResolve(id) {
      const r = resources.get(id);
      if (r !== undefined && r.resolvedAt === undefined) r.resolvedAt = performance.now() - start;
    },
    destroy(id) {
      const r = resources.get(id);
      if (r !== undefined) r.destroyed = true;
    },
  });

  const mark: MarkFunction = (label) => {
    if (typeof label !== "string") throw new TypeError(`Expected label to be a string, got ${describeValue(label)}`);
    // A callback that runs after the trace ended is not part of it.
    if (stopped) return;
    marks.push(label);
    const id = executionAsyncId();
    const run = open.get(id)?.at(-1);
    if (run !== undefined) run.label = run.label === undefined ? label : `${run.label}, ${label}`;
    else if (id === rootId) rootLabels.push(label);
  };
  const rootLabels: string[] = [];

  const elu0 = performance.eventLoopUtilization();
  let syncStart = 0;
  let syncEnd = 0;
  let end = 0;
  let value: Awaited<T>;
  const outside = new AsyncResource("concurrency-lab:traceLoop-wait");
  const hasPending = (): boolean => {
    for (const r of resources.values()) if (r.runs.length === 0 && !r.destroyed && (QUEUED_TYPES.has(r.type) || POOL_TYPES.has(r.type) || kindOf(r.type) === "crypto")) return true;
    return false;
  };
  hook.enable();
  try {
    start = performance.now();
    const runFn = (): T | PromiseLike<T> => root.runInAsyncScope(() => {
      const t0 = performance.now();
      try { return fn(mark); } finally { syncStart = t0 - start; syncEnd = performance.now() - start; }
    });
    value = await (from === "caller" ? runFn() : startFrom(from, runFn));
    end = performance.now() - start;
    // From here on the code running is traceLoop's own continuation: leave its turns out.
    const ownTurn = (): void => {
      const own = executionAsyncId();
      for (const run of runs) if (run.resource === own && Number.isNaN(run.end)) ownRuns.add(run.seq);
    };
    ownTurn();
    // fn may return before what it queued has run (a sync fn that sets a timer): keep recording
    // until its timers, immediates, nextTicks and thread-pool requests have run, within waitMs.
    // The waiting timers are made in a scope of their own, so they are not taken for fn's.
    const deadline = performance.now() + waitMs;
    while (hasPending() && performance.now() < deadline) {
      await new Promise<void>((resolve) => outside.runInAsyncScope(() => setTimeout(resolve, 1)));
      ownTurn();
    }
    stopped = true;
    // Destroy hooks are emitted in a later check phase: wait past it, so close callbacks can be
    // told apart. A timer (not an immediate) so the caller goes on in the timers phase, as after
    // any short sleep: a setTimeout(0) and a setImmediate it then starts keep their usual order.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  } finally {
    hook.disable();
    root.emitDestroy();
    outside.emitDestroy();
    active = false;
    stopped = true;
    if (end === 0) end = performance.now() - start;
  }
  const elu = performance.eventLoopUtilization(elu0);

  const closeRuns = new Set<number>();
  for (const r of resources.values()) {
    const last = r.runs.at(-1);
    if (r.destroyed && last !== undefined && CLOSING_HANDLES.has(r.type)) closeRuns.add(last);
  }
  const events: LoopEvent[] = [{ seq: 0, kind: "sync", lane: "sync", type: "fn", resource: rootId, label: rootLabels.length > 0 ? rootLabels.join(", ") : "fn (sync)", queuedAt: syncStart, ranAt: syncStart, durationMs: syncEnd - syncStart }];
  for (const run of runs) {
    if (ownRuns.has(run.seq)) continue;
    const r = resources.get(run.resource) as Resource;
    const kind = closeRuns.has(run.seq) ? "close" : kindOf(r.type);
    if (onlyMarked && kind === "microtask" && run.label === undefined) continue;
    // A callback still running when the trace ended (it never returned to the loop) ends at the end.
    const stop = Number.isNaN(run.end) ? end : run.end;
    events.push({ seq: events.length, kind, lane: laneOf(kind), type: r.type, resource: run.resource, label: run.label ?? r.type, queuedAt: queuedAt(r, run), ranAt: run.ranAt, durationMs: Math.max(0, stop - run.ranAt) });
  }

  function queuedAt(r: Resource, run: Run): number {
    // A later run of an interval or a socket was queued after the run before it.
    const k = r.runs.indexOf(run.seq);
    if (k > 0) return (runs[r.runs[k - 1] as number] as Run).end;
    // A promise reaction is queued when the promise it waits for settles.
    if (r.type === "PROMISE") {
      const parent = resources.get(r.trigger)?.resolvedAt;
      if (parent !== undefined && parent <= run.ranAt) return Math.max(r.queuedAt, parent);
    }
    return r.queuedAt;
  }

  const spans: Span[] = [];
  for (const [id, r] of resources) {
    const first = r.runs[0];
    const ranAt = first === undefined ? undefined : (runs[first] as Run).ranAt;
    if (POOL_TYPES.has(r.type) || kindOf(r.type) === "crypto") {
      if (ranAt !== undefined) spans.push({ label: `${r.type} #${id}`, lane: "thread pool", start: r.queuedAt, end: ranAt, failed: false });
    } else if (r.type === "WORKER" || r.type === "PROCESSWRAP") {
      const lastSeq = r.runs.at(-1);
      const stop = lastSeq === undefined ? end : (runs[lastSeq] as Run).ranAt;
      spans.push({ label: `${r.type === "WORKER" ? "worker" : "child"} #${id}`, lane: r.type === "WORKER" ? `worker #${id}` : `child #${id}`, start: r.queuedAt, end: Math.max(r.queuedAt, stop), failed: false });
    }
  }
  spans.sort((a, b) => a.start - b.start);

  return {
    value,
    elapsedMs: end,
    events,
    spans,
    marks,
    elu: { utilization: elu.utilization, activeMs: elu.active, idleMs: elu.idle },
    truncated: dropped > 0,
    dropped,
    note: dropped > 0 ? `Recorded the first ${maxEvents} callbacks (maxEvents); ${dropped} more ran and were not recorded.` : undefined,
  };
}
