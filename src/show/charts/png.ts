/**
 * A PNG copy of a chart's SVG, for outputs seen where SVG is not drawn: JupyterLab renders
 * `image/svg+xml` only in a *trusted* notebook (an SVG may carry script), so a teacher's
 * executed copy opened by a student would show no chart at all. A PNG is always safe to draw.
 *
 * The rasterizer is resvg (`@resvg/resvg-js`, a prebuilt native addon, no browser, no Cairo),
 * loaded on the first chart only. Text is drawn with fonts read from the usual system folders:
 * DejaVu Sans (the charts' first font) and WenQuanYi Micro Hei for the Chinese section titles;
 * when neither file is there, resvg looks through every system font instead (slower).
 * Where the addon cannot load, charts go out as SVG and text only.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describeValue } from "../../internal/describe.js";

/** The subset of `@resvg/resvg-js` used here. */
interface ResvgModule {
  Resvg: new (svg: string, options?: ResvgOptions) => { render(): { asPng(): Buffer; width: number; height: number; pixels: Buffer } };
}

/** resvg's options that this module sets. */
export interface ResvgOptions {
  font?: { loadSystemFonts?: boolean; fontFiles?: string[]; defaultFontFamily?: string };
  background?: string;
}

/** A rendered PNG with its size in pixels, and the raw RGBA pixels (for tests). */
export interface RenderedPng {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  readonly pixels: Buffer;
}

/** Font files tried, in order; the first of each group that exists is used. */
const FONT_CANDIDATES: readonly (readonly string[])[] = [
  ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"],
  ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"],
  ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"],
];

const nodeRequire = createRequire(import.meta.url);
let resvg: ResvgModule | null | undefined;
let fontOptions: ResvgOptions["font"] | undefined;

function loadResvg(): ResvgModule | null {
  if (resvg === undefined) {
    try {
      resvg = nodeRequire("@resvg/resvg-js") as ResvgModule;
    } catch {
      resvg = null;
    }
  }
  return resvg;
}

/** The font files the PNGs are drawn with (found once): DejaVu Sans and WenQuanYi Micro Hei where present. */
export function chartFontFiles(): string[] {
  return FONT_CANDIDATES.flatMap((group) => group.filter((f) => existsSync(f)).slice(0, 1));
}

function defaultFontOptions(): NonNullable<ResvgOptions["font"]> {
  fontOptions ??= (() => {
    const files = chartFontFiles();
    return files.length > 0
      ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: "DejaVu Sans" }
      : { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" };
  })();
  return fontOptions;
}

/**
 * Draw `svg` as a PNG at its own size (the `width`/`height` of the `<svg>`), on white.
 * Returns `undefined` when the rasterizer cannot be loaded on this machine.
 * @param font - resvg's font options; default: the chart fonts found by {@link chartFontFiles}.
 * @throws TypeError when `svg` is not a string.
 */
export function renderPng(svg: string, font: ResvgOptions["font"] = defaultFontOptions()): RenderedPng | undefined {
  if (typeof svg !== "string") throw new TypeError(`Expected svg to be a string, got ${describeValue(svg)}`);
  const mod = loadResvg();
  if (mod === null) return undefined;
  const image = new mod.Resvg(svg, { font, background: "#ffffff" }).render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}
