/**
 * Line charts: the text form is drawn by asciichart (a well-kept, dependency-free library that
 * does terminal line plots better than hand-written code would); the SVG form is a polyline per
 * series on labelled axes, written here because asciichart draws text only.
 */
import * as asciichart from "asciichart";
import { type Chart, makeChart } from "./chart.js";
import { drawFrame } from "./frame.js";
import { FONT, INK, attrs, axisCaption, colorAt, escapeXml, estimateTextWidth, formatTick, niceTicks, num, svgDocument, text } from "./svg.js";
import { describeValue } from "../../internal/describe.js";

/** One named line. */
export interface LineSeries {
  /** Name in the legend. */
  name: string;
  /** The y values, one per x (see {@link LineChartOptions.x}). */
  values: readonly number[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Title on top. Default `"Line chart"`. */
  title?: string;
  /** The x value of each point (same length as the values). Default `0, 1, 2, …`. */
  x?: readonly number[];
  /** Name of the x axis. Default `"x"`. */
  xLabel?: string;
  /** Unit of x, e.g. `"s"`. Default none. */
  xUnit?: string;
  /** Name of the y axis. Default `"y"`. */
  yLabel?: string;
  /** Unit of y, e.g. `"ms"`. Default none. */
  yUnit?: string;
  /** Rows of the text plot. Default `10`. */
  height?: number;
  /** Most columns of the text plot; longer series are cut into that many buckets, each drawn at its maximum (peaks stay visible). Default `60`. */
  textWidth?: number;
  /** SVG width in px. Default `760`. */
  width?: number;
}

function toSeries(input: readonly number[] | LineSeries | readonly LineSeries[]): LineSeries[] {
  if (Array.isArray(input) && input.every((v) => typeof v === "number")) return [{ name: "", values: input as readonly number[] }];
  const list = (Array.isArray(input) ? input : [input]) as LineSeries[];
  list.forEach((s, i) => {
    if (typeof s !== "object" || s === null || !Array.isArray(s.values) || s.values.length === 0) {
      throw new TypeError(`Expected series ${i} to be { name, values: number[] } with at least one value, got ${describeValue(s)}`);
    }
    const bad = s.values.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) throw new TypeError(`Expected series ${i} to hold finite numbers, got ${describeValue(s.values[bad])} at index ${bad}`);
  });
  return list;
}

/** Cut `values` into `columns` buckets and keep each bucket's maximum. */
function downsample(values: readonly number[], columns: number): number[] {
  if (values.length <= columns) return [...values];
  const out: number[] = [];
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * values.length) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / columns));
    out.push(Math.max(...values.slice(from, to)));
  }
  return out;
}

const ANSI = [asciichart.blue, asciichart.yellow, asciichart.green, asciichart.magenta, asciichart.cyan, asciichart.red];

/**
 * A line chart of one or more series, as text (asciichart) and SVG. Pass a plain array for a
 * single line. Pure: prints nothing.
 *
 * @example
 *   show(lineChart({ name: "delay", values: delays }, { title: "Event-loop delay", x: times, xLabel: "time", xUnit: "s", yLabel: "delay", yUnit: "ms" }));
 */
export function lineChart(input: readonly number[] | LineSeries | readonly LineSeries[], options: LineChartOptions = {}): Chart {
  const series = toSeries(input);
  const title = options.title ?? "Line chart";
  const height = options.height ?? 10;
  const textWidth = options.textWidth ?? 60;
  const width = options.width ?? 760;
  if (!(Number.isInteger(height) && height >= 2)) throw new RangeError(`Expected height to be an integer ≥ 2, got ${describeValue(height)}`);
  if (!(Number.isInteger(textWidth) && textWidth >= 2)) throw new RangeError(`Expected textWidth to be an integer ≥ 2, got ${describeValue(textWidth)}`);
  const longest = Math.max(...series.map((s) => s.values.length));
  const xs = options.x ?? Array.from({ length: longest }, (_, i) => i);
  if (xs.length < longest || xs.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`Expected x to hold ${longest} finite numbers (one per value), got ${describeValue(options.x)}`);
  }
  const xCaption = axisCaption(options.xLabel ?? "x", options.xUnit);
  const yCaption = axisCaption(options.yLabel ?? "y", options.yUnit);

  // Text: asciichart draws the plot; we add title, y caption, x range and a legend.
  const many = series.length > 1;
  const plot = asciichart.plot(
    series.map((s) => downsample(s.values, textWidth)),
    { height: height - 1, ...(many ? { colors: series.map((_, i) => ANSI[i % ANSI.length] as string) } : {}) },
  );
  const xFirst = xs[0] as number;
  const xLast = xs[longest - 1] as number;
  const lines = [title, `↑ ${yCaption}`, plot, `→ ${xCaption}: ${formatTick(xFirst)} … ${formatTick(xLast)}`];
  if (many) lines.push("legend: " + series.map((s, i) => `${ANSI[i % ANSI.length] as string}━━ ${s.name}${asciichart.reset}`).join("  "));

  // SVG.
  const all = series.flatMap((s) => [...s.values]);
  const yTicks = niceTicks(Math.min(0, ...all), Math.max(...all), 5);
  // Whole-number x values (nJobs, concurrency) get whole-number ticks: no "2.5 workers".
  const niceX = niceTicks(Math.min(...xs), Math.max(...xs), 6);
  const wholeX = xs.every((x) => Number.isInteger(x)) ? niceX.filter((t) => Number.isInteger(t)) : niceX;
  const xTicks = wholeX.length >= 2 ? wholeX : niceX;
  const [y0, y1] = [yTicks[0] as number, yTicks[yTicks.length - 1] as number];
  const [x0, x1] = [xTicks[0] as number, xTicks[xTicks.length - 1] as number];
  const left = 86;
  const right = 24;
  const top = 60;
  const plotH = 320;
  // Legend entries flow left to right at their own width and wrap, so long names never overlap.
  const legend: Array<{ x: number; row: number }> = [];
  let cursor = 0;
  let row = 0;
  for (const s of series) {
    const w = 38 + estimateTextWidth(s.name, FONT.label) + 28;
    if (cursor > 0 && cursor + w > width - left - right) {
      row++;
      cursor = 0;
    }
    legend.push({ x: left + cursor, row });
    cursor += w;
  }
  const legendH = many ? 34 * (row + 1) : 0;
  const height_ = top + plotH + 80 + legendH;
  const plotW = width - left - right;
  const px = (v: number): number => left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const py = (v: number): number => top + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;
  const body: string[] = [];
  body.push(...drawFrame({ left, top, width: plotW, height: plotH }, { ticks: xTicks, at: px, grid: false, caption: xCaption }, { ticks: yTicks, at: py, caption: yCaption }));
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${num(px(xs[j] as number))},${num(py(v))}`).join(" ");
    body.push(`<polyline${attrs({ points, fill: "none", stroke: colorAt(i), "stroke-width": 3, "stroke-linejoin": "round", class: "series", "data-name": s.name })}><title>${escapeXml(s.name || yCaption)}</title></polyline>`);
    const slot = legend[i];
    if (many && slot) {
      const lx = slot.x;
      const ly = top + plotH + 80 + slot.row * 34;
      body.push(`<line${attrs({ x1: lx, y1: ly - 5, x2: lx + 30, y2: ly - 5, stroke: colorAt(i), "stroke-width": 4 })}/>`);
      body.push(text(lx + 38, ly, s.name, { "font-size": FONT.label, fill: INK, class: "legend" }));
    }
  });
  return makeChart("line", title, lines.join("\n"), svgDocument(width, height_, title, body, "chart line-chart"));
}
