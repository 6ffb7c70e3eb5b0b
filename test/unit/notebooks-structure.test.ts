// The course's shape, checked so that a section of the chapter cannot silently disappear:
// every notebook of the map exists, covers its sections in headings, and ends with
// Summary and Exercises, each exercise followed by a runnable solution.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

interface Cell { cell_type: string; source: string | string[]; metadata?: { tags?: string[]; jupyter?: { source_hidden?: boolean } } }
interface Notebook { cells: Cell[]; metadata: { kernelspec?: { name?: string } } }

/** The section → notebook map of DESIGN.md: every section of chapter 11 has a home. */
const MAP: Record<string, string[]> = {
  "00-start-here": [],
  "01-blocking-vs-nonblocking": ["11.1.1", "11.1.2"],
  "02-sync-vs-async": ["11.1.3", "11.1.4"],
  "03-processes-threads-event-loop": ["11.1.5", "11.1.6"],
  "04-parallel-map": ["11.2.1"],
  "05-progress-bars": ["11.2.1"],
  "06-event-loop-and-async-requests": ["11.3.1"],
  "07-http-client": ["11.3.2"],
  "08-semaphore-limits": ["11.3.2"],
  "09-http2": ["11.3.3"],
};

const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const load = (name: string) => JSON.parse(readFileSync(`notebooks/${name}.ipynb`, "utf8")) as Notebook;
const headings = (nb: Notebook) =>
  nb.cells.filter((c) => c.cell_type === "markdown").flatMap((c) => text(c).split("\n").filter((l) => /^#{1,4} /.test(l)));

test("every notebook of the course map exists, and nothing else", () => {
  const present = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).map((f) => f.replace(/\.ipynb$/, "")).sort();
  assert.deepEqual(present, Object.keys(MAP).sort());
});

for (const [name, sections] of Object.entries(MAP)) {
  test(`${name} opens with a numbered title and what you will learn`, () => {
    const nb = load(name);
    const first = text(nb.cells[0]!);
    assert.match(first, new RegExp(`^# ${name.slice(0, 2)} · `));
    assert.ok(first.split("\n").filter((l) => /^\s*[-*] /.test(l)).length >= 2, "expected a list of learning goals in the first cell");
    assert.equal(nb.metadata.kernelspec?.name, "tslab");
  });

  test(`${name} covers its chapter sections in headings with their Chinese terms`, () => {
    const hs = headings(load(name));
    for (const section of sections) {
      const h = hs.find((line) => line.includes(section));
      assert.ok(h, `expected a heading with ${section}, got:\n${hs.join("\n")}`);
      assert.match(h, /[\u4e00-\u9fff]/, `expected the chapter's Chinese term in "${h}"`);
    }
  });

  test(`${name} ends with Summary and Exercises, each exercise with a solution cell`, () => {
    const nb = load(name);
    const hs = headings(nb);
    assert.ok(hs.includes("## Summary"), "expected a '## Summary' heading");
    assert.ok(hs.includes("## Exercises"), "expected a '## Exercises' heading");
    const exercisesAt = nb.cells.findIndex((c) => c.cell_type === "markdown" && text(c).includes("## Exercises"));
    const after = nb.cells.slice(exercisesAt);
    const solutions = after.filter((c) => c.cell_type === "code" && (c.metadata?.tags ?? []).includes("solution"));
    const exercises = after.filter((c) => c.cell_type === "markdown").map(text).join("\n").split("\n").filter((l) => /^\s*\d+\.\s/.test(l));
    assert.ok(exercises.length >= 2, `expected at least two numbered exercises, got ${exercises.length}`);
    assert.ok(solutions.length >= exercises.length, `expected a solution cell (tagged 'solution') for each of the ${exercises.length} exercises, got ${solutions.length}`);
    for (const s of solutions) assert.equal(s.metadata?.jupyter?.source_hidden, true, "a solution is hidden until the student opens it");
  });
}
