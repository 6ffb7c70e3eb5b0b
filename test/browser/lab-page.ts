// Drives JupyterLab in a Playwright page the way a teacher does: open a notebook, wait for the
// kernel, run cells, interrupt, restart, and read back what every cell shows.
//
// JupyterLab is started with --LabApp.expose_app_in_browser=True, so `window.jupyterapp` is the
// running application: its commands are the menu items (Run > Run All Cells is
// "notebook:run-all-cells", Kernel > Interrupt Kernel is "kernelmenu:interrupt").
import type { Page } from "playwright-core";
import type { JupyterLab } from "./jupyterlab.js";

/** What one cell of the open notebook shows after a run. */
export interface CellReport {
  index: number;
  type: string;
  source: string;
  tags: string[];
  executionCount: number | null;
  /** True while the cell is queued or running (prompt `[*]`). */
  running: boolean;
  /** nbformat output types, e.g. ["stream", "display_data"]. */
  outputTypes: string[];
  /** MIME types of the rendered outputs (data-mime-type in the DOM). */
  mimeTypes: string[];
  /** Text of stdout/stderr/error outputs and text/plain data, as the model holds it. */
  text: string;
  /** Text of stderr streams and error outputs only. */
  errorText: string;
  /** Pictures in the output area: inline <svg> elements plus <img> showing an SVG. */
  svgCount: number;
}

/** A promise that never resolves in the page is useless to the test: every wait is bounded. */
const POLL_MS = 250;

/**
 * Opens the Lab and waits until the application has started and restored its layout;
 * collapses the file browser so screenshots show the notebook at full width.
 */
export async function openLab(page: Page, lab: JupyterLab, timeoutMs = 60_000): Promise<void> {
  // Functions passed to page.evaluate are compiled by tsx (esbuild), which wraps named inner
  // functions in a `__name(fn, "name")` helper that exists only in Node: give the page one.
  await page.addInitScript({ content: "globalThis.__name = (fn) => fn;" });
  await page.goto(lab.labUrl, { timeout: timeoutMs });
  await page.waitForFunction(() => "jupyterapp" in globalThis, null, { timeout: timeoutMs, polling: POLL_MS });
  await page.evaluate(async () => {
    const app = (globalThis as any).jupyterapp;
    await app.started;
    await app.restored;
    if (!app.shell.leftCollapsed) await app.commands.execute("application:toggle-left-area");
  });
}

/**
 * Waits, bounded, until the status bar says "TypeScript | Idle" and the kernel has answered
 * kernel_info. (The toolbar's indicator says idle before a kernel even exists; the status
 * bar's text does not.)
 */
export async function waitForKernelIdle(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(
    () => (globalThis as any).document.querySelector("#jp-main-statusbar")?.textContent?.includes("TypeScript | Idle") ?? false,
    null,
    { timeout: timeoutMs, polling: POLL_MS },
  );
  const answered = await page.evaluate(async (ms) => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    const kernel = panel?.sessionContext?.session?.kernel;
    if (!kernel) return false;
    const info = kernel.info.then(() => true);
    const timeout = new Promise<boolean>((res) => setTimeout(() => res(false), ms));
    return Promise.race([info, timeout]);
  }, timeoutMs);
  if (!answered) throw new Error(`The kernel did not answer kernel_info within ${timeoutMs / 1000} s`);
}

/**
 * Opens a notebook (path relative to the server root) in the Notebook editor and waits for its
 * tslab kernel. A kernel that never becomes idle (tslab's rare zeromq EBUSY hang at start-up)
 * is restarted once.
 * @returns seconds from the open command until the kernel was idle.
 */
export async function openNotebook(page: Page, path: string, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  await page.evaluate(async (p) => {
    const app = (globalThis as any).jupyterapp;
    const widget = await app.commands.execute("docmanager:open", { path: p, factory: "Notebook" });
    await widget.context.ready;
    await widget.sessionContext.ready;
  }, path);
  try {
    await waitForKernelIdle(page, Math.min(timeoutMs, 60_000));
  } catch {
    await page.evaluate(async () => {
      await (globalThis as any).jupyterapp.shell.currentWidget.sessionContext.restartKernel();
    });
    await waitForKernelIdle(page, timeoutMs);
  }
  return (Date.now() - started) / 1000;
}

/** Runs a JupyterLab command (a menu item) on the current widget and awaits it. */
export async function runCommand(page: Page, id: string, args: Record<string, unknown> = {}): Promise<unknown> {
  return page.evaluate(([cmd, a]) => (globalThis as any).jupyterapp.commands.execute(cmd, a), [id, args] as const);
}

/** Makes cell `index` of the current notebook the active cell (command mode). */
export async function selectCell(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const notebook = (globalThis as any).jupyterapp.shell.currentWidget.content;
    notebook.activeCellIndex = i;
    notebook.mode = "command";
    notebook.activeCell.node.scrollIntoView({ block: "center" });
  }, index);
  // Keyboard shortcuts go to the focused notebook.
  await page.locator(".jp-Notebook.jp-mod-commandMode").first().focus();
}

/**
 * Waits, bounded, until no code cell is queued or running and the kernel is idle, continuously
 * for `settleMs` (a run-all queues the next cell a moment after the previous one ends).
 * Fails early when nothing moves (no cell finishes, no output changes) for `stallMs`: tslab
 * can stall under a burst of outputs (measured: 120 pipelined cells printing 4 lines each
 * stopped at cell 77 with the kernel busy for good), and ten minutes of waiting tells nothing more.
 */
export async function waitForCellsDone(page: Page, timeoutMs: number, settleMs = 1_500, stallMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | null = null;
  let lastProgress = "";
  let progressAt = Date.now();
  while (Date.now() < deadline) {
    const state = await page.evaluate(() => {
      const panel = (globalThis as any).jupyterapp.shell.currentWidget;
      const kernelIdle = panel.sessionContext?.session?.kernel?.status === "idle";
      const code = panel.content.widgets.filter((c: any) => c.model.type === "code");
      const running = code.some(
        (c: any) => c.model.executionState === "running" || /\*/.test(c.node.querySelector(".jp-InputPrompt")?.textContent ?? ""),
      );
      const done = code.filter((c: any) => c.model.executionCount !== null).length;
      const outputs = code.reduce((n: number, c: any) => n + JSON.stringify(c.model.outputs.toJSON()).length, 0);
      return { busy: running || !kernelIdle, progress: `${done}/${outputs}` };
    });
    if (state.progress !== lastProgress) {
      lastProgress = state.progress;
      progressAt = Date.now();
    }
    if (state.busy) quietSince = null;
    else if (quietSince === null) quietSince = Date.now();
    else if (Date.now() - quietSince >= settleMs) return;
    if (state.busy && Date.now() - progressAt > stallMs) {
      throw new Error(`${await describeStuck(page)}: no cell finished and no output changed for ${stallMs / 1000} s`);
    }
    await page.waitForTimeout(POLL_MS);
  }
  throw new Error(`${await describeStuck(page)} after ${timeoutMs / 1000} s`);
}

async function describeStuck(page: Page): Promise<string> {
  const running = (await readCells(page)).filter((c) => c.running);
  const first = running[0];
  const where = first ? ` (first: cell ${first.index}, ${JSON.stringify(first.source.split("\n")[0])})` : "";
  return `Cells still running: [${running.map((c) => c.index).join(", ")}]${where}`;
}

/**
 * Clears every output, then Run > Run All Cells, and waits, bounded, until every cell has run.
 * @returns seconds from Run All until the notebook was done.
 */
export async function runAllCells(page: Page, timeoutMs: number): Promise<number> {
  // Cleared outputs and execution counts make "every cell has run" unambiguous afterwards.
  await runCommand(page, "notebook:clear-all-cell-outputs");
  const started = Date.now();
  // Not awaited in the page: the command's promise lasts as long as the whole run.
  await page.evaluate(() => {
    void (globalThis as any).jupyterapp.commands.execute("notebook:run-all-cells");
  });
  await waitForCellsDone(page, timeoutMs);
  return (Date.now() - started) / 1000;
}

/** Reads back every cell of the current notebook: model (source, outputs) and DOM (pictures). */
export async function readCells(page: Page): Promise<CellReport[]> {
  return page.evaluate(() => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    return panel.content.widgets.map((cell: any, index: number) => {
      const model = cell.model;
      const isCode = model.type === "code";
      const outputs: any[] = isCode ? model.outputs.toJSON() : [];
      const texts: string[] = [];
      const errors: string[] = [];
      for (const out of outputs) {
        const join = (t: unknown) => (Array.isArray(t) ? t.join("") : String(t ?? ""));
        if (out.output_type === "stream") {
          texts.push(join(out.text));
          if (out.name === "stderr") errors.push(join(out.text));
        } else if (out.output_type === "error") {
          const msg = `${out.ename}: ${out.evalue}`;
          texts.push(msg);
          errors.push(msg);
        } else if (out.data?.["text/plain"] !== undefined) {
          texts.push(join(out.data["text/plain"]));
        }
      }
      const area: any = cell.node.querySelector(".jp-OutputArea");
      const mimeTypes = area
        ? [...area.querySelectorAll(".jp-OutputArea-output")].map((n) => n.getAttribute("data-mime-type") ?? "")
        : [];
      const svgCount = area
        ? area.querySelectorAll("svg").length + area.querySelectorAll('img[src^="data:image/svg+xml"]').length
        : 0;
      const prompt: string = cell.node.querySelector(".jp-InputPrompt")?.textContent ?? "";
      return {
        index,
        type: model.type,
        source: model.sharedModel.getSource(),
        tags: (model.getMetadata?.("tags") as string[] | undefined) ?? [],
        executionCount: isCode ? (model.executionCount ?? null) : null,
        running: isCode && (model.executionState === "running" || prompt.includes("*")),
        outputTypes: outputs.map((o) => String(o.output_type)),
        mimeTypes,
        text: texts.join(""),
        errorText: errors.join(""),
        svgCount,
      };
    });
  });
}

/**
 * Saves a picture of the whole notebook: the viewport is made as tall as the notebook's content
 * (cells are not windowed, see DEFAULT_LAB_SETTINGS), capped at `maxHeight` pixels.
 */
export async function screenshotNotebook(page: Page, path: string, maxHeight = 30_000): Promise<void> {
  const original = page.viewportSize() ?? { width: 1400, height: 1000 };
  const needed = await page.evaluate(() => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    const scroller: any = panel.content.node.querySelector(".jp-WindowedPanel-outer") ?? panel.content.node;
    // Everything outside the scrolling notebook (menu, toolbar, status bar) plus its content.
    return (globalThis as any).innerHeight - scroller.clientHeight + scroller.scrollHeight + 40;
  });
  await page.setViewportSize({ width: original.width, height: Math.min(Math.ceil(needed), maxHeight) });
  await page.evaluate(() => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    const scroller: any = panel.content.node.querySelector(".jp-WindowedPanel-outer") ?? panel.content.node;
    scroller.scrollTop = 0;
  });
  await page.waitForTimeout(500);
  await page.screenshot({ path });
  await page.setViewportSize(original);
}

/** Shuts down the current notebook's kernel and closes it without a "save?" dialog. */
export async function closeNotebook(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    if (!panel) return;
    await panel.sessionContext.shutdown();
    panel.dispose();
  });
}
