/**
 * The frame every SVG chart draws its data in: grid lines at the ticks, tick labels, the two
 * axes and the axis caption. One place, so bars, lines and timelines share one look.
 *
 *     top ┬ │   ┆      ┆      ┆          grid: a line per tick (vertical or horizontal)
 *         │ │   ┆      ┆      ┆
 *   axisY ┴ └───┴──────┴──────┴───       axis lines in ink
 *             0      1      2            tick labels under (or left of) the axis
 *                  time (s)              caption
 */
import { FONT, GRID, INK, attrs, formatTick, num, text } from "./svg.js";

/** The plot area of a chart, in SVG px. */
export interface PlotArea {
  /** x of the value axis (the left edge of the plot). */
  readonly left: number;
  /** y of the top of the plot. */
  readonly top: number;
  /** Width of the plot. */
  readonly width: number;
  /** Height of the plot: the x axis is drawn at `top + height`. */
  readonly height: number;
}

/** Where the ticks of the x axis go, and whether each draws a grid line. */
export interface XAxis {
  readonly ticks: readonly number[];
  /** The x coordinate of a tick value. */
  readonly at: (tick: number) => number;
  /** Draw a vertical grid line at each tick. */
  readonly grid: boolean;
  /** How far above the plot the grid lines and the y axis start (px). Default 0. */
  readonly overhang?: number;
  /** Caption under the tick labels, e.g. `time (s)`. */
  readonly caption: string;
}

/** Horizontal grid lines with tick labels on the left, for a value axis that goes up. */
export interface YAxis {
  readonly ticks: readonly number[];
  /** The y coordinate of a tick value. */
  readonly at: (tick: number) => number;
  /** Caption written vertically left of the tick labels. */
  readonly caption?: string;
}

const axisLine = (x1: number, y1: number, x2: number, y2: number): string =>
  `<line${attrs({ x1, y1, x2, y2, stroke: INK, "stroke-width": 1.5, class: "axis" })}/>`;
const gridLine = (x1: number, y1: number, x2: number, y2: number): string =>
  `<line${attrs({ x1, y1, x2, y2, stroke: GRID, "stroke-width": 1 })}/>`;

/**
 * The SVG elements of a chart's frame: grid lines (under the data: put them first), tick labels,
 * the x axis, the y axis unless `yAxisLine` is false, and the captions.
 */
export function drawFrame(area: PlotArea, x: XAxis, y?: YAxis, yAxisLine = true): string[] {
  const { left, top, width } = area;
  const axisY = top + area.height;
  const upper = top - (x.overhang ?? 0);
  const body: string[] = [];
  if (y !== undefined) {
    for (const t of y.ticks) {
      body.push(gridLine(left, y.at(t), left + width, y.at(t)));
      body.push(text(left - 8, y.at(t) + 5, formatTick(t), { "text-anchor": "end", "font-size": FONT.tick, fill: INK, class: "tick" }));
    }
  }
  for (const t of x.ticks) {
    if (x.grid) body.push(gridLine(x.at(t), upper, x.at(t), axisY));
    body.push(text(x.at(t), axisY + 22, formatTick(t), { "text-anchor": "middle", "font-size": FONT.tick, fill: INK, class: "tick" }));
  }
  body.push(axisLine(left, axisY, left + width, axisY));
  if (yAxisLine) body.push(axisLine(left, upper, left, axisY));
  body.push(text(left + width / 2, axisY + 54, x.caption, { "text-anchor": "middle", "font-size": FONT.label, fill: INK, class: "axis-label" }));
  if (y?.caption !== undefined) {
    const cy = top + area.height / 2;
    body.push(text(22, cy, y.caption, { "text-anchor": "middle", "font-size": FONT.label, fill: INK, class: "axis-label", transform: `rotate(-90 22 ${num(cy)})` }));
  }
  return body;
}
