// The static HTML edition (scripts/build-site.py): built from an executed fixture notebook,
// then read as text and opened in Chromium with the network cut off.
//
// Run: npm run test:browser   (needs make setup, and Chromium at /usr/bin/chromium)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS, ROOT, requireChromium } from "./jupyterlab.js";
import { loopReplay } from "../../src/index.js";
import type { LoopEvent } from "../../src/index.js";

const FIXTURE = join(ROOT, "test", "fixtures", "site", "site-chart.ipynb");
const WORK = join(ROOT, "build", "site-test");
const SRC = join(WORK, "notebooks");
const OUT = join(WORK, "site");
const CHROMIUM_PATH = process.env.LAB_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Tags that would make a page fetch something over the network. */
const EXTERNAL = /<(script|img|iframe)\b[^>]*\bsrc\s*=\s*["']?(https?:)?\/\/|<link\b[^>]*\bhref\s*=\s*["']?(https?:)?\/\/|@import\s+(url\()?\s*["']?(https?:)?\/\//i;

describe("the static HTML edition", () => {
  let output = "";

  before(() => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(SRC, { recursive: true });
    cpSync(FIXTURE, join(SRC, "site-chart.ipynb"));
    output = execFileSync(join(ROOT, ".venv", "bin", "python"), [join(ROOT, "scripts", "build-site.py"), SRC, OUT], {
      encoding: "utf8",
      timeout: 120_000,
    });
  });

  test("the index lists the notebook with its title and learning goals, linked to its page", () => {
    const index = readFileSync(join(OUT, "index.html"), "utf8");
    assert.match(index, /<a href="site-chart\.html">99 · Site fixture — a chart<\/a>/);
    assert.match(index, /<li>draw a bar as SVG;<\/li>/);
    assert.match(output, /index\.html with 1 notebooks/);
  });

  test("the notebook's page embeds its SVG and its text output", () => {
    const page = readFileSync(join(OUT, "site-chart.html"), "utf8");
    const embedded = [...page.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1] ?? "", "base64").toString("utf8"),
    );
    const inline = page.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
    assert.ok([...embedded, ...inline].some((svg) => svg.includes('id="fixture-bar"')), "the fixture's SVG bar is on the page");
    assert.match(page, /fixture text output/);
  });

  test("a solution cell is folded away behind a <details> summary", () => {
    const page = readFileSync(join(OUT, "site-chart.html"), "utf8");
    assert.match(page, /<details class="site-folded"><summary>Solution \(click to show\)<\/summary>[\s\S]*?solution output[\s\S]*?<\/details>/);
  });

  test("no page loads a script, stylesheet or image from the network", () => {
    for (const file of ["index.html", "site-chart.html"]) {
      const html = readFileSync(join(OUT, file), "utf8");
      assert.doesNotMatch(html, EXTERNAL, `${file} refers to the network`);
      assert.doesNotMatch(html, /<script\b[^>]*\bsrc=/i, `${file} loads a script`);
    }
  });

  describe("opened in Chromium with no network", () => {
    let browser: Browser | undefined;
    before(async () => {
      browser = await chromium.launch({ executablePath: requireChromium(CHROMIUM_PATH), args: [...CHROMIUM_ARGS] });
    });
    after(async () => {
      await browser?.close();
    });

    test("every page renders, requests nothing but its own file, and shows the picture", async () => {
      const context = await (browser as Browser).newContext();
      const requested: string[] = [];
      await context.route("**/*", async (route) => {
        const url = route.request().url();
        if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
        requested.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      await page.goto(pathToFileURL(join(OUT, "index.html")).href);
      await page.click("text=99 · Site fixture — a chart");
      await page.waitForURL(/site-chart\.html$/);
      const width = await page.evaluate(() => {
        const img = (globalThis as any).document.querySelector('img[src^="data:image/svg+xml"]');
        return img ? (img.naturalWidth as number) : 0;
      });
      assert.equal(width, 120, "the SVG picture loaded at its own width");
      await page.screenshot({ path: join(WORK, "site-chart.png"), fullPage: true });
      await context.close();
      assert.deepEqual(requested, [], "requests that would need the network");
    });
  });
});

describe("a step-through replay on the static site", () => {
  const work = join(ROOT, "build", "site-replay-test");
  const ev = (seq: number, lane: LoopEvent["lane"], kind: LoopEvent["kind"], label: string, queuedAt: number, ranAt: number): LoopEvent =>
    ({ seq, lane, kind, type: kind, resource: seq, label, queuedAt, ranAt, durationMs: 0.05 });
  let browser: Browser | undefined;

  before(async () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, "notebooks"), { recursive: true });
    const replay = loopReplay({ events: [ev(0, "sync", "sync", "fn (sync)", 0, 0), ev(1, "nextTick", "nextTick", "tick", 0.1, 0.5), ev(2, "microtask", "microtask", "then", 0.2, 0.6), ev(3, "check", "immediate", "immediate", 0.3, 0.8)] }, { stepSeconds: 0.5 });
    const notebook = {
      cells: [
        { cell_type: "markdown", metadata: {}, source: ["# 98 · Site fixture — a replay\n\n- watch it move;\n- no script."] },
        { cell_type: "code", execution_count: 1, metadata: {}, source: ["show(loopReplay(trace));"], outputs: [{ output_type: "display_data", metadata: {}, data: { "image/svg+xml": replay.svg } }] },
      ],
      metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    writeFileSync(join(work, "notebooks", "site-replay.ipynb"), JSON.stringify(notebook));
    execFileSync(join(ROOT, ".venv", "bin", "python"), [join(ROOT, "scripts", "build-site.py"), join(work, "notebooks"), join(work, "site")], { encoding: "utf8", timeout: 120_000 });
    browser = await chromium.launch({ executablePath: requireChromium(CHROMIUM_PATH), args: [...CHROMIUM_ARGS] });
  });
  after(async () => {
    await browser?.close();
  });

  test("the page carries no script, and its picture changes while you watch", async () => {
    const html = readFileSync(join(work, "site", "site-replay.html"), "utf8");
    assert.doesNotMatch(html, /<script\b[^>]*\bsrc=/i);
    const page = await (browser as Browser).newPage();
    await page.goto(pathToFileURL(join(work, "site", "site-replay.html")).href);
    const picture = page.locator('img[src^="data:image/svg+xml"]').first();
    await picture.waitFor();
    const first = await picture.screenshot();
    await page.waitForTimeout(700);
    const second = await picture.screenshot();
    await page.screenshot({ path: join(work, "site-replay.png"), fullPage: true });
    await page.close();
    assert.notDeepEqual(first, second, "two screenshots 0.7 s apart of a replay with 0.5 s steps are the same: it does not animate");
  });
});
