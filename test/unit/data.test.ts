import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDiamonds, formatTable, DIAMOND_FLOAT_COLUMNS, DataError } from "../../src/index.js";

test("the diamonds table fetched at set-up has the chapter's 53,940 rows and ten columns", () => {
  const diamonds = loadDiamonds();
  assert.equal(diamonds.length, 53_940);
  assert.deepEqual(diamonds[0], { carat: 0.23, cut: "Ideal", color: "E", clarity: "SI2", depth: 61.5, table: 55, price: 326, x: 3.95, y: 3.98, z: 2.43 });
  assert.deepEqual([...new Set(diamonds.map((d) => d.cut))].sort(), ["Fair", "Good", "Ideal", "Premium", "Very Good"]);
});

test("formatTable prints the head of the diamonds like pandas", () => {
  const text = formatTable(loadDiamonds().slice(0, 5), { floats: DIAMOND_FLOAT_COLUMNS });
  const lines = text.split("\n");
  assert.equal(lines.length, 6);
  assert.match(lines[0]!, /^\s+carat\s+cut\s+color\s+clarity\s+depth\s+table\s+price\s+x\s+y\s+z$/);
  assert.match(lines[1]!, /^0\s+0\.23\s+Ideal\s+E\s+SI2\s+61\.5\s+55\.0\s+326\s+3\.95\s+3\.98\s+2\.43$/);
  assert.match(lines[5]!, /^4\s+0\.31\s+Good\s+J\s+SI2\s+63\.3\s+58\.0\s+335\s+4\.34\s+4\.35\s+2\.75$/);
});

test("a missing data file is a DataError that says how to fetch it", () => {
  assert.throws(() => loadDiamonds({ path: "/nonexistent/diamonds.csv" }), (e: unknown) =>
    e instanceof DataError && /run 'make setup'/.test(e.message));
});

test("a file with other columns is rejected with the columns expected", () => {
  const dir = mkdtempSync(join(tmpdir(), "diamonds-"));
  try {
    const path = join(dir, "other.csv");
    writeFileSync(path, "a,b\n1,2\n");
    assert.throws(() => loadDiamonds({ path }), /Expected the columns carat, cut, color/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("formatTable rejects rows that are not objects", () => {
  assert.throws(() => formatTable([1, 2] as unknown as object[]), /Expected rows to be an array of objects/);
});
