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

/**
 * Where a shared course server describes itself (GET, JSON {@link CourseServerInfo}): a kernel
 * told `CONCURRENCY_LAB_SERVER_URL` reads this instead of starting a server of its own.
 */
export const COURSE_INFO_PATH = "/_course/server.json";

/** What a running course server says about itself at {@link COURSE_INFO_PATH}. */
export interface CourseServerInfo {
  readonly url: string;
  readonly h2Url: string;
  readonly ca: string;
  readonly pid: number;
}

/**
 * A shared server serves every path also under `/u/<student>/…`: same answer, but the student's
 * name joins the rate-limit key, so one student's ban never blocks another on the same address.
 */
export const STUDENT_PREFIX = "/u/";

const STUDENT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A student's name made safe for a URL path segment (letters, digits, `.`, `_`, `-`; at most 64).
 * @throws Error when nothing usable is left.
 */
export function studentSegment(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64);
  if (!STUDENT_NAME.test(safe) || /^\.+$/.test(safe)) {
    throw new Error(`Expected a student name with letters, digits, ".", "_" or "-", got ${JSON.stringify(name)}`);
  }
  return safe;
}

/** Split `/u/alice/get?x=1` into `{ student: "alice", path: "/get?x=1" }`; other paths have no student. */
export function splitStudentPath(url: string): { readonly student: string | undefined; readonly path: string } {
  if (!url.startsWith(STUDENT_PREFIX)) return { student: undefined, path: url };
  const rest = url.slice(STUDENT_PREFIX.length);
  const end = rest.search(/[/?#]/);
  const student = end < 0 ? rest : rest.slice(0, end);
  if (!STUDENT_NAME.test(student)) return { student: undefined, path: url };
  const path = end < 0 ? "/" : rest.slice(end);
  return { student, path: path.startsWith("/") ? path : `/${path}` };
}
