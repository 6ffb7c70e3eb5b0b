import { test } from "node:test";
import assert from "node:assert/strict";
import { barChart } from "../../src/index.js";
import { chartFontFiles, renderPng } from "../../src/show/charts/png.js";

/** Pixels darker than mid-grey in RGBA data (text and bars are; the white background is not). */
function darkPixels(pixels: Buffer): number {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if ((pixels[i] ?? 255) + (pixels[i + 1] ?? 255) + (pixels[i + 2] ?? 255) < 3 * 128) n++;
  }
  return n;
}

/** A text-only picture: black glyphs on white, nothing else that is dark. */
const words = (content: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><rect width="300" height="60" fill="#fff"/>` +
  `<text x="10" y="40" font-size="30" font-family="DejaVu Sans, Verdana, Arial, sans-serif" fill="#000">${content}</text></svg>`;

test("a chart's PNG has the SVG's size and is a PNG file", () => {
  const chart = barChart([{ label: "a", value: 1 }, { label: "b", value: 2 }], { title: "two bars", unit: "s" });
  const rendered = renderPng(chart.svg);
  assert.ok(rendered, "the rasterizer (@resvg/resvg-js) did not load");
  const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(chart.svg)?.[1]);
  const height = Number(/height="(\d+(?:\.\d+)?)"/.exec(chart.svg)?.[1]);
  assert.deepEqual([rendered.width, rendered.height], [Math.ceil(width), Math.ceil(height)]);
  assert.equal(rendered.png.readUInt32BE(16), rendered.width, "IHDR width");
  assert.equal(rendered.png.readUInt32BE(20), rendered.height, "IHDR height");
  assert.ok(darkPixels(rendered.pixels) > 100, "bars and labels are drawn");
});

test("the chart fonts include one for Chinese: WenQuanYi Micro Hei", () => {
  assert.ok(chartFontFiles().some((f) => f.endsWith("wqy-microhei.ttc")),
    `expected fonts-wqy-microhei installed (apt-get install fonts-wqy-microhei), found ${chartFontFiles().join(", ")}`);
});

test("Chinese section titles are drawn with WenQuanYi Micro Hei's glyphs", () => {
  const only = (keep: (file: string) => boolean) => ({
    loadSystemFonts: false, fontFiles: chartFontFiles().filter(keep), defaultFontFamily: "DejaVu Sans",
  });
  const chart = renderPng(words("并发限制"));
  const cjkOnly = renderPng(words("并发限制"), only((f) => f.endsWith(".ttc")));
  const latinOnly = renderPng(words("并发限制"), only((f) => !f.endsWith(".ttc")));
  assert.ok(chart && cjkOnly && latinOnly);
  assert.ok(darkPixels(chart.pixels) > 200, `glyphs drawn: ${darkPixels(chart.pixels)} dark pixels`);
  assert.ok(chart.pixels.equals(cjkOnly.pixels), "the chart fonts draw the Chinese with WenQuanYi Micro Hei");
  assert.ok(!chart.pixels.equals(latinOnly.pixels), "without it the same text is drawn otherwise (missing-glyph boxes)");
});

test("renderPng rejects a value that is not an SVG string", () => {
  assert.throws(() => renderPng(42 as unknown as string), /Expected svg to be a string, got number 42/);
});
