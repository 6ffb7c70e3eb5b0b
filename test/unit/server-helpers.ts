/**
 * Helpers shared by the server tests: a real server on port 0 (both protocols), and
 * requests that always carry a timeout.
 */
import { after, before } from "node:test";
import { Agent, request } from "undici";
import type { Dispatcher, FormData } from "undici";
import { runServer } from "../../src/server/run.js";
import type { RunningServer } from "../../src/server/run.js";

/** Every request in these tests gives up after this long. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  json(): unknown;
}

/** Start the in-process server pair on free loopback ports. */
export function startTestServer(): Promise<RunningServer> {
  return runServer({ host: "127.0.0.1", port: 0, h2Port: 0 });
}

/**
 * One server and one agent for a whole test file: started before its tests, closed after them.
 * `use` receives both once they are up.
 */
export function useTestServer(use: (server: RunningServer, agent: Agent) => void): void {
  let server: RunningServer | undefined;
  let agent: Agent | undefined;
  before(async () => {
    server = await startTestServer();
    agent = testAgent();
    use(server, agent);
  });
  after(async () => {
    await agent?.close();
    await server?.close();
  });
}

/** An agent with no connection limit, so concurrency is the server's to show. */
export function testAgent(options: { ca?: string; allowH2?: boolean; connections?: number } = {}): Agent {
  return new Agent({
    allowH2: options.allowH2 ?? false,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
    ...(options.ca === undefined ? {} : { connect: { ca: options.ca } }),
  });
}

/** Send a request and read the whole reply; any status is returned, never thrown. */
export async function send(
  dispatcher: Dispatcher,
  url: string,
  init: { method?: Dispatcher.HttpMethod; body?: string | Buffer | FormData; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await request(url, {
    dispatcher,
    method: init.method ?? "GET",
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.headers === undefined ? {} : { headers: init.headers }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const text = bytes.toString("utf8");
  return { status: res.statusCode, headers: res.headers, text, bytes, json: () => JSON.parse(text) as unknown };
}

/** The keys of a JSON object, in order. */
export function keysOf(value: unknown): string[] {
  assertObject(value);
  return Object.keys(value);
}

export function assertObject(value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`Expected a JSON object, got ${JSON.stringify(value)}`);
  }
}
