/**
 * The one call notebooks make: start the local httpbin server in a child process, or reuse
 * the one already running. Idempotent across re-run cells and re-imports of the library,
 * because the running server lives in a `globalThis` slot, not in a module variable.
 *
 * Why a child process: a demo that blocks the kernel's event loop (notebook 01 does it on
 * purpose) must not block the server the other demos talk to.
 *
 * Why one server per kernel, on free ports (port 0): two notebooks open at once never
 * fight over a port, and each server dies with its kernel.
 *
 * In a class (JupyterHub), one server serves everyone: `CONCURRENCY_LAB_SERVER_URL` names it,
 * and startServer() starts nothing — it asks that server for its URLs and CA and hands out
 * URLs under `/u/<student>/`, so each student's rate limits are their own (protocol.ts).
 *
 *   kernel (parent) ──fork──▶ server (child: dist/server/main.js)
 *        │  ◀── IPC "ready" {url, h2Url, ca} ──┘
 *        │   the IPC channel stays open: when the kernel dies, even by SIGKILL,
 *        ╳   the channel closes and the child exits ("disconnect").
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { userInfo } from "node:os";
import { COURSE_INFO_PATH, STUDENT_PREFIX, isReadyMessage, studentSegment, type CourseServerInfo, type ListenOptions, type LocalServer } from "./protocol.js";

/** Options for {@link startServer}. They apply to the first start only; call stopServer() to change them. */
export interface StartServerOptions extends ListenOptions {
  /** Give up if the server is not listening after this many ms. Default 20 000. */
  readonly timeoutMs?: number;
}

export type { LocalServer } from "./protocol.js";

interface Slot {
  server?: LocalServer;
  /** The class's shared server, once asked (no child process then). */
  shared?: LocalServer;
  child?: ChildProcess;
  starting?: Promise<LocalServer>;
}

/** Symbol.for: the same key even if two copies of the library (src and dist) are loaded. */
const SLOT = Symbol.for("concurrency-lab.local-server");

function slot(): Slot {
  const store = globalThis as unknown as Record<symbol, Slot | undefined>;
  return (store[SLOT] ??= {});
}

function isAlive(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Start the course's local httpbin server (HTTP/1.1 and HTTP/2) in its own process, or
 * return the one this kernel already runs. Prints nothing, ever: the server logs to a file.
 *
 * @example
 *   const server = await startServer();
 *   const res = await fetch(`${server.url}/get`);
 * @returns the base URLs, the CA for HTTP/2, the pid and the log file.
 * @throws Error when the server cannot start (the message quotes its log).
 */
export function startServer(options: StartServerOptions = {}): Promise<LocalServer> {
  checkOptions(options);
  const state = slot();
  const sharedUrl = process.env.CONCURRENCY_LAB_SERVER_URL?.trim();
  if (sharedUrl !== undefined && sharedUrl !== "") {
    if (state.shared !== undefined) return Promise.resolve(state.shared);
    state.starting ??= askSharedServer(sharedUrl, options.timeoutMs ?? 10_000).then((server) => {
      state.shared = server;
      return server;
    }).finally(() => {
      state.starting = undefined;
    });
    return state.starting;
  }
  if (state.server !== undefined && isAlive(state.child)) return Promise.resolve(state.server);
  // Two cells calling at once share one start.
  state.starting ??= spawnServer(options).finally(() => {
    state.starting = undefined;
  });
  return state.starting;
}

/** The running local server, or undefined when none runs (no side effects). */
export function serverInfo(): LocalServer | undefined {
  const state = slot();
  if (state.shared !== undefined) return state.shared;
  return isAlive(state.child) ? state.server : undefined;
}

/**
 * Stop the local server, if one runs, and wait until its process has exited. A class's shared
 * server is only forgotten, never stopped: it serves the other students.
 * @returns true when a server was stopped, false when none was running.
 */
export async function stopServer(): Promise<boolean> {
  const state = slot();
  if (state.starting !== undefined) await state.starting.catch(() => undefined);
  state.shared = undefined;
  const child = state.child;
  state.child = undefined;
  state.server = undefined;
  if (!isAlive(child)) return false;
  child.ref(); // keep a plain script alive until the child is really gone
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
  return true;
}

/**
 * The httpbin base URL the course uses: `HTTPBIN_URL` when set (e.g. "https://httpbin.org"),
 * otherwise the local server's, started if needed. Cells that need the course's extras
 * (/books, /limited) use `(await startServer()).url` instead.
 * @throws Error when HTTPBIN_URL is set but is not an http(s) URL.
 */
export async function httpbinUrl(): Promise<string> {
  const configured = process.env.HTTPBIN_URL?.trim();
  if (configured !== undefined && configured !== "") {
    let parsed: URL | undefined;
    try {
      parsed = new URL(configured);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new Error(`Expected HTTPBIN_URL to be an http(s) URL such as https://httpbin.org, got ${JSON.stringify(configured)}`);
    }
    return configured.replace(/\/+$/, "");
  }
  return (await startServer()).url;
}

/**
 * The student this kernel works for, as a URL segment: `CONCURRENCY_LAB_STUDENT`, else
 * JupyterHub's `JUPYTERHUB_USER`, else the login name.
 */
function studentName(): string {
  const env = process.env;
  const name = [env.CONCURRENCY_LAB_STUDENT, env.JUPYTERHUB_USER].map((v) => v?.trim()).find((v) => v !== undefined && v !== "");
  return studentSegment(name ?? userInfo().username);
}

/** Ask the class's server at `base` who it is; the URLs handed out carry this student's prefix. */
async function askSharedServer(base: string, timeoutMs: number): Promise<LocalServer> {
  let parsed: URL | undefined;
  try {
    parsed = new URL(base);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.protocol !== "http:") {
    throw new Error(`Expected CONCURRENCY_LAB_SERVER_URL to be the class server's http:// URL, got ${JSON.stringify(base)}`);
  }
  const root = base.replace(/\/+$/, "");
  let info: CourseServerInfo;
  try {
    const response = await fetch(`${root}${COURSE_INFO_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    info = (await response.json()) as CourseServerInfo;
  } catch (error) {
    throw new Error(`Expected the class's course server at ${root} (CONCURRENCY_LAB_SERVER_URL) to answer ${COURSE_INFO_PATH}, got ${error instanceof Error ? error.message : String(error)}; unset the variable to start a server of this kernel's own`, { cause: error });
  }
  if (typeof info.h2Url !== "string" || typeof info.ca !== "string" || typeof info.pid !== "number") {
    throw new Error(`Expected ${root}${COURSE_INFO_PATH} to give h2Url, ca and pid, got ${JSON.stringify(info).slice(0, 200)}`);
  }
  const prefix = `${STUDENT_PREFIX}${studentName()}`;
  return { url: `${root}${prefix}`, h2Url: `${info.h2Url.replace(/\/+$/, "")}${prefix}`, ca: info.ca, pid: info.pid, logFile: "(the class server's log)" };
}

function checkOptions(options: StartServerOptions): void {
  for (const name of ["port", "h2Port"] as const) {
    const port = options[name];
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      throw new RangeError(`Expected ${name} to be an integer from 0 to 65535, got ${String(port)}`);
    }
  }
  const timeout = options.timeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new RangeError(`Expected timeoutMs to be a positive number, got ${String(timeout)}`);
  }
}

/**
 * Where the server's entry is. From dist (the kernel): dist/server/main.js, run by plain node.
 * From src under tsx (the unit tests): src/server/main.ts, run with tsx's loader.
 */
function serverEntry(): { entry: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    const tsx = createRequire(import.meta.url).resolve("tsx");
    return { entry: join(dirname(here), "main.ts"), execArgv: ["--import", pathToFileURL(tsx).href] };
  }
  return { entry: join(dirname(here), "main.js"), execArgv: [] };
}

function spawnServer(options: StartServerOptions): Promise<LocalServer> {
  const logFile = options.logFile ?? join(tmpdir(), "concurrency-lab", `server-${process.pid}.log`);
  const timeoutMs = options.timeoutMs ?? 20_000;
  mkdirSync(dirname(logFile), { recursive: true });
  const { entry, execArgv } = serverEntry();
  // The child's stdout and stderr go to the log file, never to a notebook cell.
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = fork(entry, [], {
      // Never inherit the kernel's or the test runner's flags (--test, inspector…).
      execArgv,
      env: {
        ...process.env,
        HOST: options.host ?? "127.0.0.1",
        PORT: String(options.port ?? 0),
        H2_PORT: String(options.h2Port ?? 0),
        LOG_FILE: logFile,
      },
      stdio: ["ignore", fd, fd, "ipc"],
      // Its own process group: Jupyter interrupts a kernel by signalling the kernel's whole
      // group, and Kernel > Interrupt must not stop the server.
      detached: true,
    });
  } finally {
    closeSync(fd);
  }

  return new Promise<LocalServer>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.off("error", onError);
    };
    const failWith = (why: string): void => {
      cleanup();
      if (isAlive(child)) child.kill("SIGKILL");
      reject(new Error(`The local server did not start: ${why}. Its log (${logFile}) ends with:\n${logTail(logFile)}`));
    };
    const onMessage = (message: unknown): void => {
      if (!isReadyMessage(message)) return;
      cleanup();
      const server: LocalServer = { url: message.url, h2Url: message.h2Url, ca: message.ca, pid: message.pid, logFile };
      const state = slot();
      state.server = server;
      state.child = child;
      child.once("exit", () => {
        if (state.child === child) {
          state.child = undefined;
          state.server = undefined;
        }
      });
      // Do not keep the kernel (or a test process) alive just for the server.
      child.unref();
      child.channel?.unref();
      resolve(server);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      failWith(`it exited with ${signal ?? `code ${String(code)}`}`);
    const onError = (error: Error): void => failWith(error.message);
    const timer = setTimeout(() => failWith(`it was not listening after ${timeoutMs} ms`), timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, "utf8").slice(-1500);
  } catch {
    return "(no log)";
  }
}
