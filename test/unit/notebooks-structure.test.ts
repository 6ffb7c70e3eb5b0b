// The course's shape, checked so that a section of the chapter cannot silently disappear:
// every notebook of the map exists and covers its sections in headings. The exercises and the
// cell sizes are checked over every notebook in notebooks-exercises.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

interface Nbgrader { solution?: boolean; grade?: boolean; locked?: boolean; points?: number; grade_id?: string }
interface Cell { cell_type: string; source: string | string[]; metadata?: { tags?: string[]; jupyter?: { source_hidden?: boolean }; nbgrader?: Nbgrader } }
interface Notebook { cells: Cell[]; metadata: { kernelspec?: { name?: string } } }

/**
 * The section → notebook map of DESIGN.md: every section of chapter 11 has a home, and its
 * heading keeps the chapter's own term for it (Chinese where the chapter titles it in Chinese).
 */
const MAP: Record<string, Array<[section: string, term: string]>> = {
  "00-start-here": [],
  "01-blocking-vs-nonblocking": [["11.1.1", "阻塞"], ["11.1.2", "非阻塞"]],
  "02-sync-vs-async": [["11.1.3", "同步"], ["11.1.4", "异步"]],
  "03-processes-threads-event-loop": [["11.1.5", "多进程多线程"], ["11.1.6", "协程"]],
  "04-parallel-map": [["11.2", "多线程"], ["11.2.1", "joblib.Parallel"]],
  "05-progress-bars": [["11.2.1", "tqdm_joblib"]],
  "06-event-loop-and-async-requests": [["11.3", "异步"], ["11.3.1", "asyncio"]],
  "06b-inside-the-event-loop": [["11.1.1", "阻塞"], ["11.1.2", "非阻塞"], ["11.1.5", "多进程多线程"], ["11.3", "异步"], ["11.3.1", "asyncio"]],
  "07-http-client": [["11.3.2", "aiohttp 异步"]],
  "08-semaphore-limits": [["11.3.2", "并发限制"]],
  "09-http2": [["11.3.3", "httpx 异步"]],
  "10-capstone-polite-crawler": [],
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
    assert.match(first, new RegExp(`^# ${name.split("-")[0]} · `));
    assert.ok(first.split("\n").filter((l) => /^\s*[-*] /.test(l)).length >= 2, "expected a list of learning goals in the first cell");
    assert.equal(nb.metadata.kernelspec?.name, "tslab");
  });

  test(`${name} covers its chapter sections in headings with the chapter's terms`, () => {
    const hs = headings(load(name));
    for (const [section, term] of sections) {
      const h = hs.find((line) => new RegExp(`^#+ ${section.replaceAll(".", "\\.")}(?![.\\d])`).test(line) && line.includes(term));
      assert.ok(h, `expected a heading "${section} … ${term} …", got:\n${hs.join("\n")}`);
    }
  });
}

