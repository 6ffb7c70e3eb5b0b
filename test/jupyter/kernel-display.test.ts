// The display helpers under the real tslab kernel: each helper's cell runs, charts arrive as
// inline SVG, and a progress bar is one display updated in place that ends at 100%.
// Needs the built dist/ and the project's kernelspec (`make jupyter` provides both).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

interface Output {
  cell: number;
  type: "display_data" | "update_display_data" | "stream" | "error";
  data?: Record<string, string>;
  display_id?: string | null;
  text?: string;
  name?: string;
  ename?: string;
  evalue?: string;
}

const python = ".venv/bin/python";
const ready = existsSync(python) && existsSync("dist/index.js");
let outputs: Output[] = [];

before(async () => {
  // Never skip: a missing set-up must fail loudly, or a skip would look like a pass.
  if (!ready) throw new Error("Expected .venv (tslab kernelspec) and dist/ — run `make jupyter`, which builds both");
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(python, ["test/jupyter/capture_outputs.py", "test/fixtures/kernel/helpers.ipynb"], { timeout: 240_000, maxBuffer: 32 * 1024 * 1024 }, (error, out, err) => {
      if (error) reject(new Error(`${error.message}\n${err}`));
      else resolve(out);
    });
  });
  outputs = stdout.trim().split("\n").map((line) => JSON.parse(line) as Output);
});

const inCell = (cell: number): Output[] => outputs.filter((o) => o.cell === cell);
const stdout = (cell: number): string => inCell(cell).filter((o) => o.type === "stream").map((o) => o.text).join("");

test("every helper cell runs under tslab without an error", () => {
  const errors = outputs.filter((o) => o.type === "error" || (o.type === "stream" && o.name === "stderr"));
  assert.deepEqual(errors, []);
  assert.equal(new Set(outputs.map((o) => o.cell)).size, 7);
});

test("the library detects the tslab kernel", () => {
  assert.equal(stdout(0), "kernel: true\n");
});

test("a progress bar is one display_data then update_display_data of the same display id", () => {
  const bar = inCell(1).filter((o) => o.type !== "stream");
  assert.equal(bar[0]?.type, "display_data");
  assert.ok(bar.length >= 2);
  assert.ok(bar.slice(1).every((o) => o.type === "update_display_data"));
  assert.equal(new Set(bar.map((o) => o.display_id)).size, 1);
  assert.ok(bar.every((o) => Object.keys(o.data ?? {}).join() === "text/plain"));
});

test("the progress bar's last update is the 100% state", () => {
  const last = inCell(1).filter((o) => o.type !== "stream").at(-1);
  assert.match(last?.data?.["text/plain"] ?? "", /^Diamonds: 100%\|██████████\| 53940\/53940 \[\d\d:\d\d<00:00, +[\d.]+it\/s\]$/);
});

test("an async loop's bar redraws at most 10 times a second", () => {
  const updates = inCell(2).filter((o) => o.data?.["text/plain"]?.startsWith("Requests"));
  // 5 items × 50 ms = 0.25 s: the first draw, ≤ 3 throttled redraws, and the final one.
  assert.ok(updates.length >= 2 && updates.length <= 5, `got ${updates.length}`);
  assert.match(updates.at(-1)?.data?.["text/plain"] ?? "", /^Requests: 100%.*5\/5/);
});

test("charts are sent as inline SVG (image/svg+xml)", () => {
  for (const cell of [3, 4, 5, 6]) {
    const svg = inCell(cell).find((o) => o.data?.["image/svg+xml"]);
    assert.match(svg?.data?.["image/svg+xml"] ?? "", /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `cell ${cell}`);
  }
});

test("each chart is one output that also carries a PNG of it and its text form (untrusted views draw the PNG)", () => {
  for (const cell of [3, 4, 5, 6]) {
    const chart = inCell(cell).find((o) => o.data?.["image/svg+xml"]);
    const png = Buffer.from(chart?.data?.["image/png"] ?? "", "base64");
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG", `cell ${cell}: a PNG beside the SVG`);
    assert.ok(png.readUInt32BE(16) > 0 && png.readUInt32BE(20) > 0, `cell ${cell}: a PNG of nonzero size`);
    assert.ok((chart?.data?.["text/plain"] ?? "").length > 0, `cell ${cell}: the text form beside the SVG`);
  }
});

test("compare's sentence and the probe's verdict print in the kernel", () => {
  assert.match(stdout(3), /sequential \d+ ms · concurrent \d+(\.\d)? ms · \d\.\d× faster/);
  assert.match(stdout(5), /blocked ≥ 150 ms: true/);
});

test("showText and a chart as the last expression give text", () => {
  assert.ok(inCell(6).some((o) => o.type === "display_data" && o.data?.["text/plain"]?.startsWith("Line")));
  assert.match(stdout(6), /^Bars\na │/);
});
