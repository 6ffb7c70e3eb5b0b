/**
 * Shared pieces of the SVG charts: escaping, the palette, the document frame, axis ticks.
 * Every chart is a standalone `<svg>` with a `viewBox` and a `width` (it scales down on small
 * screens), a `<title>` for screen readers, and text of at least 14 px for a classroom projector.
 */

/** The Okabe–Ito palette, safe for the common colour-vision deficiencies; yellow last (weak on white). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"] as const;
/** Okabe–Ito vermillion, kept for failures and blocked time. */
export const ALERT = "#D55E00";
/** Colour of axes, ticks and text. */
export const INK = "#222222";
/** Colour of grid lines. */
export const GRID = "#d0d0d0";

/** Font sizes in px: all ≥ 14 so the back row can read them. */
export const FONT = { title: 22, label: 17, tick: 15, value: 15 } as const;

/** The colours given to series, bars and lanes: the palette without vermillion (kept for alerts) and yellow (faint on white). */
export const SERIES_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000"] as const;

/** The colour for series, bar or lane `i` (cycles through {@link SERIES_COLORS}). */
export function colorAt(i: number): string {
  const n = SERIES_COLORS.length;
  return SERIES_COLORS[((i % n) + n) % n] as string;
}

/** Text colour readable on `fill`: near-black on the light palette colours, white on the dark ones. */
export function textOn(fill: string): string {
  return ["#E69F00", "#56B4E9", "#F0E442"].includes(fill) ? "#111111" : "#ffffff";
}

/**
 * A generous estimate of how wide `content` is drawn at `sizePx` in the charts' font (DejaVu
 * Sans, the widest of the list), from classes of glyph widths in em: the layout reserves at
 * least this much, so labels never run into each other on a machine that has the font.
 */
export function estimateTextWidth(content: string, sizePx: number): number {
  let em = 0;
  for (const ch of content) {
    if ("mwMW@".includes(ch)) em += 1.0;
    else if ("iljI.,:;!|'".includes(ch)) em += 0.34;
    else if (ch === " ") em += 0.32;
    else if (ch >= "A" && ch <= "Z") em += 0.8;
    else if (ch.charCodeAt(0) > 0x2e7f) em += 1.0; // CJK: a full em
    else em += 0.66;
  }
  return em * sizePx;
}

/** Escape text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

/** A number for SVG coordinates: at most two decimals, no `-0`. */
export function num(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Attributes from an object (values escaped, `undefined` skipped). */
export function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v)}"`)
    .join("");
}

/** A `<text>` element; `content` is escaped. */
export function text(x: number, y: number, content: string, extra: Record<string, string | number | undefined> = {}): string {
  return `<text${attrs({ x, y, ...extra })}>${escapeXml(content)}</text>`;
}

/** The whole document: size, viewBox, fonts, a white background, the title (shown and as `<title>`). */
export function svgDocument(width: number, height: number, title: string, body: string[], className: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height, viewBox: `0 0 ${num(width)} ${num(height)}`, class: className, role: "img", "font-family": "DejaVu Sans, Verdana, Arial, sans-serif", "font-size": FONT.tick })}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect${attrs({ x: 0, y: 0, width, height, fill: "#ffffff" })}/>`,
    text(width / 2, 30, title, { "text-anchor": "middle", "font-size": FONT.title, "font-weight": "bold", fill: INK, class: "chart-title" }),
    ...body,
    "</svg>",
  ].join("\n");
}

/**
 * "Nice" axis ticks from 0 (or `min`) to at least `max`: steps of 1, 2 or 5 × 10ⁿ, about `count` of them.
 * Returns the tick values; the last one is ≥ max.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi === lo) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A tick label: no trailing zeros, at most 3 significant decimals (`0.25`, `2`, `1500`). */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return withThousands(String(Number(v.toFixed(digits))));
}

/** `3052713` → `3,052,713`: large numbers stay readable from the back of a classroom. */
function withThousands(s: string): string {
  const [whole = "", frac] = s.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/**
 * A value label with a unit: `2.01 s`, `120 ms`, `3.00`. Decimals follow `scale` (default: the
 * value itself), so values on one chart share them when given the chart's largest value:
 * 0 from 100 on, 1 from 10 on, else 2.
 */
export function formatValue(v: number, unit: string | undefined, scale = v): string {
  const abs = Math.abs(scale);
  const s = withThousands(abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2));
  return unit ? `${s} ${unit}` : s;
}

/** Axis caption with its unit: `time (s)`, or just the label when there is no unit. */
export function axisCaption(label: string, unit: string | undefined): string {
  return unit ? `${label} (${unit})` : label;
}
