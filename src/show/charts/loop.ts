/**
 * Pictures of a {@link LoopTrace}: a timeline with one lane per queue of the event loop, and a
 * step-through replay (call stack, microtask queue, macrotask queue) animated with CSS alone.
 *
 *     sync       ██                                 a box per callback
 *     nextTick     █                                a thin line from queued to ran:
 *     microtask     ██                              the time it waited
 *     timers   ├─────────█
 *     check          ├──█
 *
 * Pure: both return a Chart (text and SVG) and print nothing. The replay needs no JavaScript,
 * so it plays in JupyterLab's output (an SVG shown as an image) and on the static site alike.
 */
import { type Chart, makeChart } from "./chart.js";
import { drawFrame } from "./frame.js";
import { FONT, GRID, INK, attrs, axisCaption, colorAt, escapeXml, estimateTextWidth, niceTicks, svgDocument, text, textOn } from "./svg.js";
import { LOOP_LANES } from "../../measure/loop-trace.js";
import type { LoopEvent, LoopLane, LoopTrace } from "../../measure/loop-trace.js";
import { packLanes } from "../../measure/timeline.js";
import { describeValue } from "../../internal/describe.js";

/** Options of {@link loopTraceChart}. */
export interface LoopTraceChartOptions {
  /** Title on top. Default `"What the event loop ran"`. */
  title?: string;
  /** `"time"`: x is real time (ms); `"order"`: one column per callback, in the order they ran (small traces read better). Default `"time"`. */
  scale?: "time" | "order";
  /** Which events to draw. Default: all of them. */
  filter?: (event: LoopEvent) => boolean;
  /** Draw at most this many events (the first ones). Default `400`. */
  maxEvents?: number;
  /** SVG width in px. Default `900`. */
  width?: number;
  /** Columns of the text form's rows. Default `60`. */
  textWidth?: number;
}

/** Options of {@link loopReplay}. */
export interface LoopReplayOptions {
  /** Title on top. Default `"Step by step: what the event loop ran"`. */
  title?: string;
  /** Which events become steps. Default: the ones labelled with `mark()` (all events if none was). */
  filter?: (event: LoopEvent) => boolean;
  /** At most this many steps (the first ones). Default `30`. */
  maxSteps?: number;
  /** Seconds each step stays on screen. Default `1.2`. */
  stepSeconds?: number;
  /** SVG width in px. Default `900`. */
  width?: number;
}

const LANE_NAMES: Record<LoopLane, string> = {
  sync: "sync code", nextTick: "nextTick", microtask: "microtasks", timers: "timers", poll: "poll (I/O)", check: "check (immediate)", close: "close",
};
const MICRO = new Set<LoopLane>(["nextTick", "microtask"]);

function checkTrace(trace: Pick<LoopTrace<unknown>, "events">): void {
  if (typeof trace !== "object" || trace === null || !Array.isArray(trace.events) || trace.events.length === 0) {
    throw new TypeError(`Expected trace to be what traceLoop() returns, got ${describeValue(trace)}`);
  }
}
function positiveInt(name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`Expected ${name} to be a positive integer, got ${describeValue(v)}`);
  return v;
}
const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/**
 * A timeline of a trace: one lane per queue (sync code, nextTick, microtasks, timers, poll/I/O,
 * check, close), plus thread-pool, worker and child-process lanes when the trace has such spans;
 * a box per callback and a thin line from when it was queued to when it ran. The text form
 * draws the same lanes and lists the callbacks in order. Pure: prints nothing.
 *
 * @example
 *   const trace = await traceLoop((mark) => { setTimeout(() => mark("timeout"), 0); setImmediate(() => mark("immediate")); });
 *   show(loopTraceChart(trace, { scale: "order" }));
 */
export function loopTraceChart(trace: Pick<LoopTrace<unknown>, "events" | "spans"> & Partial<Pick<LoopTrace<unknown>, "note" | "elu">>, options: LoopTraceChartOptions = {}): Chart {
  checkTrace(trace);
  const title = options.title ?? "What the event loop ran";
  const scale = options.scale ?? "time";
  if (scale !== "time" && scale !== "order") throw new RangeError(`Expected scale to be "time" or "order", got ${describeValue(scale)}`);
  const width = options.width ?? 900;
  const cols = positiveInt("textWidth", options.textWidth ?? 60);
  const max = positiveInt("maxEvents", options.maxEvents ?? 400);
  const events = trace.events.filter(options.filter ?? (() => true)).slice(0, max);
  if (events.length === 0) throw new RangeError("Expected the filter to keep at least one event, got none");
  const offSpans = scale === "time" ? packPool(trace.spans ?? []) : [];
  const lanes: string[] = [...LOOP_LANES.map((l) => LANE_NAMES[l]), ...unique(offSpans.map((s) => s.lane))];

  // x positions: real time, or one column per event (a queued-at maps to the event running then).
  const endMs = Math.max(...events.map((e) => e.ranAt + e.durationMs), ...offSpans.map((s) => s.end), 0.001);
  const column = (ms: number): number => {
    let k = 0;
    events.forEach((e, i) => { if (e.ranAt <= ms) k = i; });
    return k;
  };
  const ticks = scale === "time" ? niceTicks(0, endMs, 6) : niceTicks(0, events.length, Math.min(10, events.length));
  const axisMax = ticks[ticks.length - 1] as number;
  const caption = scale === "time" ? axisCaption("time since the trace started", "ms") : "callbacks, in the order they ran";
  const pos = (e: LoopEvent): { from: number; queued: number; to: number } => scale === "time"
    ? { from: e.ranAt, queued: e.queuedAt, to: e.ranAt + e.durationMs }
    : { from: events.indexOf(e), queued: Math.min(events.indexOf(e), column(e.queuedAt) + 0.5), to: events.indexOf(e) + 0.9 };

  // Text form.
  const laneW = Math.max(...lanes.map((l) => l.length));
  const rows = lanes.map(() => Array.from({ length: cols }, () => " "));
  const cell = (v: number): number => Math.max(0, Math.min(cols - 1, Math.floor((v / axisMax) * cols)));
  for (const e of events) {
    const row = rows[lanes.indexOf(LANE_NAMES[e.lane])] as string[];
    const p = pos(e);
    for (let c = cell(p.queued); c < cell(p.from); c++) if (row[c] === " ") row[c] = "·";
    for (let c = cell(p.from); c <= Math.max(cell(p.from), cell(p.to) - 1); c++) row[c] = "█";
  }
  for (const s of offSpans) {
    const row = rows[lanes.indexOf(s.lane)] as string[];
    for (let c = cell(s.start); c <= Math.max(cell(s.start), cell(s.end) - 1); c++) row[c] = "▓";
  }
  const lines = [title];
  lanes.forEach((lane, i) => lines.push(`${lane.padEnd(laneW)} │${(rows[i] as string[]).join("").trimEnd()}`));
  lines.push(`${" ".repeat(laneW)} └${"─".repeat(cols)} ${scale === "time" ? `0–${fmtMs(axisMax)} ms` : `${events.length} callbacks`}`);
  lines.push("", " #  queue               kind        ran at (ms)  took (ms)  what");
  const listed = events.slice(0, 40);
  for (const e of listed) {
    lines.push(`${String(e.seq).padStart(2)}  ${LANE_NAMES[e.lane].padEnd(18)}  ${e.kind.padEnd(10)}  ${fmtMs(e.ranAt).padStart(11)}  ${fmtMs(e.durationMs).padStart(9)}  ${e.label}`);
  }
  if (events.length > listed.length) lines.push(`… and ${events.length - listed.length} more`);
  if (trace.elu !== undefined) lines.push(`event-loop utilization ${(trace.elu.utilization * 100).toFixed(0)} %`);
  if (trace.note !== undefined) lines.push(trace.note);

  // SVG form.
  const left = Math.max(120, ...lanes.map((l) => estimateTextWidth(l, FONT.label) + 24));
  const right = 28;
  // In order mode every callback gets a column, headed by its label written at a slant.
  const headerH = scale === "order" ? Math.min(160, Math.max(0, ...events.map((e) => estimateTextWidth(e.label, FONT.tick))) * 0.55 + 20) : 0;
  const top = 60 + headerH;
  const laneH = 30;
  const laneGap = 8;
  const plotW = width - left - right;
  const plotH = lanes.length * (laneH + laneGap) + laneGap;
  const notes = [trace.elu === undefined ? undefined : `event-loop utilization ${(trace.elu.utilization * 100).toFixed(0)} %`, trace.note].filter((n): n is string => n !== undefined);
  const height = top + plotH + 84 + notes.length * 24;
  const x = (v: number): number => left + (v / axisMax) * plotW;
  const laneY = (i: number): number => top + laneGap + i * (laneH + laneGap);
  const body: string[] = [];
  body.push(...drawFrame({ left, top, width: plotW, height: plotH }, { ticks, at: x, grid: true, caption }));
  lanes.forEach((lane, i) => {
    body.push(`<rect${attrs({ x: left, y: laneY(i) - laneGap / 2, width: plotW, height: laneH + laneGap, fill: i % 2 === 0 ? "#f6f6f6" : "#ffffff", stroke: GRID, "stroke-width": 0 })}/>`);
    body.push(text(left - 10, laneY(i) + laneH / 2 + 6, lane, { "text-anchor": "end", "font-size": FONT.label, fill: INK, class: "lane-label" }));
  });
  for (const e of events) {
    const i = lanes.indexOf(LANE_NAMES[e.lane]);
    const y = laneY(i);
    const fill = colorAt(i);
    const p = pos(e);
    if (x(p.from) - x(p.queued) >= 1) {
      body.push(`<line${attrs({ x1: x(p.queued), y1: y + laneH / 2, x2: x(p.from), y2: y + laneH / 2, stroke: fill, "stroke-width": 1.5, "stroke-dasharray": "4 3", class: "wait" })}/>`);
      body.push(`<circle${attrs({ cx: x(p.queued), cy: y + laneH / 2, r: 3, fill, class: "queued" })}/>`);
    }
    const w = Math.max(3, x(p.to) - x(p.from));
    const tip = `#${e.seq} ${e.label} (${e.kind}, ${e.type}): queued ${fmtMs(e.queuedAt)} ms, ran ${fmtMs(e.ranAt)} ms for ${fmtMs(e.durationMs)} ms`;
    body.push(`<rect${attrs({ x: x(p.from), y, width: w, height: laneH, rx: 3, fill, class: "callback", "data-lane": e.lane, "data-kind": e.kind, "data-label": e.label })}><title>${escapeXml(tip)}</title></rect>`);
    if (scale === "order") {
      const cx = x(p.from) + w / 2;
      body.push(text(cx, top - 8, e.label, { "text-anchor": "start", "font-size": FONT.tick, fill: INK, class: "column-label", transform: `rotate(-35 ${cx.toFixed(2)} ${(top - 8).toFixed(2)})` }));
    } else if (e.label !== e.type && estimateTextWidth(e.label, FONT.tick) + 8 < w) {
      body.push(text(x(p.from) + w / 2, y + laneH / 2 + 5, e.label, { "text-anchor": "middle", "font-size": FONT.tick, fill: textOn(fill), class: "callback-label" }));
    }
  }
  for (const s of offSpans) {
    const i = lanes.indexOf(s.lane);
    const w = Math.max(3, x(s.end) - x(s.start));
    body.push(`<rect${attrs({ x: x(s.start), y: laneY(i) + 4, width: w, height: laneH - 8, rx: 3, fill: colorAt(i), "fill-opacity": 0.6, class: "off-thread", "data-lane": s.lane })}><title>${escapeXml(`${s.label}: ${fmtMs(s.start)}–${fmtMs(s.end)} ms`)}</title></rect>`);
  }
  notes.forEach((n, k) => body.push(text(left, top + plotH + 80 + k * 24, n, { "font-size": FONT.label, fill: INK, class: "note" })));
  return makeChart("loop", title, lines.join("\n"), svgDocument(width, height, title, body, "chart loop-trace-chart"));
}

/** Thread-pool spans packed into "pool 1", "pool 2" … (as many as ran at once); worker and child spans keep their lanes. */
function packPool(spans: LoopTrace<unknown>["spans"]): LoopTrace<unknown>["spans"] {
  const pool = spans.filter((s) => s.lane === "thread pool");
  return [...packLanes(pool, "in the pool "), ...spans.filter((s) => s.lane !== "thread pool")];
}
function unique(xs: string[]): string[] {
  return xs.filter((v, i) => xs.indexOf(v) === i);
}

/** One step of a replay: what runs, and what waits in each queue at that moment. */
interface Step { running: LoopEvent; micro: LoopEvent[]; macro: LoopEvent[] }

function stepsOf(events: readonly LoopEvent[]): Step[] {
  return events.map((running) => {
    const waiting = events.filter((e) => e.queuedAt <= running.ranAt && e.ranAt > running.ranAt).sort((a, b) => a.ranAt - b.ranAt);
    return { running, micro: waiting.filter((e) => MICRO.has(e.lane)), macro: waiting.filter((e) => !MICRO.has(e.lane)) };
  });
}

/** A short, stable id for class names, so two replays on one page never share their CSS. */
function hashId(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/**
 * A step-through replay of a (small) trace, as an SVG that animates itself with CSS: at each
 * step the call stack shows the callback that runs, and the microtask queue (nextTicks and
 * promise reactions) and the macrotask queue (timers, immediates, I/O, close) show what is
 * waiting — boxes filling and emptying in the order Node really ran them. It loops. No
 * JavaScript: it plays in JupyterLab and on a static page. The text form lists the steps.
 *
 * @example
 *   show(loopReplay(await traceLoop((mark) => { setTimeout(() => mark("timeout"), 0); Promise.resolve().then(() => mark("then")); })));
 */
export function loopReplay(trace: Pick<LoopTrace<unknown>, "events">, options: LoopReplayOptions = {}): Chart {
  checkTrace(trace);
  const title = options.title ?? "Step by step: what the event loop ran";
  const maxSteps = positiveInt("maxSteps", options.maxSteps ?? 30);
  const stepS = options.stepSeconds ?? 1.2;
  if (!(Number.isFinite(stepS) && stepS >= 0.1)) throw new RangeError(`Expected stepSeconds to be a number ≥ 0.1, got ${describeValue(stepS)}`);
  const width = options.width ?? 900;
  const anyMarked = trace.events.some((e) => e.kind !== "sync" && e.label !== e.type);
  const keep = options.filter ?? ((e: LoopEvent) => !anyMarked || e.kind === "sync" || e.label !== e.type);
  const events = trace.events.filter(keep).slice(0, maxSteps);
  if (events.length === 0) throw new RangeError("Expected the filter to keep at least one event, got none");
  const steps = stepsOf(events);
  const name = (e: LoopEvent): string => e.label;
  const tag = (e: LoopEvent): string => `${LANE_NAMES[e.lane]}: ${name(e)}`;

  const lines = [title];
  steps.forEach((s, k) => {
    lines.push(`step ${String(k + 1).padStart(2)}  running: ${tag(s.running)}`);
    lines.push(`          microtasks: [${s.micro.map(name).join(", ")}]  macrotasks: [${s.macro.map(tag).join(", ")}]`);
  });

  // Layout: three columns (call stack, microtask queue, macrotask queue), a box per item.
  const uid = `r${hashId(JSON.stringify(events.map((e) => [e.seq, e.label, e.lane])))}`;
  const colW = (width - 80) / 3;
  const boxH = 34;
  const most = Math.max(1, ...steps.map((s) => Math.max(s.micro.length, s.macro.length)));
  const shown = Math.min(most, 8);
  const top = 110;
  const colH = (shown + 1) * (boxH + 8) + 16;
  const height = top + colH + 90;
  const columns = ["call stack", "microtask queue", "macrotask queue"];
  const body: string[] = [];
  const total = steps.length * stepS;
  const share = 100 / steps.length;
  body.push(`<style>.${uid} { opacity: 0; animation: ${uid}-show ${total.toFixed(2)}s step-end infinite; } @keyframes ${uid}-show { 0% { opacity: 1; } ${share.toFixed(4)}% { opacity: 0; } 100% { opacity: 0; } }</style>`);
  columns.forEach((c, i) => {
    const x0 = 40 + i * colW;
    body.push(text(x0 + colW / 2 - 6, top - 16, c, { "text-anchor": "middle", "font-size": FONT.label, "font-weight": "bold", fill: INK, class: "column-title" }));
    body.push(`<rect${attrs({ x: x0, y: top, width: colW - 12, height: colH, rx: 6, fill: "#f6f6f6", stroke: GRID, "stroke-width": 1.5 })}/>`);
  });
  const box = (col: number, row: number, e: LoopEvent | undefined, label: string, fill: string): string => {
    const x0 = 40 + col * colW + 8;
    // The call stack grows up from the bottom; the queues fill from the top, first to run first.
    const y = col === 0 ? top + colH - 8 - (row + 1) * (boxH + 8) : top + 8 + row * (boxH + 8);
    const w = colW - 28;
    let shownLabel = label;
    while (shownLabel.length > 3 && estimateTextWidth(shownLabel, FONT.tick) > w - 12) shownLabel = `${shownLabel.slice(0, -2)}…`;
    return `<rect${attrs({ x: x0, y, width: w, height: boxH, rx: 4, fill, class: "item", "data-lane": e?.lane })}/>${text(x0 + w / 2, y + boxH / 2 + 5, shownLabel, { "text-anchor": "middle", "font-size": FONT.tick, fill: textOn(fill) })}`;
  };
  const colorOf = (e: LoopEvent): string => colorAt(LOOP_LANES.indexOf(e.lane));
  steps.forEach((s, k) => {
    const parts: string[] = [];
    parts.push(box(0, 0, s.running, tag(s.running), colorOf(s.running)));
    s.micro.slice(0, shown).forEach((e, r) => parts.push(box(1, r, e, tag(e), colorOf(e))));
    s.macro.slice(0, shown).forEach((e, r) => parts.push(box(2, r, e, tag(e), colorOf(e))));
    if (s.micro.length > shown) parts.push(text(40 + colW * 1.5, top + colH - 10, `+${s.micro.length - shown} more`, { "text-anchor": "middle", fill: INK }));
    if (s.macro.length > shown) parts.push(text(40 + colW * 2.5, top + colH - 10, `+${s.macro.length - shown} more`, { "text-anchor": "middle", fill: INK }));
    parts.push(text(width / 2, top + colH + 40, `step ${k + 1} of ${steps.length}: ${tag(s.running)} runs`, { "text-anchor": "middle", "font-size": FONT.label, fill: INK, class: "step-caption" }));
    parts.push(`<rect${attrs({ x: 40, y: top + colH + 60, width: ((width - 80) * (k + 1)) / steps.length, height: 8, fill: colorAt(0), class: "progress" })}/>`);
    body.push(`<g${attrs({ class: `${uid} step`, "data-step": k + 1, style: `animation-delay: ${(k * stepS).toFixed(2)}s` })}>${parts.join("")}</g>`);
  });
  body.push(text(width / 2, 62, "a real run, replayed: the order Node used", { "text-anchor": "middle", "font-size": FONT.tick, fill: INK, class: "subtitle" }));
  return makeChart("replay", title, lines.join("\n"), svgDocument(width, height, title, body, "chart loop-replay"));
}
