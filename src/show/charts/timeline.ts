/**
 * Gantt charts of spans (what ran where, when) and the heartbeat picture of a blocked event loop.
 *
 * Hand-written: Gantt charts are not in asciichart, and the SVG ones in Mermaid or Vega need a
 * browser to render. A lane is a row, a span a rectangle: simple enough to own and test.
 */
import { type Chart, makeChart } from "./chart.js";
import { drawFrame } from "./frame.js";
import { ALERT, FONT, INK, attrs, axisCaption, colorAt, escapeXml, estimateTextWidth, formatTick, niceTicks, svgDocument, text, textOn } from "./svg.js";
import type { Span } from "../../measure/timeline.js";
import type { LoopProbeResult } from "../../measure/loop-probe.js";
import { describeValue } from "../../internal/describe.js";

/** Options of {@link timelineChart}. */
export interface TimelineChartOptions {
  /** Title on top. Default `"Timeline"`. */
  title?: string;
  /** What a lane is, for the lane axis: `"worker"`, `"connection"`, `"slot"`… Default `"lane"`. */
  laneLabel?: string;
  /** Colour each span by its lane (`"lane"`) or each span apart, in order of start (`"span"`). Default `"lane"`. */
  colorBy?: "lane" | "span";
  /** Write span labels inside the bars when they fit. Default `true`. */
  showLabels?: boolean;
  /** SVG width in px. Default `800`. */
  width?: number;
  /** Columns of the text time axis. Default `60`. */
  textWidth?: number;
}

function checkSpans(spans: readonly Span[]): void {
  if (!Array.isArray(spans) || spans.length === 0) {
    throw new TypeError(`Expected spans to be a non-empty array of { label, lane, start, end }, got ${describeValue(spans)}`);
  }
  spans.forEach((s, i) => {
    if (typeof s !== "object" || s === null || typeof s.label !== "string" || typeof s.lane !== "string") {
      throw new TypeError(`Expected spans[${i}] to be { label: string, lane: string, start, end }, got ${describeValue(s)}`);
    }
    if (!(Number.isFinite(s.start) && Number.isFinite(s.end) && s.end >= s.start && s.start >= 0)) {
      throw new RangeError(`Expected spans[${i}] to have 0 ≤ start ≤ end (ms), got ${describeValue(s.start)} and ${describeValue(s.end)}`);
    }
  });
}

/** Text time axis: a rule with ticks, then the tick labels under them, then the caption. */
function textAxis(indent: number, cols: number, ticks: number[], axisMax: number, caption: string): string[] {
  const rule = Array.from({ length: cols }, () => "─");
  const labels = Array.from({ length: cols + 8 }, () => " ");
  for (const t of ticks) {
    const c = Math.min(cols - 1, Math.round((t / axisMax) * (cols - 1)));
    rule[c] = "┬";
    const label = formatTick(t);
    const from = Math.max(0, Math.min(cols + 8 - label.length, c - Math.floor(label.length / 2)));
    for (let k = 0; k < label.length; k++) labels[from + k] = label[k] as string;
  }
  const pad = " ".repeat(indent);
  return [`${pad}└${rule.join("")}`, `${pad} ${labels.join("").trimEnd()}  ${caption}`];
}

/**
 * A Gantt chart of spans: one row per lane (in order of first start), one bar per span, time in
 * seconds on the x axis. Failed spans are vermillion (text: `░`). Pure: prints nothing.
 *
 * @example
 *   show(timelineChart(packLanes(tl.spans), { title: "Semaphore(5): three waves", laneLabel: "slot" }));
 */
export function timelineChart(spans: readonly Span[], options: TimelineChartOptions = {}): Chart {
  checkSpans(spans);
  const title = options.title ?? "Timeline";
  const laneLabel = options.laneLabel ?? "lane";
  const colorBy = options.colorBy ?? "lane";
  const showLabels = options.showLabels ?? true;
  const width = options.width ?? 800;
  const cols = options.textWidth ?? 60;
  if (!(Number.isInteger(cols) && cols >= 10)) throw new RangeError(`Expected textWidth to be an integer ≥ 10, got ${describeValue(cols)}`);
  const ordered = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const lanes: string[] = [];
  for (const s of ordered) if (!lanes.includes(s.lane)) lanes.push(s.lane);
  const endS = Math.max(...spans.map((s) => s.end)) / 1000;
  const ticks = niceTicks(0, endS > 0 ? endS : 0.001, 6);
  const axisMax = ticks[ticks.length - 1] as number;
  const caption = axisCaption("time", "s");

  // Text form: each lane a row of cells; consecutive spans alternate █ and ▓ so their edges show.
  const laneW = Math.max(laneLabel.length, ...lanes.map((l) => l.length));
  const rows = lanes.map(() => Array.from({ length: cols }, () => " "));
  const perLane = new Map<string, number>();
  for (const s of ordered) {
    const row = rows[lanes.indexOf(s.lane)] as string[];
    const k = perLane.get(s.lane) ?? 0;
    perLane.set(s.lane, k + 1);
    const from = Math.min(cols - 1, Math.floor((s.start / 1000 / axisMax) * cols));
    const to = Math.max(from + 1, Math.min(cols, Math.round((s.end / 1000 / axisMax) * cols)));
    for (let c = from; c < to; c++) row[c] = s.failed ? "░" : k % 2 === 0 ? "█" : "▓";
  }
  const lines = [title, `${laneLabel.padEnd(laneW)}`];
  lanes.forEach((lane, i) => lines.push(`${lane.padEnd(laneW)} │${(rows[i] as string[]).join("")}`));
  lines.push(...textAxis(laneW + 1, cols, ticks, axisMax, caption));

  // SVG form.
  const left = Math.min(240, Math.max(96, ...[laneLabel, ...lanes].map((l) => estimateTextWidth(l, FONT.label) + 30)));
  const right = 28;
  const top = 60;
  const laneH = 32;
  const laneGap = 10;
  const plotW = width - left - right;
  const plotH = lanes.length * (laneH + laneGap) + laneGap;
  const anyFailed = spans.some((s) => s.failed);
  const height = top + plotH + 84 + (anyFailed ? 30 : 0);
  const x = (ms: number): number => left + (ms / 1000 / axisMax) * plotW;
  const body: string[] = [];
  const axisY = top + plotH;
  body.push(...drawFrame({ left, top, width: plotW, height: plotH }, { ticks, at: (t) => x(t * 1000), grid: true, caption }));
  body.push(text(left - 10, top - 8, laneLabel, { "text-anchor": "end", "font-size": FONT.label, "font-weight": "bold", fill: INK, class: "axis-label" }));
  lanes.forEach((lane, i) => {
    const y = top + laneGap + i * (laneH + laneGap);
    body.push(text(left - 10, y + laneH / 2 + 6, lane, { "text-anchor": "end", "font-size": FONT.label, fill: INK, class: "lane-label" }));
  });
  ordered.forEach((s, j) => {
    const i = lanes.indexOf(s.lane);
    const y = top + laneGap + i * (laneH + laneGap);
    const w = Math.max(2, x(s.end) - x(s.start));
    const fill = s.failed ? ALERT : colorAt(colorBy === "lane" ? i : j);
    const tip = `${s.label} (${s.lane}): ${(s.start / 1000).toFixed(2)}–${(s.end / 1000).toFixed(2)} s${s.failed ? ", failed" : ""}`;
    body.push(`<rect${attrs({ x: x(s.start), y, width: w, height: laneH, rx: 3, fill, stroke: "#ffffff", "stroke-width": 1.5, class: s.failed ? "span failed" : "span", "data-lane": s.lane, "data-label": s.label })}><title>${escapeXml(tip)}</title></rect>`);
    if (showLabels && estimateTextWidth(s.label, FONT.tick) + 8 < w) {
      body.push(text(x(s.start) + w / 2, y + laneH / 2 + 5, s.label, { "text-anchor": "middle", "font-size": FONT.tick, fill: textOn(fill), class: "span-label" }));
    }
  });
  if (anyFailed) {
    body.push(`<rect${attrs({ x: left, y: axisY + 70, width: 18, height: 18, fill: ALERT })}/>`);
    body.push(text(left + 26, axisY + 85, "failed", { "font-size": FONT.label, fill: INK, class: "legend" }));
  }
  return makeChart("timeline", title, lines.join("\n"), svgDocument(width, height, title, body, "chart timeline-chart"));
}

/** Options of {@link heartbeatChart}. */
export interface HeartbeatChartOptions {
  /** Title on top. Default `"Heartbeat of the event loop"`. */
  title?: string;
  /** A gap between beats longer than this (ms) is marked as blocked. Default `max(5 × intervalMs, 50)`. */
  gapThresholdMs?: number;
  /** SVG width in px. Default `800`. */
  width?: number;
  /** Columns of the text time axis. Default `60`. */
  textWidth?: number;
}

/**
 * The heartbeat of a {@link LoopProbeResult} as a timeline: a tick per beat, and each gap longer
 * than the threshold marked in vermillion with its length ("no beat for 1.00 s"). A blocked event
 * loop shows as a hole in the ticks. Pure: prints nothing.
 *
 * @example
 *   show(heartbeatChart(await probeEventLoop(() => busyWait(1000)), { title: "Blocking: the heartbeat stops" }));
 */
export function heartbeatChart(probe: Pick<LoopProbeResult<unknown>, "beats" | "intervalMs">, options: HeartbeatChartOptions = {}): Chart {
  if (typeof probe !== "object" || probe === null || !Array.isArray(probe.beats) || probe.beats.length < 2) {
    throw new TypeError(`Expected probe to be what probeEventLoop() returns (at least 2 beats), got ${describeValue(probe)}`);
  }
  const beats = probe.beats;
  const title = options.title ?? "Heartbeat of the event loop";
  const threshold = options.gapThresholdMs ?? Math.max(5 * probe.intervalMs, 50);
  const width = options.width ?? 800;
  const cols = options.textWidth ?? 60;
  if (!(Number.isInteger(cols) && cols >= 10)) throw new RangeError(`Expected textWidth to be an integer ≥ 10, got ${describeValue(cols)}`);
  const gaps: Array<{ from: number; to: number }> = [];
  for (let i = 1; i < beats.length; i++) {
    const from = beats[i - 1] as number;
    const to = beats[i] as number;
    if (to - from > threshold) gaps.push({ from, to });
  }
  const endS = (beats[beats.length - 1] as number) / 1000;
  const ticks = niceTicks(0, endS > 0 ? endS : 0.001, 6);
  const axisMax = ticks[ticks.length - 1] as number;
  const caption = axisCaption("time", "s");
  const label = "beats";

  // Text: │ where at least one beat fell in the cell, · inside a gap, space elsewhere.
  const row = Array.from({ length: cols }, () => " ");
  const cell = (ms: number): number => Math.min(cols - 1, Math.floor((ms / 1000 / axisMax) * cols));
  for (const g of gaps) for (let c = cell(g.from) + 1; c < cell(g.to); c++) row[c] = "·";
  for (const b of beats.slice(1, -1)) row[cell(b)] = "│";
  const lines = [title, `${label} │${row.join("")}`, ...textAxis(label.length + 1, cols, ticks, axisMax, caption)];
  lines.push(
    gaps.length === 0
      ? `no gap longer than ${threshold.toFixed(0)} ms: the loop kept ticking`
      : gaps.map((g) => `no beat for ${((g.to - g.from) / 1000).toFixed(2)} s (${(g.from / 1000).toFixed(2)}–${(g.to / 1000).toFixed(2)} s)`).join("\n"),
  );

  // SVG.
  const left = 96;
  const right = 28;
  const top = 60;
  const laneH = 60;
  const plotW = width - left - right;
  const axisY = top + laneH + 20;
  const height = axisY + 84;
  const x = (ms: number): number => left + (ms / 1000 / axisMax) * plotW;
  const body: string[] = [];
  body.push(...drawFrame({ left, top, width: plotW, height: axisY - top }, { ticks, at: (t) => x(t * 1000), grid: true, caption }, undefined, false));
  body.push(text(left - 10, top + laneH / 2 + 16, label, { "text-anchor": "end", "font-size": FONT.label, fill: INK, class: "lane-label" }));
  for (const g of gaps) {
    const w = x(g.to) - x(g.from);
    const note = `no beat for ${((g.to - g.from) / 1000).toFixed(2)} s`;
    body.push(`<rect${attrs({ x: x(g.from), y: top + 10, width: w, height: laneH, fill: ALERT, "fill-opacity": 0.25, stroke: ALERT, "stroke-width": 2, class: "gap" })}><title>${escapeXml(note)}</title></rect>`);
    if (estimateTextWidth(note, FONT.tick) < w) body.push(text(x(g.from) + w / 2, top + laneH / 2 + 16, note, { "text-anchor": "middle", "font-size": FONT.tick, fill: INK, "font-weight": "bold", class: "gap-label" }));
  }
  // The first and last entries are the probe's start and end, not beats.
  beats.slice(1, -1).forEach((b) => {
    body.push(`<line${attrs({ x1: x(b), y1: top + 14, x2: x(b), y2: top + laneH + 6, stroke: "#0072B2", "stroke-width": 2, class: "beat" })}/>`);
  });
  return makeChart("heartbeat", title, lines.join("\n"), svgDocument(width, height, title, body, "chart heartbeat-chart"));
}
