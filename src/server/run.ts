/**
 * Start both ports in the current process: HTTP/1.1 and HTTP/2-over-TLS, one shared rate
 * limiter, one fresh certificate. The process entry (main.ts) calls this; notebooks never
 * do — they call startServer(), which runs this in a child process.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { buildApp } from "./app.js";
import { RateLimiter } from "./rate-limit.js";
import { generateTlsMaterial } from "./tls.js";
import type { CourseServerInfo, ListenOptions } from "./protocol.js";

/** A running server pair. */
export interface RunningServer {
  /** Base URL of the HTTP/1.1 port, e.g. "http://127.0.0.1:8080". */
  readonly url: string;
  /** Base URL of the HTTP/2 port, e.g. "https://127.0.0.1:8081". */
  readonly h2Url: string;
  /** PEM of the CA that signed the HTTP/2 port's certificate. */
  readonly ca: string;
  /** Stop listening and drop every connection. */
  close(): Promise<void>;
}

/** Start the HTTP/1.1 and HTTP/2 ports. */
export async function runServer(options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const limiter = new RateLimiter();
  const tls = await generateTlsMaterial(hostsFor(host));
  const log = options.logFile === undefined ? undefined : openLog(options.logFile);
  const logOption = log === undefined ? {} : { logStream: log };
  let info: CourseServerInfo | undefined;
  const describe = { courseInfo: () => info };
  const h1 = await buildApp({ limiter, ...logOption, ...describe });
  const h2 = await buildApp({ limiter, tls, ...logOption, ...describe });
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([h1.close(), h2.close()]);
    log?.close();
  };
  try {
    await h1.listen({ host, port: options.port ?? 0 });
    await h2.listen({ host, port: options.h2Port ?? 0 });
  } catch (error) {
    await closeAll();
    throw error;
  }
  info = { url: baseUrl("http", host, portOf(h1)), h2Url: baseUrl("https", host, portOf(h2)), ca: tls.ca, pid: process.pid };
  return { url: info.url, h2Url: info.h2Url, ca: info.ca, close: closeAll };
}

/**
 * A log opened synchronously and written synchronously: no line is lost when the process
 * exits at once (SIGTERM, parent gone), and there is no "not ready yet" window just after
 * start, as pino's asynchronous file destination has. Two short lines per request cost little.
 */
function openLog(logFile: string): { write(line: string): void; close(): void } {
  mkdirSync(dirname(logFile), { recursive: true });
  let fd: number | undefined = openSync(logFile, "a");
  return {
    write(line: string): void {
      if (fd !== undefined) writeSync(fd, line);
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** The certificate names: always the loopback names, plus the bound host when it is another one. */
function hostsFor(host: string): string[] {
  const hosts = ["localhost", "127.0.0.1", "::1"];
  if (!hosts.includes(host) && host !== "0.0.0.0" && host !== "::") hosts.push(host);
  return hosts;
}

function portOf(app: { server: { address(): unknown } }): number {
  const address = app.server.address();
  if (address === null || typeof address !== "object" || !("port" in address) || typeof address.port !== "number") {
    throw new Error(`Expected the server to listen on a TCP port, got ${JSON.stringify(address)}`);
  }
  return address.port;
}

/** "http://127.0.0.1:8080", "http://[::1]:8080"; a wildcard bind is reached through loopback. */
function baseUrl(scheme: string, host: string, port: number): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `${scheme}://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}
