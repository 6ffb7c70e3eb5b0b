/**
 * The value every chart function returns: the same picture as text and as SVG. Printing a
 * chart (`console.log`, or a cell's last expression in tslab) prints its text form.
 */
import type { Showable } from "../display.js";

/** Which chart function made a {@link Chart}. */
export type ChartKind = "bar" | "line" | "timeline" | "heartbeat" | "loop" | "replay";

/** A chart: pure data, shown with `show(chart)` (SVG in the kernel, text elsewhere). */
export interface Chart extends Showable {
  /** Which chart function made it. */
  readonly kind: ChartKind;
  /** The title drawn on it. */
  readonly title: string;
  /** Monospace text form (Unicode blocks), for terminals and plain outputs. */
  readonly text: string;
  /** Standalone SVG document (`<svg xmlns=…>` with viewBox and width). */
  readonly svg: string;
}

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

/** Make a {@link Chart}; its `toString()` and `util.inspect` give the text form. */
export function makeChart(kind: ChartKind, title: string, text: string, svg: string): Chart {
  return Object.freeze({
    kind,
    title,
    text,
    svg,
    toString: () => text,
    [inspectCustom]: () => text,
  });
}
