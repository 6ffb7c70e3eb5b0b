/**
 * The server process. Two ways to run it:
 *
 * - `make serve` (foreground): `PORT=8080 node dist/server/main.js` prints its URLs and the
 *   CA file path, logs requests to a file, and stops on Ctrl+C.
 * - startServer() (a child of a notebook kernel, with an IPC channel): it reports its URLs
 *   and CA over IPC instead of printing, and exits as soon as the channel closes — which
 *   happens when the parent dies for any reason, SIGKILL included, so no orphan survives.
 *
 * Environment: HOST (default 127.0.0.1), PORT (default 8080 in the foreground, 0 as a child),
 * H2_PORT (default PORT+1, or 0 when PORT is 0), LOG_FILE (default build/server.log).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseNumber } from "./params.js";
import { runServer } from "./run.js";
import type { RunningServer } from "./run.js";
import type { ReadyMessage } from "./protocol.js";


const isChild = typeof process.send === "function";
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function envPort(name: string, fallback: number): number {
  try {
    return parseNumber(process.env[name], { name, min: 0, max: 65535, integer: true, fallback });
  } catch (error) {
    throw new Error(`Expected ${name} to be a TCP port from 0 to 65535, got ${JSON.stringify(process.env[name])}`, { cause: error });
  }
}

function fail(error: unknown): never {
  // A child's stderr is its log file; in the foreground this is the terminal.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

function main(): void {
  const port = envPort("PORT", isChild ? 0 : 8080);
  const h2Port = envPort("H2_PORT", port === 0 ? 0 : port + 1);
  const host = process.env.HOST ?? "127.0.0.1";
  const logFile = resolve(process.env.LOG_FILE ?? join(repoRoot, "build", "server.log"));
  mkdirSync(dirname(logFile), { recursive: true });

  if (isChild) {
    // The parent is gone (exited, crashed or SIGKILLed): the IPC pipe closes and we follow.
    process.on("disconnect", () => process.exit(0));
  }

  runServer({ host, port, h2Port, logFile }).then((server) => {
    const stop = (): void => {
      void server.close().finally(() => process.exit(0));
      // Never hang on shutdown.
      setTimeout(() => process.exit(0), 2000).unref();
    };
    process.once("SIGTERM", stop);
    // A child ignores Ctrl+C/Kernel > Interrupt aimed at its parent; stopServer() sends SIGTERM.
    if (isChild) process.on("SIGINT", () => undefined);
    else process.once("SIGINT", stop);
    if (isChild) reportToParent(server, logFile);
    else printBanner(server, logFile);
  }, fail);
}

function reportToParent(server: RunningServer, logFile: string): void {
  const message: ReadyMessage = { type: "ready", url: server.url, h2Url: server.h2Url, ca: server.ca, pid: process.pid, logFile };
  process.send?.(message);
}

function printBanner(server: RunningServer, logFile: string): void {
  const caFile = join(dirname(logFile), "server-ca.pem");
  writeFileSync(caFile, server.ca);
  console.log(`concurrency-lab local httpbin
  HTTP/1.1          ${server.url}/
  HTTP/2 over TLS   ${server.h2Url}/   (CA certificate: ${caFile})
  bookstore         ${server.url}/books/
  rate-limited      ${server.url}/limited?limit=5&window=1
  request log       ${logFile}
Point notebooks at it with HTTPBIN_URL=${server.url}. Ctrl+C to stop.`);
}

main();
