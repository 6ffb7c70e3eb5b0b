import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  show,
  showText,
  setDisplayTarget,
  getDisplayTarget,
  isKernel,
  createTextTarget,
} from "../../src/index.js";
import { createRecordingTarget } from "../../src/testing.js";

const chart = { text: "a ▇▇▇ 1", svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' };

afterEach(() => { setDisplayTarget(undefined); });

test("outside a kernel the detected target prints text", () => {
  setDisplayTarget(undefined);
  assert.equal(getDisplayTarget().mode, "text");
  assert.equal(isKernel(), false);
});

test("show sends one output in the kernel: the SVG first, then a PNG of it, then the text", () => {
  const target = createRecordingTarget("kernel");
  setDisplayTarget(target);
  show(chart);
  assert.equal(target.outputs.length, 1);
  const [out] = target.outputs;
  assert.equal(out?.mime, "image/svg+xml");
  assert.equal(out?.data, chart.svg);
  assert.deepEqual(Object.keys(out?.bundle ?? {}), ["image/svg+xml", "image/png", "text/plain"]);
  assert.equal(out?.bundle?.["text/plain"], chart.text);
  const png = Buffer.from(out?.bundle?.["image/png"] ?? "", "base64");
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
});

test("a target without sendBundle still gets the SVG from show", () => {
  const sent: string[] = [];
  setDisplayTarget({ mode: "kernel", send: (mime) => sent.push(mime), live: () => ({ update() {} }) });
  show(chart);
  assert.deepEqual(sent, ["image/svg+xml"]);
});

test("show prints the text form outside the kernel", () => {
  const lines: string[] = [];
  setDisplayTarget(createTextTarget({ write: (l) => lines.push(l) }));
  show(chart);
  assert.deepEqual(lines, [chart.text]);
});

test("showText sends text/plain in the kernel", () => {
  const target = createRecordingTarget("kernel");
  setDisplayTarget(target);
  showText("hello");
  assert.deepEqual(target.outputs.map((o) => o.mime), ["text/plain"]);
});

test("show of a string shows it as text", () => {
  const target = createRecordingTarget("kernel");
  setDisplayTarget(target);
  show("plain words");
  assert.equal(target.outputs[0]?.mime, "text/plain");
});

test("a text target's live output prints every update as a new line", () => {
  const lines: string[] = [];
  const live = createTextTarget({ write: (l) => lines.push(l) }).live();
  live.update("text/plain", "one");
  live.update("text/plain", "two");
  assert.deepEqual(lines, ["one", "two"]);
});

test("show rejects a value that is not a chart", () => {
  setDisplayTarget(createRecordingTarget());
  assert.throws(() => show({ text: "x" } as never), /Expected chart to be a chart \(with \.text and \.svg\) or a string, got object/);
});

test("setDisplayTarget returns the previous target", () => {
  const a = createRecordingTarget();
  setDisplayTarget(a);
  assert.equal(setDisplayTarget(undefined), a);
});
