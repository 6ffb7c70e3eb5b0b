/**
 * The request facts httpbin echoes back: `args`, `headers`, `origin`, `url`, `method`.
 * Key order follows httpbin (alphabetical), so a printed response looks the same as the book's.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { echoBody } from "./body.js";

/** Query arguments: one value as a string, a repeated argument as a list (httpbin's shape). */
export type Args = Record<string, string | string[]>;

/** The query string as httpbin's `args`. */
export function echoArgs(request: FastifyRequest): Args {
  const args: Args = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(value)) args[key] = value.map(String);
    else if (value !== undefined) args[key] = String(value);
  }
  return args;
}

/**
 * Request headers with httpbin's Title-Case names, sorted. HTTP/2 pseudo-headers are dropped,
 * except `:authority`, which becomes `Host` so HTTP/1.1 and HTTP/2 echoes look alike.
 */
export function echoHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(",") : String(value);
    if (name === ":authority") {
      if (request.headers.host === undefined) headers.Host = text;
      continue;
    }
    if (name.startsWith(":")) continue;
    headers[titleCase(name)] = text;
  }
  return sortKeys(headers);
}

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The client's address as httpbin's `origin` ("127.0.0.1", not "::ffff:127.0.0.1"). */
export function echoOrigin(request: FastifyRequest): string {
  return request.ip.replace(/^::ffff:/, "");
}

/** The full URL the client asked for, as httpbin's `url`. */
export function echoUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url}`;
}

/** Which fields an echo route reports: httpbin's /get omits the body fields, /anything adds `method`. */
export interface EchoFields {
  /** Report `data`, `files`, `form` (and `json`, unless `json` is false). */
  readonly body: boolean;
  /** Report `json` with the body fields (httpbin's /delay leaves it out). Default true. */
  readonly json?: boolean;
  /** Report `method` (httpbin's /anything). */
  readonly method: boolean;
}

/** Build the httpbin echo object for `request`, fields in httpbin's order. */
export async function echo(request: FastifyRequest, fields: EchoFields): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { args: echoArgs(request) };
  if (fields.body) Object.assign(out, await echoBody(request));
  out.headers = echoHeaders(request);
  if (fields.body) {
    if (fields.json === false) delete out.json;
    else out.json = out.json ?? null;
  }
  if (fields.method) out.method = request.method;
  out.origin = echoOrigin(request);
  out.url = echoUrl(request);
  return fields.body ? sortKeys(out) : out;
}

/** JSON as httpbin writes it: indented by two spaces, with a trailing newline (the bytes the book prints). */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Send `value` as httpbin does ({@link prettyJson}), with a status code. The app installs the same
 * function as its reply serializer, so a route that sends an object gets the same bytes.
 */
export function sendJson(reply: FastifyReply, value: unknown, statusCode = 200): FastifyReply {
  return reply.code(statusCode).type("application/json; charset=utf-8").send(prettyJson(value));
}
