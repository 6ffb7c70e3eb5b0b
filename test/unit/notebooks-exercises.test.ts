// Every notebook in notebooks/ (by glob: new notebooks are held to it too) is sized for class and
// carries graded exercises in the course's convention (notebooks/EXERCISES.md). Each rule is shown
// to fail on a fixture notebook that breaks it (test/fixtures/structure/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { exerciseProblems, longCells, type Notebook } from "./helpers/notebook-rules.js";

const load = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;
const problems = (path: string, stem: string) => [...longCells(load(path)), ...exerciseProblems(load(path), stem)];

const notebooks = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).sort();
test("the glob finds the course's notebooks", () => assert.ok(notebooks.length >= 10, `found ${notebooks.length}`));

for (const file of notebooks) {
  test(`${file}: cells of at most 20 lines, graded predict-first and debug exercises`, () => {
    assert.deepEqual(problems(`notebooks/${file}`, file.replace(/\.ipynb$/, "")), []);
  });
}

const FIXTURES: Record<string, RegExp> = {
  "long-cell": /cell 2: 21 lines \(at most 20\)/,
  "no-summary": /expected a '## Summary' heading/,
  "no-exercises-heading": /expected a '## Exercises' heading/,
  "no-predict": /expected at least one "Predict first" exercise/,
  "no-debug": /expected at least one "Debug" exercise/,
  "bad-metadata": /exercise 2 check: nbgrader metadata locked should be true, is false/,
  "duplicate-id": /grade_ids must be unique, repeated: duplicate-id-ex1-check/,
  "no-delimiters": /exercise 2: the answer cell needs the lines \/\/ BEGIN SOLUTION/,
  "hidden-solution": /no hidden solution cells/,
  "multi-line-check": /exercise 2: a check cell holds one-line claims only/,
};

test("the well-formed fixture passes every rule", () => {
  assert.deepEqual(problems("test/fixtures/structure/ok.ipynb", "ok"), []);
});

for (const [name, expected] of Object.entries(FIXTURES)) {
  test(`a notebook that breaks a rule fails: ${name}`, () => {
    const found = problems(`test/fixtures/structure/${name}.ipynb`, name);
    assert.ok(found.some((p) => expected.test(p)), `expected a problem matching ${expected}, got:\n${found.join("\n")}`);
  });
}
