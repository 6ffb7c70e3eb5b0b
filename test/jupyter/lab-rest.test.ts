// JupyterLab started the way `make lab` starts it (the project's .venv, loopback, a token) lists
// the TypeScript kernel and runs code in it — with a PATH that lacks node_modules/.bin and an
// empty user Jupyter data folder, so the kernelspec must come from .venv with absolute paths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { WebSocket } from "undici";
import { startJupyterLab, prepareRoot, ROOT, type JupyterLab } from "../browser/jupyterlab.js";

let lab: JupyterLab | undefined;
const userData = mkdtempSync(join(tmpdir(), "jupyter-user-data-"));

before(async () => {
  process.env.PATH = (process.env.PATH ?? "").split(delimiter).filter((p) => !p.includes("node_modules")).join(delimiter);
  process.env.JUPYTER_DATA_DIR = userData;
  delete process.env.JUPYTER_PATH;
  const root = prepareRoot({ name: "lab-rest", notebooks: [join(ROOT, "notebooks", "00-start-here.ipynb")] });
  lab = await startJupyterLab({ rootDir: root });
});

after(async () => {
  await lab?.stop();
  rmSync(userData, { recursive: true, force: true });
});

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${lab!.baseUrl}${path}`, {
    ...init,
    headers: { Authorization: `token ${lab!.token}`, "Content-Type": "application/json" },
    signal: AbortSignal.timeout(30_000),
  });
  assert.ok(res.ok, `${init.method ?? "GET"} ${path} answered ${res.status}: ${await res.clone().text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

interface KernelSpecs {
  default: string;
  kernelspecs: Record<string, { spec: { argv: string[]; language: string; display_name: string } }>;
}

test("the TypeScript kernelspec is listed, with absolute paths to node and tslab", async () => {
  const { kernelspecs } = await api<KernelSpecs>("/api/kernelspecs");
  const tslab = kernelspecs.tslab;
  assert.ok(tslab, `expected a tslab kernelspec, got ${Object.keys(kernelspecs).join(", ")}`);
  assert.equal(tslab.spec.language, "typescript");
  assert.equal(tslab.spec.display_name, "TypeScript");
  const [node, script] = tslab.spec.argv;
  assert.ok(node?.startsWith("/") && script?.startsWith(join(ROOT, "node_modules", "tslab")), tslab.spec.argv.join(" "));
});

test("a new notebook gets the TypeScript kernel: it is the server's default kernel", async () => {
  const specs = await api<KernelSpecs>("/api/kernelspecs");
  assert.equal(specs.default, "tslab", `the default kernel is ${specs.default}, of ${Object.keys(specs.kernelspecs).join(", ")}`);
});

test("the kernelspec lives in the project's .venv, not in a user or system Jupyter folder", () => {
  const listed = JSON.parse(execFileSync(join(ROOT, ".venv", "bin", "jupyter"), ["kernelspec", "list", "--json"], { encoding: "utf8" })) as {
    kernelspecs: Record<string, { resource_dir: string }>;
  };
  assert.equal(listed.kernelspecs.tslab?.resource_dir, join(ROOT, ".venv", "share", "jupyter", "kernels", "tslab"));
});

test("a TypeScript kernel starts in strict mode (timing claims that miss throw) and runs 1 + 1", async () => {
  const kernel = await api<{ id: string }>("/api/kernels", { method: "POST", body: JSON.stringify({ name: "tslab" }) });
  try {
    const wsUrl = `${lab!.baseUrl.replace("http", "ws")}/api/kernels/${kernel.id}/channels?token=${lab!.token}`;
    const ws = new WebSocket(wsUrl);
    const msgId = randomUUID();
    const result = await new Promise<{ text: string; status: string }>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`no execute_reply within 60 s; stdout so far: ${text}`)), 60_000);
      ws.addEventListener("error", () => { clearTimeout(timer); reject(new Error("websocket error")); });
      ws.addEventListener("open", () => {
        ws.send(JSON.stringify({
          header: { msg_id: msgId, msg_type: "execute_request", username: "test", session: randomUUID(), date: new Date().toISOString(), version: "5.3" },
          parent_header: {}, metadata: {}, channel: "shell",
          content: { code: "console.log(1 + 1, `strict=${process.env.CONCURRENCY_LAB_STRICT}`)", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        }));
      });
      ws.addEventListener("message", (event) => {
        const msg = JSON.parse(String(event.data)) as { msg_type: string; parent_header: { msg_id?: string }; content: { text?: string; status?: string; data?: Record<string, string> } };
        if (msg.parent_header.msg_id !== msgId) return;
        if (msg.msg_type === "stream") text += msg.content.text ?? "";
        if (msg.msg_type === "execute_result") text += msg.content.data?.["text/plain"] ?? "";
        if (msg.msg_type === "execute_reply") {
          clearTimeout(timer);
          // Output can trail the reply by a moment: wait for the idle status that closes the request.
          setTimeout(() => resolve({ text, status: msg.content.status ?? "" }), 300);
        }
      });
    });
    ws.close();
    assert.equal(result.status, "ok");
    assert.equal(result.text.trim(), "2 strict=1");
  } finally {
    await api(`/api/kernels/${kernel.id}`, { method: "DELETE" });
  }
});
