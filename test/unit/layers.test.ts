import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

// Which layers each layer may import. Dependencies point one way: show uses measure, never the
// reverse; parallel sits on top; the server and the data stand apart.
const MAY_USE: Record<string, readonly string[]> = {
  internal: [],
  measure: ["internal"],
  show: ["internal", "measure"],
  async: ["internal"],
  http: ["internal", "server"],
  parallel: ["internal", "measure", "show", "http"],
  server: ["internal"],
  data: ["internal"],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

test("every module of src/ sits in a layer folder, except the two entry points", () => {
  const loose = sources(SRC).map((f) => relative(SRC, f)).filter((f) => !f.includes("/"));
  assert.deepEqual(loose.sort(), ["index.ts", "testing.ts"]);
  const layers = [...new Set(sources(SRC).map((f) => relative(SRC, f)).filter((f) => f.includes("/")).map((f) => f.split("/")[0]))];
  assert.deepEqual(layers.sort(), Object.keys(MAY_USE).sort());
});

test("layers import only the layers below them", () => {
  const wrong: string[] = [];
  for (const file of sources(SRC)) {
    const from = relative(SRC, file).split("/")[0] as string;
    if (!(from in MAY_USE)) continue;
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = relative(SRC, normalize(join(dirname(file), m[1] as string)));
      const to = target.split("/")[0] as string;
      if (to !== from && !(MAY_USE[from] ?? []).includes(to)) wrong.push(`${relative(SRC, file)} → ${target}`);
    }
  }
  assert.deepEqual(wrong, []);
});
