/**
 * Child processes of the bench (and of the httpbin compatibility test): each in its own process
 * group, stopped as a group, and httpbin under gunicorn on a free loopback port.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Children ---------------------------------------------------------------------------------

/** Every child still running: stopped at the end, on error and on Ctrl+C too. */
export const children = new Set<ChildProcess>();

/** Signal a child's whole process group (loky and gunicorn have workers of their own). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * SIGKILL what is left of a child's process group after the child itself ended: workers that
 * outlived their leader (the group still exists without it). Nothing left is the normal case.
 */
export function killLeftovers(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // none left
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** SIGTERM, then SIGKILL after 3 s: the group ends either way. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  signalGroup(child, "SIGTERM");
  if (!(await waitExit(child, 3000))) {
    signalGroup(child, "SIGKILL");
    await waitExit(child, 3000);
  }
  killLeftovers(child);
  children.delete(child);
}

// Servers ----------------------------------------------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export interface Gunicorn {
  url: string;
  child: ChildProcess;
}

/** httpbin under gunicorn on a free loopback port; a few tries, since a port can be taken between probe and bind. */
export async function startGunicorn(python: string, logDir: string): Promise<Gunicorn> {
  const gunicorn = join(dirname(python), "gunicorn");
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const log = createWriteStream(join(logDir, `gunicorn-${attempt}.log`));
    const args = ["-w", "2", "-k", "gthread", "--threads", "32", "--keep-alive", "30", "--no-control-socket", "-b", `127.0.0.1:${port}`, "httpbin:app"];
    const child = spawn(gunicorn, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
    children.add(child);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const url = `http://127.0.0.1:${port}`;
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await answers(`${url}/get`)) return { url, child };
      await new Promise((r) => setTimeout(r, 250));
    }
    await stopGroup(child);
  }
  throw new Error(`gunicorn httpbin:app did not answer GET /get within 30 s in 3 tries; see ${logDir}/gunicorn-*.log`);
}

