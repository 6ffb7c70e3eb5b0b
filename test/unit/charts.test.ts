import { test } from "node:test";
import { DEJAVU_SANS, loadTextWidth } from "./helpers/font-metrics.js";
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { barChart, comparisonChart, lineChart, timelineChart, heartbeatChart } from "../../src/index.js";
import { comparisonOf, fixedRow as row } from "../../src/testing.js";
import type { Span } from "../../src/index.js";

interface Element { tag: string; attrs: Record<string, string>; text: string; children: Element[] }

/** Parse SVG with a real XML parser (it must be well-formed) into a small tree. */
function parseSvg(svg: string): Element {
  const valid = XMLValidator.validate(svg);
  assert.equal(valid, true, `SVG is not well-formed XML: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "", trimValues: false });
  type Raw = Record<string, unknown> & { ":@"?: Record<string, string> };
  const convert = (raw: Raw): Element => {
    const tag = Object.keys(raw).find((k) => k !== ":@") ?? "";
    const kids = (raw[tag] as Raw[] | undefined) ?? [];
    const children = Array.isArray(kids) ? kids.filter((k) => !("#text" in k)).map(convert) : [];
    const text = Array.isArray(kids) ? kids.filter((k) => "#text" in k).map((k) => String(k["#text"])).join("") : "";
    return { tag, attrs: raw[":@"] ?? {}, text, children };
  };
  const roots = (parser.parse(svg) as Raw[]).map(convert);
  const root = roots.find((r) => r.tag === "svg");
  assert.ok(root, "no <svg> root");
  return root;
}
function all(el: Element): Element[] {
  return [el, ...el.children.flatMap(all)];
}
function byClass(root: Element, cls: string): Element[] {
  return all(root).filter((e) => (e.attrs.class ?? "").split(" ").includes(cls));
}
function texts(root: Element): string[] {
  return all(root).filter((e) => e.tag === "text").map((e) => e.text);
}
const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

const times = [{ label: "sequential", value: 10.02 }, { label: "concurrent", value: 2.01 }];
const spans: Span[] = [
  { label: "#1", lane: "worker 1", start: 0, end: 1000, failed: false },
  { label: "#2", lane: "worker 2", start: 0, end: 1200, failed: false },
  { label: "#3", lane: "worker 1", start: 1000, end: 2100, failed: false },
  { label: "#4 <403>", lane: "worker 2", start: 1200, end: 1300, failed: true },
];

test("a bar chart's SVG parses as XML and has one bar per datum", () => {
  const root = parseSvg(barChart(times, { title: "5 GETs", unit: "s" }).svg);
  const bars = byClass(root, "bar");
  assert.equal(bars.length, 2);
  assert.deepEqual(bars.map((b) => b.attrs["data-label"]), ["sequential", "concurrent"]);
});

test("a bar chart's SVG has a title, a value axis label with its unit, and the ratio", () => {
  const root = parseSvg(barChart(times, { title: "5 GETs", unit: "s" }).svg);
  const t = texts(root);
  assert.ok(t.includes("5 GETs"));
  assert.ok(t.includes("time (s)"));
  assert.ok(t.includes("2.0 s · 5.0× faster"), t.join(" | "));
});

test("chart SVGs scale: a viewBox and a width on the root", () => {
  const root = parseSvg(barChart(times).svg);
  assert.match(root.attrs.viewBox ?? "", /^0 0 \d+(\.\d+)? \d+(\.\d+)?$/);
  assert.ok(Number(root.attrs.width) > 0);
});

test("every text in every chart is at least 14 px", () => {
  const charts = [
    barChart(times, { unit: "s" }),
    lineChart([1, 2, 3]),
    timelineChart(spans),
    heartbeatChart({ beats: [0, 10, 20, 500, 510], intervalMs: 10 }),
  ];
  for (const c of charts) {
    const root = parseSvg(c.svg);
    const rootSize = Number(root.attrs["font-size"]);
    for (const el of all(root).filter((e) => e.tag === "text")) {
      const size = Number(el.attrs["font-size"] ?? rootSize);
      assert.ok(size >= 14, `${c.kind}: "${el.text}" is ${size}px`);
    }
  }
});

test("labels are escaped in SVG", () => {
  const root = parseSvg(barChart([{ label: "a < b & \"c\"", value: 1 }]).svg);
  assert.ok(texts(root).includes("a < b & \"c\""));
});

test("a bar chart's text has a title line, one line per bar and an axis line", () => {
  const c = barChart(times, { title: "5 GETs", unit: "s", textWidth: 30 });
  const lines = c.text.split("\n");
  assert.equal(lines.length, 1 + times.length + 1);
  assert.equal(lines[0], "5 GETs");
  assert.match(lines[1] ?? "", /^sequential │█+/);
  assert.match(lines[2] ?? "", /2\.0 s · 5\.0× faster$/);
  const barCells = (lines[1] ?? "").split("│")[1]?.split(" ")[0] ?? "";
  assert.ok(barCells.length <= 30);
});

test("a bar chart rejects a negative value", () => {
  assert.throws(() => barChart([{ label: "x", value: -1 }]), /Expected data\[0\]\.value to be a finite number ≥ 0, got number -1/);
});

test("a comparison chart draws the medians in seconds with the speed-up", () => {
  const c = comparisonChart(comparisonOf([row("sequential", 10_000, 1), row("concurrent", 2_000, 5)], "sequential"));
  assert.ok(texts(parseSvg(c.svg)).includes("2.0 s · 5.0× faster"));
});

test("a line chart's SVG has one polyline per series with one point per value, and both axis labels", () => {
  const c = lineChart([{ name: "a", values: [1, 2, 3, 4] }, { name: "b", values: [4, 3, 2, 1] }], { xLabel: "time", xUnit: "s", yLabel: "delay", yUnit: "ms" });
  const root = parseSvg(c.svg);
  const lines = all(root).filter((e) => e.tag === "polyline");
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.attrs.points?.split(" ").length, 4);
  assert.ok(texts(root).includes("time (s)") && texts(root).includes("delay (ms)"));
});

test("a line chart's text is asciichart's plot with the asked height plus title, caption and x range", () => {
  const c = lineChart([3, 1, 4, 1, 5, 9, 2, 6], { height: 6, title: "T" });
  const lines = strip(c.text).split("\n");
  assert.equal(lines.length, 1 + 1 + 6 + 1);
  assert.equal(lines[0], "T");
});

test("a long series is cut to textWidth columns, keeping its peak", () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 100 : 1));
  const c = lineChart(values, { textWidth: 50 });
  const plotLines = strip(c.text).split("\n").slice(2, -1);
  const widest = Math.max(...plotLines.map((l) => l.length));
  assert.ok(widest <= 50 + 14, `widest line ${widest}`);
  assert.match(strip(c.text), /100\.00/);
});

test("a timeline's SVG has one rect per span, lanes labelled and a time axis in seconds", () => {
  const root = parseSvg(timelineChart(spans, { laneLabel: "worker" }).svg);
  const rects = byClass(root, "span");
  assert.equal(rects.length, spans.length);
  assert.equal(byClass(root, "failed").length, 1);
  const t = texts(root);
  assert.ok(t.includes("worker 1") && t.includes("worker 2"));
  assert.ok(t.includes("time (s)"));
  assert.ok(t.includes("worker"));
});

test("a timeline's text has a row per lane between the title and the axis", () => {
  const lines = timelineChart(spans, { textWidth: 40 }).text.split("\n");
  assert.equal(lines.length, 1 + 1 + 2 + 2);
  assert.match(lines[2] ?? "", /^worker 1 │█+▓+ *$/);
  assert.match(lines[3] ?? "", /░/);
  assert.match(lines.at(-1) ?? "", /time \(s\)$/);
});

test("a heartbeat chart marks the long gap and draws one tick per beat", () => {
  const probe = { beats: [0, 10, 20, 30, 1030, 1040, 1045], intervalMs: 10 };
  const c = heartbeatChart(probe);
  const root = parseSvg(c.svg);
  assert.equal(byClass(root, "beat").length, 5);
  assert.equal(byClass(root, "gap").length, 1);
  assert.match(c.text, /no beat for 1\.00 s \(0\.03–1\.03 s\)/);
});

test("printing a chart prints its text form", () => {
  const c = barChart(times);
  assert.equal(String(c), c.text);
});

test("a line chart over whole-number x values has only whole-number x ticks", () => {
  const chart = lineChart([7.5, 4.0, 2.5, 1.5], { title: "Wall time", x: [1, 2, 3, 4], xLabel: "nJobs", yLabel: "time", yUnit: "s" });
  const root = parseSvg(chart.svg);
  const xTicks = byClass(root, "tick").filter((t) => t.attrs["text-anchor"] === "middle").map((t) => Number(t.text));
  assert.ok(xTicks.length >= 2, `expected x ticks, got ${xTicks.join(", ")}`);
  assert.ok(xTicks.every((t) => Number.isInteger(t)), `expected whole-number ticks, got ${xTicks.join(", ")}`);
});

const textWidth = loadTextWidth();

test("legend entries with long names never overlap, measured with the chart's own font", { skip: textWidth === undefined ? `no ${DEJAVU_SANS}` : false }, () => {
  const width = textWidth as NonNullable<typeof textWidth>;
  const names = ["measured speed-up", "ideal speed-up on every core", "one worker", "WWWWWWWWWW", "MMMMMMMMMM", "mmmmmmmmmm"];
  const chart = lineChart(names.map((name, i) => ({ name, values: [1, 2 + i, 3 + i] })), { title: "Speed-up" });
  const entries = byClass(parseSvg(chart.svg), "legend").map((e) => ({
    x: Number(e.attrs.x), y: Number(e.attrs.y), w: width(e.text, Number(e.attrs["font-size"])), text: e.text,
  }));
  assert.equal(entries.length, names.length);
  for (const a of entries) {
    assert.ok(a.x + a.w <= 760, `legend entry ${JSON.stringify(a.text)} runs off the chart`);
    for (const b of entries) {
      if (a !== b && a.y === b.y && a.x < b.x) assert.ok(a.x + a.w <= b.x - 38, `legend entries overlap: ${JSON.stringify([a, b])}`);
    }
  }
});

test("large values are printed with thousands separators", () => {
  const chart = barChart([{ label: "threads", value: 3052713 }, { label: "processes", value: 2400000 }], { title: "Throughput", unit: "tasks/s" });
  assert.ok(texts(parseSvg(chart.svg)).some((t) => t.includes("3,052,713")), "expected 3,052,713 in the SVG");
});

test("bars of whole-number counts are labelled without decimals", () => {
  const chart = barChart([{ label: "200", value: 15 }, { label: "403", value: 0 }], { title: "Answers", valueLabel: "requests", ratios: "none" });
  const labels = texts(parseSvg(chart.svg));
  assert.ok(labels.includes("15") && labels.includes("0"), `expected plain counts, got ${labels.join(" | ")}`);
  assert.ok(!labels.includes("15.0"), "a count must not be printed as 15.0");
});
