/**
 * What the kernel side (start.ts) and the server process (main.ts, run.ts) agree on: how the
 * server listens and what it reports once it does. Types only, plus one check: the kernel
 * loads this without loading Fastify.
 *
 *   kernel ── fork(main.js, env HOST PORT H2_PORT LOG_FILE) ──▶ server process
 *   kernel ◀────────── { type: "ready", url, h2Url, ca, pid, logFile } ──
 */

/** Where and how the server listens. */
export interface ListenOptions {
  /** Interface to bind. Default "127.0.0.1" (loopback only). */
  readonly host?: string;
  /** HTTP/1.1 port. Default 0: a free port, so servers running at once never clash. */
  readonly port?: number;
  /** HTTP/2 (TLS) port. Default 0: a free port. */
  readonly h2Port?: number;
  /** Where the server writes its request log. No log when absent (startServer() always gives one). */
  readonly logFile?: string;
}

/** A running local server, as {@link startServer} returns it. */
export interface LocalServer {
  /** HTTP/1.1 base URL without a trailing slash, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  /** HTTP/2-over-TLS base URL, e.g. "https://127.0.0.1:41235" (pass {@link LocalServer.ca} to the client). */
  readonly h2Url: string;
  /** PEM of the CA that signed the HTTP/2 certificate; generated at start, so certificate checks stay on. */
  readonly ca: string;
  /** Process id of the server process. */
  readonly pid: number;
  /** The server's request log. */
  readonly logFile: string;
}

/** What the server process sends its parent once both ports listen. */
export interface ReadyMessage extends LocalServer {
  readonly type: "ready";
}

/** `true` for the server process's {@link ReadyMessage}. */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "ready";
}
