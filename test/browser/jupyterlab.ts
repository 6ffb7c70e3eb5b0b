// Starts the project's own JupyterLab (.venv) on loopback for a browser test, on a temporary
// root inside the repository, and stops it so that no kernel survives the test.
//
// Why a root inside the repo (build/browser-root/…): cells `import … from "concurrency-lab"`,
// and node resolution walks up from the notebook's folder to node_modules/concurrency-lab.
// Why a copy: JupyterLab autosaves, and outputs must never be written back into notebooks/.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

/** The repository's root folder. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where Debian installs Chromium; the only browser this test uses (never a download). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Chromium flags this closed network needs: no sandbox as
 * root, no GPU, and nothing that phones home.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Throws, with the command that fixes it, when Debian's Chromium is missing.
 * The browser test must fail in that case: a skip would look like a pass.
 */
export function requireChromium(path: string = CHROMIUM): string {
  if (!existsSync(path)) {
    throw new Error(
      `Expected Chromium at ${path} for the JupyterLab browser test, but it is not installed.\n` +
        `Install it with: sudo apt-get install -y chromium fonts-dejavu-core fonts-wqy-microhei   (Debian/Ubuntu; CI does this in .ci/run)`,
    );
  }
  return path;
}

/** Options for {@link prepareRoot}. */
export interface PrepareRootOptions {
  /** Folder name under build/browser-root/. */
  name: string;
  /** Notebook files to copy into the root (absolute paths); they keep their base names. */
  notebooks: readonly string[];
}

/**
 * Creates an empty build/browser-root/<name>/ and copies the given notebooks into it.
 * @returns the absolute path of the root.
 */
export function prepareRoot({ name, notebooks }: PrepareRootOptions): string {
  const root = join(ROOT, "build", "browser-root", name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const nb of notebooks) cpSync(nb, join(root, nb.split("/").pop() ?? nb));
  return root;
}

/** Lists the notebooks (absolute paths, sorted by name) in a folder, ignoring checkpoints. */
export function listNotebooks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => join(dir, f));
}

/** A JupyterLab server started by {@link startJupyterLab}. */
export interface JupyterLab {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  baseUrl: string;
  /** The random token that authenticates the browser and API calls. */
  token: string;
  /** The URL that opens the Lab in a browser, token included. */
  labUrl: string;
  /** Seconds from spawn until /api/status answered. */
  startSeconds: number;
  /** The server's process id (also its process group id). */
  pid: number;
  /** Everything the server wrote so far (stdout and stderr), for failure messages. */
  log(): string;
  /** Process ids of the server's descendants now (kernels and what they started). */
  descendants(): number[];
  /** Shuts down kernels and server; kills what is left. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startJupyterLab}. */
export interface StartJupyterLabOptions {
  /** The folder JupyterLab serves (ServerApp.root_dir). */
  rootDir: string;
  /** How long to wait for /api/status. Default 90 s. */
  startTimeoutMs?: number;
  /**
   * Lab user settings, keyed by plugin id ("@jupyterlab/notebook-extension:tracker").
   * Default: {@link DEFAULT_LAB_SETTINGS}.
   */
  settings?: Record<string, Record<string, unknown>>;
  /**
   * Run kernels in strict mode (`CONCURRENCY_LAB_STRICT=1`): a timing claim that misses throws,
   * so the test fails. `false` runs them as in class. Default: true.
   */
  strict?: boolean;
}

/**
 * Lab settings for tests: every cell rendered (no windowing, so screenshots and DOM queries
 * see the whole notebook, and no blank page after the last cell), no news or update checks
 * (closed network, no toasts).
 */
export const DEFAULT_LAB_SETTINGS: Record<string, Record<string, unknown>> = {
  "@jupyterlab/notebook-extension:tracker": { windowingMode: "none", scrollPastEnd: false },
  "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
};

/** Finds a free TCP port on 127.0.0.1 (asks the OS for port 0, then releases it). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function writeSettings(dir: string, settings: Record<string, Record<string, unknown>>): void {
  for (const [id, values] of Object.entries(settings)) {
    // "@scope/pkg:plugin" is stored as <dir>/@scope/pkg/plugin.jupyterlab-settings
    const [pkg, plugin] = id.split(":");
    if (!pkg || !plugin) throw new Error(`Expected a plugin id like "@scope/pkg:plugin", got ${id}`);
    mkdirSync(join(dir, pkg), { recursive: true });
    writeFileSync(join(dir, pkg, `${plugin}.jupyterlab-settings`), JSON.stringify(values, null, 2));
  }
}

/** Process ids of every living descendant of `pid`, read from /proc (Linux). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may contain spaces; fields after its closing ")" do not.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we read /proc.
    }
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of children.get(next) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** True while a process exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  const exited = new Promise<boolean>((res) => child.once("exit", () => res(true)));
  // Unreferenced: a pending timer must not keep the test process alive once the server is gone.
  return Promise.race([exited, sleep(timeoutMs, false, { ref: false })]);
}

/**
 * Starts `.venv/bin/jupyter lab` on 127.0.0.1 with a random token, serving `rootDir`, with its
 * own settings, workspaces, config and runtime folders (nothing of the user's is read or written).
 * Waits, bounded, until /api/status answers with the token.
 */
export async function startJupyterLab(options: StartJupyterLabOptions): Promise<JupyterLab> {
  const jupyter = join(ROOT, ".venv", "bin", "jupyter");
  if (!existsSync(jupyter)) {
    throw new Error(`Expected JupyterLab in ${join(ROOT, ".venv")}; run 'make setup' first.`);
  }
  const kernelspec = join(ROOT, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json");
  if (!existsSync(kernelspec)) {
    throw new Error(`Expected the tslab kernelspec at ${kernelspec}; run 'make setup' first.`);
  }
  const state = join(options.rootDir, "..", `${options.rootDir.split("/").pop() ?? "lab"}.jupyter`);
  rmSync(state, { recursive: true, force: true });
  const settingsDir = join(state, "user-settings");
  writeSettings(settingsDir, options.settings ?? DEFAULT_LAB_SETTINGS);
  for (const sub of ["workspaces", "config", "runtime"]) mkdirSync(join(state, sub), { recursive: true });

  const token = randomBytes(24).toString("hex");
  const port = await findFreePort();
  const args = [
    "lab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${options.rootDir}`,
    "--LabApp.expose_app_in_browser=True",
    `--LabApp.user_settings_dir=${settingsDir}`,
    `--LabApp.workspaces_dir=${join(state, "workspaces")}`,
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  ];
  if (process.getuid?.() === 0) args.push("--allow-root");

  const started = Date.now();
  const child = spawn(jupyter, args, {
    cwd: options.rootDir,
    // Its own process group, so teardown can signal the server and everything it forked.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Kernels inherit it: a timing claim that misses fails the test, as in the notebook runner.
      CONCURRENCY_LAB_STRICT: options.strict === false ? "0" : "1",
      JUPYTER_CONFIG_DIR: join(state, "config"),
      JUPYTER_RUNTIME_DIR: join(state, "runtime"),
    },
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not spawn ${jupyter}`);

  const baseUrl = `http://127.0.0.1:${port}`;
  let remembered: number[] = [];
  let stopped = false;
  const lab: JupyterLab = {
    baseUrl,
    token,
    labUrl: `${baseUrl}/lab?token=${token}`,
    startSeconds: 0,
    pid,
    log: () => output,
    descendants: () => descendantsOf(pid),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Kernels run in sessions of their own (jupyter_client starts them with setsid), so a
      // signal to the server's process group does not reach them: remember them first.
      remembered = [...new Set([...remembered, ...descendantsOf(pid)])];
      try {
        // The server's own shutdown stops every kernel cleanly.
        await fetch(`${baseUrl}/api/shutdown`, {
          method: "POST",
          headers: { Authorization: `token ${token}` },
          signal: AbortSignal.timeout(5_000),
        });
      } catch {
        // Not answering: the signals below do the work.
      }
      if (!(await waitForExit(child, 15_000))) {
        killQuietly(-pid, "SIGTERM");
        if (!(await waitForExit(child, 5_000))) killQuietly(-pid, "SIGKILL");
      }
      for (const p of remembered) {
        if (isAlive(p)) {
          killQuietly(-p, "SIGKILL");
          killQuietly(p, "SIGKILL");
        }
      }
    },
  };

  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`JupyterLab exited with code ${child.exitCode} before answering:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/status`, {
        headers: { Authorization: `token ${token}` },
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) {
        lab.startSeconds = (Date.now() - started) / 1000;
        // Keep the kernels in mind as they appear, in case the server dies before stop().
        const watch = setInterval(() => {
          if (stopped) clearInterval(watch);
          else remembered = [...new Set([...remembered, ...descendantsOf(pid)])];
        }, 2_000);
        watch.unref();
        return lab;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  await lab.stop();
  throw new Error(`JupyterLab did not answer /api/status within ${timeoutMs / 1000} s:\n${output}`);
}
