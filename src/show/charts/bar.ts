/**
 * Horizontal bar charts with values and ratios: "sequential 10.0 s, concurrent 2.0 s · 5.0× faster".
 *
 * Hand-written rather than taken from a plotting library: the charting libraries that make SVG
 * (Vega, Plotly, Chart.js) need a browser or a 1–10 MB runtime and a headless renderer to produce
 * a static picture, and none prints a text form. A bar chart is a few rectangles; writing it keeps
 * the library small, pure and the output stable enough to test.
 */
import { type Chart, makeChart } from "./chart.js";
import { drawFrame } from "./frame.js";
import { ALERT, FONT, INK, attrs, axisCaption, colorAt, escapeXml, estimateTextWidth, formatTick, formatValue, niceTicks, svgDocument, text } from "./svg.js";
import { formatBar } from "../blocks.js";
import { describeValue } from "../../internal/describe.js";
import { describeSpeedup, type Comparison } from "../../measure/bench.js";

/** One bar. */
export interface BarDatum {
  /** Name on the left of the bar. */
  label: string;
  /** Length of the bar (≥ 0), in the chart's `unit`. */
  value: number;
}

/** How bars are compared with the baseline. */
export type RatioStyle = "speed" | "times" | "none";

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Title on top. Default `"Comparison"`. */
  title?: string;
  /** Unit of the values, shown on the axis and after each value, e.g. `"s"`. Default none. */
  unit?: string;
  /** Name of the value axis. Default `"time"` when `unit` is a time unit (s, ms, min, µs), else `"value"`. */
  valueLabel?: string;
  /**
   * Ratio written after each value: `"speed"` = baseline ÷ value (`5.0× faster`, for times),
   * `"times"` = value ÷ baseline (`×2.5`), `"none"`. Default `"speed"` for a time unit with ≥ 2 bars, else `"none"`.
   */
  ratios?: RatioStyle;
  /** Label of the bar the ratios are computed against. Default: the first bar. */
  baseline?: string;
  /** SVG width in px. Default `760`. */
  width?: number;
  /** Length of the longest text bar in characters. Default `40`. */
  textWidth?: number;
}

const TIME_UNITS = new Set(["s", "ms", "min", "µs", "us", "ns", "h"]);

function checkBars(data: readonly BarDatum[]): void {
  if (!Array.isArray(data) || data.length === 0) {
    throw new TypeError(`Expected data to be a non-empty array of { label, value }, got ${describeValue(data)}`);
  }
  data.forEach((d, i) => {
    if (typeof d !== "object" || d === null || typeof d.label !== "string") {
      throw new TypeError(`Expected data[${i}] to be { label: string, value: number }, got ${describeValue(d)}`);
    }
    if (!(Number.isFinite(d.value) && d.value >= 0)) {
      throw new RangeError(`Expected data[${i}].value to be a finite number ≥ 0, got ${describeValue(d.value)}`);
    }
  });
}

function ratioText(style: RatioStyle, value: number, base: number, isBaseline: boolean): string {
  if (style === "none") return "";
  if (isBaseline) return "baseline";
  if (style === "speed") return value > 0 && base > 0 ? describeSpeedup(base / value) : "";
  return base > 0 ? `×${(value / base).toFixed(1)}` : "";
}

/**
 * A horizontal bar chart, as text and SVG, with each value written at the end of its bar and,
 * for times, how many times faster or slower than the baseline each bar is. Pure: prints nothing.
 *
 * @example
 *   show(barChart([{ label: "sequential", value: 10.02 }, { label: "concurrent", value: 2.01 }],
 *     { title: "5 GETs of /delay/2", unit: "s" }));
 */
export function barChart(data: readonly BarDatum[], options: BarChartOptions = {}): Chart {
  checkBars(data);
  const title = options.title ?? "Comparison";
  const unit = options.unit;
  const isTime = unit !== undefined && TIME_UNITS.has(unit);
  const valueLabel = options.valueLabel ?? (isTime ? "time" : "value");
  const style: RatioStyle = options.ratios ?? (isTime && data.length > 1 ? "speed" : "none");
  const width = options.width ?? 760;
  const textWidth = options.textWidth ?? 40;
  if (!(Number.isInteger(textWidth) && textWidth >= 5)) throw new RangeError(`Expected textWidth to be an integer ≥ 5, got ${describeValue(textWidth)}`);
  if (!(Number.isFinite(width) && width >= 300)) throw new RangeError(`Expected width to be a number ≥ 300, got ${describeValue(width)}`);
  const baseIndex = options.baseline === undefined ? 0 : data.findIndex((d) => d.label === options.baseline);
  if (baseIndex === -1) {
    throw new RangeError(`Expected baseline to be one of the labels ${data.map((d) => JSON.stringify(d.label)).join(", ")}, got ${describeValue(options.baseline)}`);
  }
  const base = (data[baseIndex] as BarDatum).value;
  const max = Math.max(...data.map((d) => d.value));
  // Counts (requests, tasks: no unit, whole numbers) print as "5", not "5.0"; a measured "2 s" keeps "2.00 s".
  const counts = unit === undefined && data.every((d) => Number.isInteger(d.value));
  const annotations = data.map((d, i) => {
    const ratio = ratioText(style, d.value, base, i === baseIndex && data.length > 1);
    const value = formatValue(d.value, unit, counts ? Math.max(100, max) : max);
    return ratio ? `${value} · ${ratio}` : value;
  });
  const ticks = niceTicks(0, max > 0 ? max : 1, 5);
  const axisMax = ticks[ticks.length - 1] as number;

  // Text form: label column, bar with 1/8 blocks, then value and ratio.
  const labelWidth = Math.max(...data.map((d) => d.label.length));
  const lines = [title];
  data.forEach((d, i) => {
    const bar = formatBar(d.value / axisMax, textWidth);
    lines.push(`${d.label.padEnd(labelWidth)} │${bar} ${annotations[i] as string}`);
  });
  const axisRight = `${formatTick(axisMax)}`;
  lines.push(`${" ".repeat(labelWidth)} └0${" ".repeat(Math.max(1, textWidth - 1 - axisRight.length))}${axisRight}  ${axisCaption(valueLabel, unit)}`);

  // SVG form.
  const left = Math.min(280, Math.max(90, Math.max(...data.map((d) => estimateTextWidth(d.label, FONT.label))) + 24));
  const right = Math.min(320, Math.max(90, Math.max(...annotations.map((a) => estimateTextWidth(a, FONT.value))) + 20));
  const top = 56;
  const barH = 38;
  const gap = 18;
  const plotW = width - left - right;
  const plotH = data.length * (barH + gap) - gap + 12;
  const height = top + plotH + 74;
  const x = (v: number): number => left + (v / axisMax) * plotW;
  const body: string[] = [];
  body.push(...drawFrame({ left, top, width: plotW, height: plotH }, { ticks, at: x, grid: true, overhang: 6, caption: axisCaption(valueLabel, unit) }));
  data.forEach((d, i) => {
    const y = top + i * (barH + gap);
    const w = Math.max(0, x(d.value) - left);
    const note = annotations[i] as string;
    body.push(
      `<rect${attrs({ x: left, y, width: w, height: barH, fill: colorAt(i), class: "bar", "data-label": d.label, "data-value": d.value })}><title>${escapeXml(`${d.label}: ${note}`)}</title></rect>`,
    );
    body.push(text(left - 10, y + barH / 2 + 6, d.label, { "text-anchor": "end", "font-size": FONT.label, fill: INK, class: "bar-label" }));
    body.push(text(left + w + 8, y + barH / 2 + 5, note, { "font-size": FONT.value, fill: i === baseIndex || style === "none" ? INK : ratioColor(d.value, base, style), class: "bar-value" }));
  });
  return makeChart("bar", title, lines.join("\n"), svgDocument(width, height, title, body, "chart bar-chart"));
}

// Slower-than-baseline notes in vermillion, others in ink: the eye finds the bad news.
function ratioColor(value: number, base: number, style: RatioStyle): string {
  if (style === "speed" && value > base * 1.05) return ALERT;
  return INK;
}

/** Options of {@link comparisonChart}: those of {@link barChart} but the unit, which is chosen for the data. */
export type ComparisonChartOptions = Omit<BarChartOptions, "unit" | "baseline" | "ratios">;

/**
 * The bar chart of a {@link Comparison} from `compare()`: one bar per variant (its median),
 * in seconds from 1 s on, else in ms, each with how many times faster than the baseline it was.
 *
 * @example
 *   show(comparisonChart(await compare({ sequential, concurrent }), { title: "5 GETs of /delay/2" }));
 */
export function comparisonChart(comparison: Comparison, options: ComparisonChartOptions = {}): Chart {
  if (typeof comparison !== "object" || comparison === null || !Array.isArray(comparison.rows)) {
    throw new TypeError(`Expected comparison to be what compare() returns, got ${describeValue(comparison)}`);
  }
  const inSeconds = Math.max(...comparison.rows.map((r) => r.median)) >= 1000;
  return barChart(
    comparison.rows.map((r) => ({ label: r.name, value: inSeconds ? r.median / 1000 : r.median })),
    { title: "Median wall time", ...options, unit: inSeconds ? "s" : "ms", baseline: comparison.baseline, ratios: "speed" },
  );
}
