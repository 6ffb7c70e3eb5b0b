// Every check in the course goes through the one check helper: a hand-written
// `throw new Error(`Expected…`)` in a cell would stop Run All on a busy classroom machine
// (tslab then silently skips the cells that follow), and a claim spread over several
// lines is hard to read at a glance. Exercise solutions are held to the same rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

interface Cell { cell_type: string; source: string | string[] }

const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const notebooks = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).sort();
const codeCells = (name: string) =>
  (JSON.parse(readFileSync(`notebooks/${name}`, "utf8")) as { cells: Cell[] }).cells
    .map((c, index) => ({ index, cell: c }))
    .filter(({ cell }) => cell.cell_type === "code");

/** Lines that check a result by hand instead of with `claim`. */
const HAND_WRITTEN = [
  /throw new Error\(\s*[`"']Expected/, // the old hand-written check
  /^\s*console\.log\(\s*[`"']✔/, // a pass mark printed by hand (claim prints its own)
];

/**
 * The spans of `claim.<kind>(` … `)` calls in a cell, found by matching parentheses outside
 * strings and template literals (a claim's arguments often hold both).
 */
function claimCalls(source: string): Array<{ kind: string; text: string }> {
  const calls: Array<{ kind: string; text: string }> = [];
  const start = /\bclaim\.(atLeast|atMost|between|ok|equal)\(/g;
  for (let m = start.exec(source); m; m = start.exec(source)) {
    let depth = 0;
    let quote: string | null = null;
    let i = m.index + m[0].length - 1;
    for (; i < source.length; i++) {
      const ch = source[i]!;
      if (quote) {
        if (ch === "\\") i++;
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
      else if (ch === "(") depth++;
      else if (ch === ")" && --depth === 0) break;
    }
    calls.push({ kind: m[1]!, text: source.slice(m.index, i + 1) });
  }
  return calls;
}

test("the claim finder sees a one-line claim and a claim spread over lines", () => {
  const calls = claimCalls('claim.atLeast("a (x)", f(1), 2);\nclaim.equal(\n  `b ${g(")")}`,\n  1, 1);');
  assert.deepEqual(calls.map((c) => [c.kind, c.text.includes("\n")]), [["atLeast", false], ["equal", true]]);
});

for (const name of notebooks) {
  test(`${name} checks results only with claim, never by hand`, () => {
    const found = codeCells(name).flatMap(({ index, cell }) =>
      text(cell).split("\n").filter((line) => HAND_WRITTEN.some((re) => re.test(line))).map((line) => `cell ${index}: ${line.trim()}`));
    assert.deepEqual(found, [], `expected every check to be a claim.* line, found hand-written checks:\n${found.join("\n")}`);
  });

  test(`${name} writes each claim on one line`, () => {
    const spread = codeCells(name).flatMap(({ index, cell }) =>
      claimCalls(text(cell)).filter((c) => c.text.includes("\n")).map((c) => `cell ${index}: ${c.text.split("\n")[0]!.trim()} …`));
    assert.deepEqual(spread, [], `expected each claim on one line, found claims over several lines:\n${spread.join("\n")}`);
  });
}
