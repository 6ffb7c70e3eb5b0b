/**
 * The course server is httpbin-compatible, checked against the real thing: httpbin itself
 * (from PyPI, under gunicorn, in the bench venv) on loopback. Each endpoint the course uses
 * must answer both servers with the same status, the same JSON keys and types, and the same
 * echoed values. Then every notebook that talks to httpbin runs with HTTPBIN_URL pointed at
 * the real httpbin — the one setting the README promises.
 *
 *   make compat        (part of make test; needs .venv-bench, which the Makefile builds)
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startServer, stopServer } from "../../dist/index.js";
import { startGunicorn, stopGroup } from "../../bench/processes.js";
import type { Gunicorn } from "../../bench/processes.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
let httpbin: Gunicorn | undefined;
let course = "";

before(async () => {
  const logDir = join(ROOT, "build", "compat-logs");
  mkdirSync(logDir, { recursive: true });
  httpbin = await startGunicorn(join(ROOT, ".venv-bench", "bin", "python"), logDir);
  course = (await startServer()).url;
});

after(async () => {
  if (httpbin) await stopGroup(httpbin.child);
  await stopServer();
});

interface Answer { status: number; type: string; json: unknown; text: string }

async function ask(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(base + path, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  const type = (response.headers.get("content-type") ?? "").split(";")[0] ?? "";
  let json: unknown;
  try {
    json = type === "application/json" ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, type, json, text };
}

/** The shape of a JSON value: keys and the kind of each value, recursively for objects. */
function shape(value: unknown, depth = 0): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") {
    if (depth >= 1) return "object";
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v, depth + 1)]));
  }
  return typeof value;
}

const field = (a: Answer, key: string): unknown => (a.json as Record<string, unknown>)[key];

/** Ask both servers; they must agree on status, content type and the JSON's shape. */
async function both(path: string, init: () => RequestInit = () => ({})): Promise<[Answer, Answer]> {
  const real = await ask(httpbin!.url, path, init());
  const ours = await ask(course, path, init());
  assert.equal(ours.status, real.status, `${path}: status`);
  // httpbin sends its 418 teapot with no content type at all; the course server says text/plain.
  if (real.type !== "") assert.equal(ours.type, real.type, `${path}: content type`);
  if (real.json !== undefined) assert.deepEqual(shape(ours.json), shape(real.json), `${path}: JSON keys and types`);
  return [real, ours];
}

describe("the course server answers like httpbin", () => {
  test("GET /get echoes repeated and single query arguments the same way", async () => {
    const [real, ours] = await both("/get?a=1&a=2&b=x");
    assert.deepEqual(field(ours, "args"), field(real, "args"));
  });

  test("POST /post parses a form the chapter's way (name=germey, age=25)", async () => {
    const [real, ours] = await both("/post", () => ({ method: "POST", body: new URLSearchParams({ name: "germey", age: "25" }) }));
    assert.deepEqual(field(ours, "form"), field(real, "form"));
    assert.equal(field(ours, "json"), field(real, "json"));
  });

  test("POST /post parses a JSON body into json and keeps its text in data", async () => {
    const init = (): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 1, tags: ["a"] }) });
    const [real, ours] = await both("/post", init);
    assert.deepEqual(field(ours, "json"), field(real, "json"));
    assert.deepEqual(JSON.parse(String(field(ours, "data"))), JSON.parse(String(field(real, "data"))));
  });

  for (const method of ["PUT", "PATCH", "DELETE"] as const) {
    test(`${method} /${method.toLowerCase()} has httpbin's keys`, async () => {
      await both(`/${method.toLowerCase()}`, () => ({ method, body: method === "DELETE" ? null : "x=1", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    });
  }

  test("/anything echoes the method and the path's arguments", async () => {
    const [real, ours] = await both("/anything/books?page=2", () => ({ method: "POST", body: "hello" }));
    assert.equal(field(ours, "method"), field(real, "method"));
    assert.deepEqual(field(ours, "args"), field(real, "args"));
    assert.equal(field(ours, "data"), field(real, "data"));
  });

  for (const path of ["/headers", "/ip", "/user-agent", "/uuid", "/json", "/delay/0.2"]) {
    test(`${path} has httpbin's keys and types`, async () => {
      await both(path);
    });
  }

  test("/status/418 and a weighted list of codes answer like httpbin", async () => {
    await both("/status/418");
    const [, ours] = await both("/status/201:1,202:0");
    assert.equal(ours.status, 201);
  });

  test("/bytes/32 sends 32 bytes and /stream/3 three JSON lines", async () => {
    await both("/bytes/32");
    const [real, ours] = await both("/stream/3");
    assert.equal(ours.text.trim().split("\n").length, real.text.trim().split("\n").length);
  });

  test("/html and /robots.txt serve the same kind of document", async () => {
    const [realHtml, oursHtml] = await both("/html");
    assert.match(realHtml.text, /<h1>/);
    assert.match(oursHtml.text, /<h1>/);
    const [, robots] = await both("/robots.txt");
    assert.match(robots.text, /User-agent: \*/);
  });
});

test("every notebook that uses httpbin runs clean with HTTPBIN_URL set to the real httpbin", async () => {
  const notebooks = readdirSync(join(ROOT, "notebooks"))
    .filter((f) => f.endsWith(".ipynb") && readFileSync(join(ROOT, "notebooks", f), "utf8").includes("httpbinUrl"))
    .map((f) => join("notebooks", f));
  assert.ok(notebooks.length >= 3, `expected the HTTP notebooks to call httpbinUrl(), found ${notebooks.join(", ")}`);
  const { code, out } = await new Promise<{ code: number; out: string }>((done) => {
    execFile(join(ROOT, ".venv", "bin", "python"), ["test/notebooks/run_notebooks.py", ...notebooks], {
      cwd: ROOT, timeout: 15 * 60_000, env: { ...process.env, HTTPBIN_URL: httpbin!.url },
    }, (error, stdout, stderr) => done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out: stdout + stderr }));
  });
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`notebooks: ${notebooks.length} passed, 0 failed`));
});
