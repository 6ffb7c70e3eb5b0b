import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as barrel from "../../src/index.js";
import * as testing from "../../src/testing.js";

const source = readFileSync(new URL("../../src/index.ts", import.meta.url), "utf8");

interface ExportLine { readonly names: string[]; readonly from: string; readonly isType: boolean; readonly layer: string }

// Every `export { … } from "./layer/…"` line of the barrel, in order.
function exportLines(): ExportLine[] {
  const lines: ExportLine[] = [];
  for (const match of source.matchAll(/^export (type )?\{ ([^}]*) \} from "\.\/([^"]+)";$/gm)) {
    const from = match[3] as string;
    lines.push({ names: (match[2] as string).split(",").map((n) => n.trim()), from, isType: match[1] !== undefined, layer: from.split("/")[0] as string });
  }
  return lines;
}

const byName = (a: string, b: string): number => a.toLowerCase().localeCompare(b.toLowerCase(), "en");

test("the barrel only re-exports: every statement is an export … from a module of a layer", () => {
  const statements = source.replace(/\/\*[\s\S]*?\*\//g, "").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("//"));
  assert.equal(statements.length, exportLines().length, "the barrel holds something other than re-exports");
});

test("the barrel is grouped by layer in dependency order, each group sorted, values before types", () => {
  const order = ["measure", "show", "async", "http", "parallel", "server", "data"];
  const lines = exportLines();
  const layers = lines.map((l) => l.layer).filter((l, i, all) => all.indexOf(l) === i);
  assert.deepEqual(layers, order);
  for (const layer of order) {
    const group = lines.filter((l) => l.layer === layer);
    const firstType = group.findIndex((l) => l.isType);
    assert.ok(firstType === -1 || group.slice(firstType).every((l) => l.isType), `${layer}: a value export after the types`);
    for (const kind of [false, true]) {
      const modules = group.filter((l) => l.isType === kind).map((l) => l.from);
      assert.deepEqual(modules, [...modules].sort(), `${layer}: modules out of order`);
    }
    for (const line of group) assert.deepEqual(line.names, [...line.names].sort(byName), `${line.from}: names out of order`);
  }
});

test("the barrel exports no test-only name and none that shadows node:test or a global", () => {
  const exported = new Set(Object.keys(barrel));
  const testOnly = Object.keys(testing).filter((name) => exported.has(name));
  assert.deepEqual(testOnly, [], "test-only names belong in src/testing.ts");
  const wellKnown = ["describe", "it", "test", "suite", "before", "after", "mock", "fetch", "setTimeout", "structuredClone", "performance"];
  assert.deepEqual(wellKnown.filter((name) => exported.has(name)), []);
  // Every exported value is named once in the source (no module re-exported twice).
  const named = exportLines().filter((l) => !l.isType).flatMap((l) => l.names);
  assert.equal(new Set(named).size, named.length, "a name is exported twice");
  assert.deepEqual([...exported].sort(), [...named].sort());
});

test("the names the notebooks import are all still exported", () => {
  const used = new Set<string>();
  const dir = new URL("../../notebooks/", import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ipynb"))) {
    const notebook = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as { cells: Array<{ cell_type: string; source: string | string[] }> };
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      const code = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const m of code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"concurrency-lab"/g)) {
        for (const name of (m[1] as string).split(",").map((n) => n.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]).filter(Boolean)) used.add(name as string);
      }
    }
  }
  assert.ok(used.size > 20, `expected the notebooks to import many names, found ${used.size}`);
  const types = new Set(exportLines().filter((l) => l.isType).flatMap((l) => l.names));
  const missing = [...used].filter((name) => !(name in barrel) && !types.has(name));
  assert.deepEqual(missing, []);
});
