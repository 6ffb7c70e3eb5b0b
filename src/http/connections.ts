/**
 * Which connections does an HTTP client really open? undici reports every new connection and
 * every request it writes on `node:diagnostics_channel`; this module listens while your code
 * runs and gives you the list — the evidence for "HTTP/2 uses one connection, HTTP/1.1 a pool".
 *
 *   10 requests at once           connections
 *   HTTP/1.1 pool                 conn 1 ─ req 1      conn 2 ─ req 2   …   conn 10 ─ req 10
 *   HTTP/2, one session           conn 1 ═ req 1, req 2, … req 10  (streams of one connection)
 *
 * Node's built-in `fetch` is undici too and reports on the same channels, so its connections
 * are counted as well.
 */
import diagnosticsChannel from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { describeValue } from "../internal/describe.js";

/** One connection undici opened (or first used) while tracing. */
export interface TracedConnection {
  /** 1, 2, 3… in the order the connections were first seen. */
  readonly id: number;
  /** The protocol negotiated on it: `"h2"` or `"http/1.1"`. */
  readonly protocol: string;
  /** Scheme, host and port, e.g. `"https://127.0.0.1:41235"`. */
  readonly origin: string;
  /** When it was first seen, ms since tracing started. */
  readonly at: number;
}

/** One request undici wrote while tracing, and the connection it went out on. */
export interface TracedRequest {
  readonly method: string;
  readonly origin: string;
  /** Path with query string, e.g. `"/delay/0.5?i=3"` — a query parameter makes each request findable. */
  readonly path: string;
  /** The {@link TracedConnection.id} it was written on. */
  readonly connection: number;
  /** When its headers were written, ms since tracing started. */
  readonly at: number;
}

/** What {@link traceConnections} returns. */
export interface ConnectionTrace<T> {
  /** What the traced function returned. */
  readonly value: T;
  /** The connections used, in the order first seen. */
  readonly connections: readonly TracedConnection[];
  /** The requests written, in order. */
  readonly requests: readonly TracedRequest[];
}

interface SocketLike {
  alpnProtocol?: string | false | null;
}

interface ConnectedMessage {
  socket: SocketLike;
  connectParams?: { protocol?: string; hostname?: string; host?: string; port?: string | number };
}

interface SendHeadersMessage {
  socket: SocketLike;
  request: { method?: string; origin?: unknown; path?: string };
}

function protocolOf(socket: SocketLike): string {
  return typeof socket.alpnProtocol === "string" && socket.alpnProtocol !== "" ? socket.alpnProtocol : "http/1.1";
}

function originOf(params: ConnectedMessage["connectParams"]): string {
  if (params === undefined) return "";
  const host = params.host ?? (params.port === undefined || params.port === "" ? params.hostname : `${params.hostname}:${params.port}`);
  return `${params.protocol ?? ""}//${host ?? ""}`;
}

/**
 * Run `fn` and record every connection undici opens and every request it writes meanwhile.
 * The listeners are removed when `fn` settles, however it ends, so a re-run cell leaves nothing behind.
 *
 * Trace one thing at a time: requests that other code sends meanwhile are recorded too.
 *
 * @example
 *   const { connections, requests } = await traceConnections(() =>
 *     Promise.all(urls.map((u) => request(u, { dispatcher: agent }).then((r) => r.body.text()))));
 *   connections.length          // 1 over HTTP/2, one per concurrent request over HTTP/1.1
 *   connections[0].protocol     // "h2"
 * @throws TypeError when `fn` is not a function; whatever `fn` throws is re-thrown after the listeners are removed.
 */
export async function traceConnections<T>(fn: () => T | PromiseLike<T>): Promise<ConnectionTrace<Awaited<T>>> {
  if (typeof fn !== "function") throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  const origin = performance.now();
  const connections: TracedConnection[] = [];
  const requests: TracedRequest[] = [];
  // Keyed by the socket object: undici hands the same socket to both channels.
  const ids = new WeakMap<object, number>();
  const idOf = (socket: SocketLike, where: string): number => {
    let id = ids.get(socket);
    if (id === undefined) {
      id = connections.length + 1;
      ids.set(socket, id);
      connections.push({ id, protocol: protocolOf(socket), origin: where, at: performance.now() - origin });
    }
    return id;
  };
  const onConnected = (message: unknown): void => {
    const { socket, connectParams } = message as ConnectedMessage;
    idOf(socket, originOf(connectParams));
  };
  const onSendHeaders = (message: unknown): void => {
    const { socket, request } = message as SendHeadersMessage;
    const where = String(request.origin ?? "");
    requests.push({ method: request.method ?? "GET", origin: where, path: request.path ?? "", connection: idOf(socket, where), at: performance.now() - origin });
  };
  diagnosticsChannel.subscribe("undici:client:connected", onConnected);
  diagnosticsChannel.subscribe("undici:client:sendHeaders", onSendHeaders);
  try {
    const value = await fn();
    return { value, connections, requests };
  } finally {
    diagnosticsChannel.unsubscribe("undici:client:connected", onConnected);
    diagnosticsChannel.unsubscribe("undici:client:sendHeaders", onSendHeaders);
  }
}
