// The shape every course notebook keeps, as rules over a notebook's JSON, so the unit tests can
// run them on notebooks/*.ipynb and prove each rule on a fixture that breaks it.
// The exercise convention: notebooks/EXERCISES.md.

/** A notebook cell as stored (nbformat 4). */
export interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[]; jupyter?: { source_hidden?: boolean }; nbgrader?: Record<string, unknown> };
}

/** A notebook as stored (nbformat 4). */
export interface Notebook { cells: Cell[] }

/** The longest code cell a class reads at a glance. */
export const MAX_CELL_LINES = 20;

/** The kinds of exercise; every notebook has at least one of the first two. */
export const KINDS = ["Predict first", "Debug", "Measure"] as const;

/** A cell's source as one string. */
export const text = (c: Cell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

const EXERCISE = /^### Exercise (\d+) · (.+?) — \S/;
const ANSWER_META = { schema_version: 3, solution: true, grade: false, locked: false, task: false };
const CHECK_META = { schema_version: 3, solution: false, grade: true, locked: true, task: false };

/** Code cells longer than {@link MAX_CELL_LINES} lines, as "cell N: M lines". */
export function longCells(nb: Notebook): string[] {
  return nb.cells.flatMap((c, i) => {
    const lines = text(c).replace(/\n+$/, "").split("\n").length;
    return c.cell_type === "code" && lines > MAX_CELL_LINES ? [`cell ${i}: ${lines} lines (at most ${MAX_CELL_LINES})`] : [];
  });
}

/** What breaks the exercise convention in a notebook whose file name (without .ipynb) is `stem`. */
export function exerciseProblems(nb: Notebook, stem: string): string[] {
  const problems: string[] = [];
  const md = (c: Cell) => (c.cell_type === "markdown" ? text(c).split("\n") : []);
  const headings = nb.cells.flatMap(md);
  for (const h of ["## Summary", "## Exercises"]) if (!headings.includes(h)) problems.push(`expected a '${h}' heading`);
  const exercises: Array<{ n: number; kind: string; cells: Array<{ cell: Cell; index: number }> }> = [];
  nb.cells.forEach((cell, index) => {
    const m = md(cell).map((l) => EXERCISE.exec(l)).find((x) => x);
    if (m) exercises.push({ n: Number(m[1]), kind: m[2]!, cells: [] });
    else exercises.at(-1)?.cells.push({ cell, index });
  });
  exercises.forEach((ex, i) => {
    if (ex.n !== i + 1) problems.push(`expected exercise ${i + 1}, found "Exercise ${ex.n}"`);
    if (!(KINDS as readonly string[]).includes(ex.kind)) problems.push(`exercise ${ex.n}: kind "${ex.kind}" is not one of ${KINDS.join(", ")}`);
  });
  for (const kind of ["Predict first", "Debug"]) {
    if (!exercises.some((e) => e.kind === kind)) problems.push(`expected at least one "${kind}" exercise`);
  }
  for (const ex of exercises) {
    const graded = (id: string) => ex.cells.filter(({ cell }) => cell.metadata?.nbgrader?.grade_id === id);
    const answers = graded(`${stem}-ex${ex.n}-answer`);
    const checks = graded(`${stem}-ex${ex.n}-check`);
    if (answers.length !== 1) problems.push(`exercise ${ex.n}: expected one answer cell with grade_id ${stem}-ex${ex.n}-answer, found ${answers.length}`);
    if (checks.length !== 1) problems.push(`exercise ${ex.n}: expected one check cell with grade_id ${stem}-ex${ex.n}-check, found ${checks.length}`);
    const answer = answers[0];
    const check = checks[0];
    if (answer) {
      problems.push(...metadataProblems(answer.cell, ANSWER_META, `exercise ${ex.n} answer`));
      const lines = text(answer.cell).split("\n").map((l) => l.trim());
      const begin = lines.indexOf("// BEGIN SOLUTION");
      const end = lines.indexOf("// END SOLUTION");
      if (begin < 0 || end < begin) problems.push(`exercise ${ex.n}: the answer cell needs the lines // BEGIN SOLUTION … // END SOLUTION`);
    }
    if (check) {
      problems.push(...metadataProblems(check.cell, CHECK_META, `exercise ${ex.n} check`));
      const points = check.cell.metadata?.nbgrader?.points;
      if (typeof points !== "number" || !(points > 0)) problems.push(`exercise ${ex.n}: the check cell needs points > 0, has ${String(points)}`);
      const notClaims = text(check.cell).split("\n").filter((l) => l.trim() && !l.trim().startsWith("//") && !/\bclaim\.\w+\(.*\);\s*$/.test(l));
      if (notClaims.length) problems.push(`exercise ${ex.n}: a check cell holds one-line claims only, found: ${notClaims.join(" | ")}`);
    }
    if (answer && check && check.index < answer.index) problems.push(`exercise ${ex.n}: the check cell comes before the answer cell`);
  }
  const ids = nb.cells.map((c) => c.metadata?.nbgrader?.grade_id).filter((id): id is string => typeof id === "string");
  const repeated = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  if (repeated.length) problems.push(`grade_ids must be unique, repeated: ${repeated.join(", ")}`);
  const hidden = nb.cells.flatMap((c, i) => (c.cell_type === "code" && (c.metadata?.jupyter?.source_hidden || c.metadata?.tags?.includes("solution")) ? [i] : []));
  if (hidden.length) problems.push(`no hidden solution cells: cells ${hidden.join(", ")} are hidden or tagged 'solution'`);
  return problems;
}

function metadataProblems(cell: Cell, expected: Record<string, unknown>, what: string): string[] {
  const meta = cell.metadata?.nbgrader ?? {};
  const wrong = Object.entries(expected).filter(([k, v]) => meta[k] !== v).map(([k, v]) => `${k} should be ${String(v)}, is ${String(meta[k])}`);
  return cell.cell_type !== "code" ? [`${what}: expected a code cell`] : wrong.length ? [`${what}: nbgrader metadata ${wrong.join(", ")}`] : [];
}
