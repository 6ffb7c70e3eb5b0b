/**
 * The agents `loadUrl` sends its requests through: one connection pool per CA per thread, so ten
 * loads reuse connections instead of opening ten. They trust the public roots as well as a
 * given CA (see trust.ts). Light to import: undici loads on the first request, so a worker
 * thread or child process that never loads a URL never loads it.
 */
import type { Dispatcher } from "undici";
import { trustedCertificates, trustingContext } from "./trust.js";

const agents = new Map<string, Promise<Dispatcher>>();

function certificates(ca: string | readonly string[]): string[] {
  return typeof ca === "string" ? [ca] : [...ca];
}

/** The CA certificates a shared agent trusts for `ca`; `undefined`: Node's default trust store. */
export function sharedAgentTrust(ca: string | readonly string[] | undefined): readonly string[] | undefined {
  return ca === undefined ? undefined : trustedCertificates(certificates(ca));
}

/** This thread's agent for `ca` (HTTP/1.1, or HTTP/2 where the server offers it), made on first use. */
export function sharedAgent(ca: string | readonly string[] | undefined): Promise<Dispatcher> {
  const key = ca === undefined ? "" : certificates(ca).join("\n");
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = import("undici").then(({ Agent }) =>
      new Agent({ allowH2: true, ...(ca === undefined ? {} : { connect: { secureContext: trustingContext(certificates(ca)) } }) }));
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Close this thread's shared agents and their connections (a worker's go with the worker);
 * `closePools()` calls it. The next request makes new ones.
 */
export async function closeSharedAgents(): Promise<void> {
  const open = [...agents.values()];
  agents.clear();
  await Promise.all(open.map(async (agent) => (await agent).close()));
}
