// The course, used the way a teacher uses it: JupyterLab (the project's .venv) in Debian's
// Chromium. Every notebook in notebooks/ is opened, run with Run > Run All Cells, and read back
// from the page; then a classroom scenario re-runs, interrupts and restarts a kernel.
//
// Run: npm run test:browser   (or: make browser)
// Needs: make setup, and Chromium at /usr/bin/chromium (apt-get install chromium).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import {
  CHROMIUM_ARGS,
  ROOT,
  listNotebooks,
  prepareRoot,
  requireChromium,
  startJupyterLab,
  isAlive,
  type JupyterLab,
} from "./jupyterlab.js";
import {
  closeNotebook,
  openLab,
  openNotebook,
  readCells,
  runAllCells,
  runCommand,
  screenshotNotebook,
  selectCell,
  waitForCellsDone,
  type CellReport,
} from "./lab-page.js";

/** The course; LAB_TEST_NOTEBOOKS=<folder> runs the test on another folder (e.g. fixtures). */
const NOTEBOOK_DIR = resolve(ROOT, process.env.LAB_TEST_NOTEBOOKS ?? "notebooks");
const NOTEBOOKS = listNotebooks(NOTEBOOK_DIR);
const CLASSROOM = join(ROOT, "test", "fixtures", "browser", "classroom.ipynb");
const SCREENSHOTS = join(ROOT, "build", "screenshots");
/** Generous: the longest notebooks sleep and fetch on purpose. */
const NOTEBOOK_TIMEOUT_MS = 10 * 60_000;
/** The notebook whose step-through replay (loopReplay: CSS animation, no script) must move in JupyterLab. */
const REPLAY_NOTEBOOK = "06b-inside-the-event-loop";
/** Overridable only to check the "Chromium is missing" failure itself. */
const CHROMIUM_PATH = process.env.LAB_TEST_CHROMIUM ?? "/usr/bin/chromium";

/**
 * A chart cell: tagged "chart", or its source shows a chart with the library's `show(chart)`
 * (src/display.ts: an `image/svg+xml` output in the kernel) or tslab's own `display.svg(…)`.
 * `show("a string")` and `showText(…)` print text, so they do not count.
 * Each chart cell must show at least one picture (inline <svg>, or <img> of an SVG).
 */
function isChartCell(cell: CellReport): boolean {
  if (cell.type !== "code") return false;
  if (cell.tags.includes("chart")) return true;
  const code = cell.source.replace(/\/\/.*$/gm, "");
  return /\bshow\s*\(\s*[^"'`\s)]|\bdisplay\.svg\s*\(/.test(code);
}

/** Percentages of every progress bar in a text (tqdm style: ` 42%|████ | 42/100 …`). */
function progressPercents(text: string): number[] {
  return [...text.matchAll(/(\d{1,3}(?:\.\d+)?)%\s*\|/g)].map((m) => Number(m[1]));
}

function describeErrors(name: string, cells: CellReport[]): string {
  return cells
    .filter((c) => c.errorText || c.mimeTypes.includes("application/vnd.jupyter.stderr") || c.outputTypes.includes("error"))
    .map((c) => `${name} cell ${c.index}:\n  ${c.source.split("\n")[0]}\n  → ${c.errorText.trim().slice(0, 600)}`)
    .join("\n");
}

/** Asserts what a teacher must see after Run All: every cell ran, no error, charts, full bars. */
function assertRanCleanly(name: string, cells: CellReport[]): void {
  const code = cells.filter((c) => c.type === "code" && c.source.trim() !== "");
  assert.ok(code.length > 0, `${name}: expected at least one code cell`);
  // Errors first: after one, tslab silently skips the next cells, which then have no count.
  assert.equal(describeErrors(name, cells), "", `${name}: error output`);
  const notRun = code.filter((c) => c.executionCount === null || c.running).map((c) => c.index);
  assert.deepEqual(notRun, [], `${name}: cells without an execution count (not run, or skipped after an error)`);
  for (const cell of code.filter(isChartCell)) {
    assert.ok(cell.svgCount >= 1, `${name} cell ${cell.index} draws a chart but shows no SVG:\n${cell.source}`);
  }
  for (const cell of code) {
    const unfinished = progressPercents(cell.text).filter((p) => p !== 100);
    assert.deepEqual(unfinished, [], `${name} cell ${cell.index}: a progress bar stopped short of 100%`);
  }
}

/** The first replay on the page (its SVG has class loop-replay) looks different 1.5 s later: it animates. */
async function assertReplayAnimates(page: Page, name: string): Promise<void> {
  // JupyterLab shows an SVG output as an <img> of it; an inline <svg> would do as well.
  const picture = page.locator('.jp-OutputArea-output img[src*="loop-replay"], .jp-OutputArea-output svg.loop-replay').first();
  assert.ok((await picture.count()) > 0, `${name}: expected a step-through replay (loopReplay) among the outputs`);
  await picture.scrollIntoViewIfNeeded();
  const first = await picture.screenshot();
  await page.waitForTimeout(1_500);
  const second = await picture.screenshot();
  assert.notDeepEqual(first, second, `${name}: the replay looks the same 1.5 s later (each step lasts 1.2 s): it does not animate`);
}

describe("the course in JupyterLab, in Chromium", () => {
  let lab: JupyterLab | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const timings: string[] = [];

  before(async () => {
    // Fails (never skips) when Chromium is missing, with the command that installs it.
    const executablePath = requireChromium(CHROMIUM_PATH);
    const root = prepareRoot({ name: "lab", notebooks: [...NOTEBOOKS, CLASSROOM] });
    mkdirSync(SCREENSHOTS, { recursive: true });
    lab = await startJupyterLab({ rootDir: root });
    timings.push(`JupyterLab answered in ${lab.startSeconds.toFixed(1)} s`);
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
    // A fresh context is a fresh, empty profile; no video, no downloads.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    const t0 = Date.now();
    await openLab(page, lab);
    timings.push(`Lab loaded in the browser in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    let t0 = Date.now();
    await browser?.close();
    timings.push(`Chromium closed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (lab) {
      const kernels = lab.descendants();
      t0 = Date.now();
      await lab.stop();
      timings.push(`JupyterLab and its kernels stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const survivors = kernels.filter(isAlive);
      console.log(timings.join("\n"));
      assert.deepEqual(survivors, [], "processes started by JupyterLab survived its shutdown");
    }
  });

  test("the course has notebooks to open", () => {
    assert.ok(NOTEBOOKS.length > 0, `expected notebooks in ${NOTEBOOK_DIR}`);
  });

  for (const path of NOTEBOOKS) {
    const name = basename(path, ".ipynb");
    test(`${name} runs top to bottom with no error output, every chart drawn and every progress bar at 100%`, { timeout: NOTEBOOK_TIMEOUT_MS + 3 * 60_000 }, async () => {
      const idle = await openNotebook(page, basename(path));
      try {
        const seconds = await runAllCells(page, NOTEBOOK_TIMEOUT_MS);
        timings.push(`${name}: kernel idle after ${idle.toFixed(1)} s, Run All took ${seconds.toFixed(1)} s`);
        const cells = await readCells(page);
        // The picture first: when an assertion fails, the screenshot shows why.
        await screenshotNotebook(page, join(SCREENSHOTS, `${name}.png`));
        assertRanCleanly(name, cells);
        if (name === REPLAY_NOTEBOOK) await assertReplayAnimates(page, name);
      } finally {
        await closeNotebook(page);
      }
    });
  }

  test("a classroom: re-run a cell, interrupt a runaway cell, restart the kernel and run all", { timeout: 5 * 60_000 }, async (t) => {
    await openNotebook(page, basename(CLASSROOM));
    try {
      const cells = await readCells(page);
      const counter = cells.findIndex((c) => c.source.includes("hello from run"));
      const runaway = cells.findIndex((c) => c.tags.includes("runaway"));
      assert.ok(counter >= 0 && runaway === counter + 1, "fixture: a counter cell followed by the runaway cell");

      await t.test("running one cell twice (Shift+Enter) gives no error", async () => {
        for (const run of [1, 2]) {
          await selectCell(page, counter);
          await page.keyboard.press("Shift+Enter");
          await waitForCellsDone(page, 60_000);
          const cell = (await readCells(page))[counter] as CellReport;
          assert.equal(cell.errorText, "", `run ${run}: ${cell.errorText}`);
          assert.match(cell.text, new RegExp(`hello from run ${run}`));
        }
      });

      await t.test("Kernel > Interrupt stops a runaway cell and the next cell runs", async () => {
        await selectCell(page, runaway);
        await page.keyboard.press("Shift+Enter");
        // Spinning: the cell printed and the kernel is busy.
        await page.waitForFunction(
          (i) => {
            const panel = (globalThis as any).jupyterapp.shell.currentWidget;
            return panel.content.widgets[i].node.textContent.includes("spinning") && panel.sessionContext.session.kernel.status === "busy";
          },
          runaway,
          { timeout: 60_000, polling: 250 },
        );
        await page.waitForTimeout(1_000);
        // Same command as the menu item Kernel > Interrupt Kernel, on the current notebook.
        await selectCell(page, runaway);
        await runCommand(page, "kernelmenu:interrupt");
        await waitForCellsDone(page, 60_000);
        // tslab aborts whatever arrives within 200 ms of an error; a teacher is slower than that.
        await page.waitForTimeout(500);
        // Shift+Enter moved the selection on; run the cell after the runaway one explicitly.
        await selectCell(page, runaway + 1);
        await page.keyboard.press("Shift+Enter");
        await waitForCellsDone(page, 60_000);
        const next = (await readCells(page))[runaway + 1] as CellReport;
        assert.equal(next.errorText, "");
        assert.match(next.text, /after the interrupt/);
      });

      await t.test("after deleting the runaway cell, Restart Kernel and Run All gives no error", async () => {
        await selectCell(page, runaway);
        await runCommand(page, "notebook:delete-cell");
        // Kernel > Restart Kernel…, accepting its dialog as a teacher would.
        const restarting = runCommand(page, "kernelmenu:restart");
        await page.locator(".jp-Dialog .jp-mod-accept").click({ timeout: 30_000 });
        await restarting;
        await page.waitForFunction(
          () => (globalThis as any).document.querySelector("#jp-main-statusbar")?.textContent?.includes("TypeScript | Idle") ?? false,
          null,
          { timeout: 90_000, polling: 250 },
        );
        const seconds = await runAllCells(page, 5 * 60_000);
        timings.push(`classroom: Run All after restart took ${seconds.toFixed(1)} s`);
        const after = await readCells(page);
        await screenshotNotebook(page, join(SCREENSHOTS, "classroom-after-restart.png"));
        assertRanCleanly("classroom", after);
        // A fresh kernel: the counter starts again at 1.
        assert.match((after[counter] as CellReport).text, /hello from run 1\b/);
      });
    } finally {
      await closeNotebook(page);
    }
  });
});
