import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { courseAgent, httpbinUrl, serverInfo, startServer, stopServer } from "../../src/index.js";
import { send, testAgent } from "./server-helpers.js";

const TEST_TIMEOUT = { timeout: 60_000 };

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Poll until `pid` is gone or `ms` have passed (bounded: at most ms/25 checks). */
async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 25) {
    if (!isRunning(pid)) return true;
    await sleep(25);
  }
  return !isRunning(pid);
}

after(async () => {
  await stopServer();
});

describe("startServer", () => {
  test("returns the running server to a second call instead of starting another", TEST_TIMEOUT, async () => {
    const first = await startServer();
    const second = await startServer();
    assert.equal(second, first);
    assert.equal(second.pid, first.pid);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.h2Url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.ca, /^-----BEGIN CERTIFICATE-----/);
    assert.notEqual(first.pid, process.pid);
  });

  test("calls made at the same moment share one start", TEST_TIMEOUT, async () => {
    await stopServer();
    const servers = await Promise.all([startServer(), startServer(), startServer()]);
    assert.equal(new Set(servers.map((s) => s.pid)).size, 1);
  });

  test("the started server answers over HTTP/1.1 and, through courseAgent, over HTTP/2", TEST_TIMEOUT, async () => {
    const server = await startServer();
    const h1 = courseAgent();
    const h2 = courseAgent({ allowH2: true, connections: 1 });
    try {
      assert.equal((await send(h1, `${server.url}/get`)).status, 200);
      const res = await send(h2, `${server.h2Url}/anything`);
      assert.equal(res.status, 200);
      // Node's HTTP/2 compatibility layer reports version 2.0 to the server; the echo's Host comes from :authority.
      assert.match(res.text, new RegExp(`"Host": "${new URL(server.h2Url).host}"`));
    } finally {
      await Promise.all([h1.close(), h2.close()]);
    }
  });

  test("the server ignores the SIGINT a notebook interrupt sends", TEST_TIMEOUT, async () => {
    const server = await startServer();
    process.kill(server.pid, "SIGINT");
    await sleep(200);
    assert.ok(isRunning(server.pid));
    const agent = testAgent();
    try {
      assert.equal((await send(agent, `${server.url}/get`)).status, 200);
    } finally {
      await agent.close();
    }
    assert.equal(await startServer(), server);
  });

  test("a server killed from outside is replaced by the next call", TEST_TIMEOUT, async () => {
    const old = await startServer();
    process.kill(old.pid, "SIGKILL");
    assert.ok(await waitGone(old.pid, 2000));
    // The 'exit' event that clears the slot follows the death: poll for it, bounded.
    for (let i = 0; i < 40 && serverInfo() !== undefined; i++) await sleep(25);
    assert.equal(serverInfo(), undefined);
    const fresh = await startServer();
    assert.notEqual(fresh.pid, old.pid);
  });

  test("stopServer ends the process, and the next call starts a fresh one", TEST_TIMEOUT, async () => {
    const old = await startServer();
    assert.equal(await stopServer(), true);
    assert.equal(isRunning(old.pid), false);
    assert.equal(serverInfo(), undefined);
    assert.equal(await stopServer(), false);
    const fresh = await startServer();
    assert.notEqual(fresh.pid, old.pid);
  });

  test("requests are logged to the log file, not to the console", TEST_TIMEOUT, async () => {
    const server = await startServer();
    const agent = testAgent();
    try {
      await send(agent, `${server.url}/uuid?marker=log-check`);
    } finally {
      await agent.close();
    }
    await sleep(200); // pino writes asynchronously
    assert.match(readFileSync(server.logFile, "utf8"), /\/uuid\?marker=log-check/);
  });

  test("a bad port is refused with an error that says what was expected", () => {
    assert.throws(() => void startServer({ port: -1 }), /Expected port to be an integer from 0 to 65535, got -1/);
    assert.throws(() => void startServer({ timeoutMs: 0 }), /Expected timeoutMs to be a positive number, got 0/);
  });
});

describe("courseAgent", () => {
  test("refuses nonsense timeouts and connection counts with errors that say what was expected", () => {
    assert.throws(() => courseAgent({ timeoutMs: 0 }), /Expected timeoutMs to be a positive number, got 0/);
    assert.throws(() => courseAgent({ connections: 1.5 }), /Expected connections to be a positive integer, got 1.5/);
    assert.throws(() => courseAgent({ keepAliveTimeoutMs: -1 }), /Expected keepAliveTimeoutMs to be a positive number/);
  });

  test("trusts a CA passed explicitly, for a server started elsewhere (make serve)", TEST_TIMEOUT, async () => {
    const server = await startServer();
    const agent = courseAgent({ allowH2: true, ca: server.ca });
    try {
      assert.equal((await send(agent, `${server.h2Url}/get`)).status, 200);
    } finally {
      await agent.close();
    }
  });
});

describe("httpbinUrl", () => {
  test("returns HTTPBIN_URL, without its trailing slash, when it is set", async () => {
    const saved = process.env.HTTPBIN_URL;
    process.env.HTTPBIN_URL = "https://httpbin.org/";
    try {
      assert.equal(await httpbinUrl(), "https://httpbin.org");
    } finally {
      if (saved === undefined) delete process.env.HTTPBIN_URL;
      else process.env.HTTPBIN_URL = saved;
    }
  });

  test("rejects an HTTPBIN_URL that is not an http(s) URL", async () => {
    const saved = process.env.HTTPBIN_URL;
    process.env.HTTPBIN_URL = "httpbin.org";
    try {
      await assert.rejects(httpbinUrl(), /Expected HTTPBIN_URL to be an http\(s\) URL such as https:\/\/httpbin\.org, got "httpbin\.org"/);
    } finally {
      if (saved === undefined) delete process.env.HTTPBIN_URL;
      else process.env.HTTPBIN_URL = saved;
    }
  });

  test("falls back to the local server when HTTPBIN_URL is unset", TEST_TIMEOUT, async () => {
    const saved = process.env.HTTPBIN_URL;
    delete process.env.HTTPBIN_URL;
    try {
      assert.equal(await httpbinUrl(), (await startServer()).url);
    } finally {
      if (saved !== undefined) process.env.HTTPBIN_URL = saved;
    }
  });
});

// ---------------------------------------------------------------------------------------
// A separate "kernel": a node process that starts the server, prints its pid and URL, then
// idles or blocks. The test plays the teacher who kills it.

const startFromSrc = pathToFileURL(fileURLToPath(new URL("../../src/server/start.ts", import.meta.url))).href;
const startFromDist = pathToFileURL(fileURLToPath(new URL("../../dist/server/start.js", import.meta.url))).href;
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

interface Parent {
  readonly process: ChildProcess;
  readonly serverPid: number;
  readonly url: string;
  output(): string;
}

async function spawnParent(startModule: string, then: "idle" | "block"): Promise<Parent> {
  const code = `
    import { startServer } from ${JSON.stringify(startModule)};
    const server = await startServer();
    process.stdout.write(JSON.stringify({ pid: server.pid, url: server.url }) + "\\n");
    ${then === "block" ? "setTimeout(() => { const end = Date.now() + 30000; while (Date.now() < end) {} }, 50);" : "setInterval(() => {}, 1000);"}
  `;
  const loader = startModule.endsWith(".ts") ? ["--import", tsxLoader] : [];
  const child = spawn(process.execPath, [...loader, "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  for (let waited = 0; !stdout.includes("\n"); waited += 50) {
    if (waited > 30_000 || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`The parent process did not report a server: stdout=${stdout} stderr=${stderr}`);
    }
    await sleep(50);
  }
  const { pid, url } = JSON.parse(stdout.split("\n")[0] ?? "") as { pid: number; url: string };
  return { process: child, serverPid: pid, url, output: () => stdout + stderr };
}

describe("the server process", () => {
  test("keeps answering while the process that started it is blocked", TEST_TIMEOUT, async () => {
    const parent = await spawnParent(startFromSrc, "block");
    const agent = testAgent();
    try {
      await sleep(200); // the parent is now inside its 30 s busy loop
      const res = await send(agent, `${parent.url}/delay/0.1`);
      assert.equal(res.status, 200);
    } finally {
      await agent.close();
      parent.process.kill("SIGKILL");
      await waitGone(parent.serverPid, 2000);
    }
  });

  test("exits within 2 s when the process that started it is killed with SIGKILL", TEST_TIMEOUT, async () => {
    const parent = await spawnParent(startFromSrc, "idle");
    assert.ok(isRunning(parent.serverPid));
    parent.process.kill("SIGKILL");
    assert.ok(await waitGone(parent.serverPid, 2000), `server ${parent.serverPid} outlived its parent`);
    const agent = testAgent();
    try {
      // Refused, or reset by a socket the dying process left half-closed: either way, nobody answers.
      await assert.rejects(send(agent, `${parent.url}/get`), /ECONNREFUSED|ECONNRESET|connect/);
    } finally {
      await agent.close();
    }
    // The parent printed only its own line: the server never wrote to the parent's output.
    assert.equal(parent.output().trim().split("\n").length, 1, parent.output());
  });

  test(
    "started from the built dist/ by plain node, as in the kernel, it also dies with its parent",
    { ...TEST_TIMEOUT, skip: existsSync(fileURLToPath(startFromDist)) ? false : "dist/ is not built (npm run build)" },
    async () => {
      const parent = await spawnParent(startFromDist, "idle");
      const agent = testAgent();
      try {
        assert.equal((await send(agent, `${parent.url}/get`)).status, 200);
      } finally {
        await agent.close();
      }
      parent.process.kill("SIGKILL");
      assert.ok(await waitGone(parent.serverPid, 2000), `server ${parent.serverPid} outlived its parent`);
    },
  );
});
