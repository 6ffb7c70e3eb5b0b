// A teacher hands out an executed notebook: the runner executes a notebook of charts (--output,
// as `make notebooks` does), and the executed copy is opened in the course's JupyterLab as a
// student would open it, untrusted. JupyterLab never draws SVG in an untrusted notebook, so every
// chart must come with a PNG that is drawn instead: one <img> of a PNG, of nonzero size, per
// chart output of the file.
//
// Run: npm run test:browser   (or: make browser)
// Needs: make setup, and Chromium at /usr/bin/chromium (apt-get install chromium).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS, ROOT, isAlive, prepareRoot, requireChromium, startJupyterLab, type JupyterLab } from "./jupyterlab.js";
import { closeNotebook, openLab, openNotebook } from "./lab-page.js";

const FIXTURE = join(ROOT, "test", "fixtures", "browser", "charts-handout.ipynb");
const EXECUTED_DIR = join(ROOT, "build", "browser-handout");
const EXECUTED = join(EXECUTED_DIR, "charts-handout.ipynb");

interface Output { output_type: string; data?: Record<string, unknown> }
interface StoredNotebook { cells: { cell_type: string; outputs?: Output[] }[] }

/** What the page shows of the open notebook's outputs. */
interface Drawn {
  trusted: boolean[];
  pngs: { width: number; height: number }[];
  svgs: number;
}

async function readDrawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    const cells: any[] = panel.content.widgets.filter((c: any) => c.model.type === "code");
    const areas: any[] = cells.map((c) => c.node.querySelector(".jp-OutputArea")).filter(Boolean);
    const imgs: any[] = areas.flatMap((a) => [...a.querySelectorAll('img[src^="data:image/png"]')]);
    return {
      trusted: cells.map((c) => Boolean(c.model.trusted)),
      pngs: imgs.map((img) => ({ width: img.complete ? img.naturalWidth : 0, height: img.complete ? img.naturalHeight : 0 })),
      // Only what the outputs draw: the prompt overlay's collapse icon is an <svg> too.
      svgs: areas.reduce((n, a) => n + a.querySelectorAll(".jp-OutputArea-output svg, .jp-OutputArea-output img[src^='data:image/svg+xml']").length, 0),
    };
  });
}

describe("an executed notebook handed out, opened untrusted in JupyterLab", () => {
  let lab: JupyterLab | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let chartOutputs = 0;

  before(async () => {
    const executablePath = requireChromium(process.env.LAB_TEST_CHROMIUM ?? "/usr/bin/chromium");
    rmSync(EXECUTED_DIR, { recursive: true, force: true });
    await promisify(execFile)(join(ROOT, ".venv", "bin", "python"), ["test/notebooks/run_notebooks.py", FIXTURE, "--output", EXECUTED_DIR], {
      cwd: ROOT,
      timeout: 5 * 60_000,
    });
    const stored = JSON.parse(readFileSync(EXECUTED, "utf8")) as StoredNotebook;
    chartOutputs = stored.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["image/svg+xml"] !== undefined).length;
    lab = await startJupyterLab({ rootDir: prepareRoot({ name: "handout", notebooks: [EXECUTED] }) });
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await openLab(page, lab);
  });

  after(async () => {
    await browser?.close();
    if (lab) {
      const kernels = lab.descendants();
      await lab.stop();
      assert.deepEqual(kernels.filter(isAlive), [], "processes started by JupyterLab survived its shutdown");
    }
  });

  test("every chart output of the executed copy is drawn as a PNG of nonzero size", { timeout: 3 * 60_000 }, async () => {
    assert.equal(chartOutputs, 3, "the fixture's executed copy holds three chart outputs");
    await openNotebook(page, "charts-handout.ipynb");
    try {
      // Images decode asynchronously: wait, bounded, for as many drawn PNGs as chart outputs.
      await page
        .waitForFunction(
          (n) => [...(globalThis as any).document.querySelectorAll('.jp-OutputArea img[src^="data:image/png"]')].filter((i: any) => i.complete && i.naturalWidth > 0).length >= n,
          chartOutputs,
          { timeout: 30_000, polling: 250 },
        )
        .catch(() => undefined);
      const drawn = await readDrawn(page);
      assert.ok(drawn.trusted.length > 0 && drawn.trusted.every((t) => !t), `the copy is opened untrusted: ${JSON.stringify(drawn.trusted)}`);
      assert.equal(drawn.svgs, 0, "untrusted, JupyterLab draws no SVG (why the PNG is needed)");
      assert.equal(drawn.pngs.length, chartOutputs, `PNG images drawn, one per chart output: ${JSON.stringify(drawn.pngs)}`);
      for (const png of drawn.pngs) assert.ok(png.width > 0 && png.height > 0, `a PNG of nonzero size: ${JSON.stringify(png)}`);
    } finally {
      await closeNotebook(page);
    }
  });
});
