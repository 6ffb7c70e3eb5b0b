// One course server for a class: kernels told CONCURRENCY_LAB_SERVER_URL start none of their own,
// and each student's rate limit is their own although all come from one address.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { runServer, type RunningServer } from "../../src/server/run.js";
import { serverInfo, startServer, stopServer } from "../../src/server/start.js";
import { splitStudentPath, studentSegment } from "../../src/server/protocol.js";

function childPids(): number[] {
  return readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
}

async function status(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return response.status;
}

let shared: RunningServer;
test.before(async () => {
  shared = await runServer();
});
test.after(async () => {
  delete process.env.CONCURRENCY_LAB_SERVER_URL;
  delete process.env.CONCURRENCY_LAB_STUDENT;
  await stopServer();
  await shared.close();
});

test("with CONCURRENCY_LAB_SERVER_URL, startServer() starts no process and hands out the student's URLs", async () => {
  process.env.CONCURRENCY_LAB_SERVER_URL = `${shared.url}/`;
  process.env.CONCURRENCY_LAB_STUDENT = "alice";
  const before = childPids();
  const server = await startServer();
  assert.deepEqual(childPids(), before, "no child process");
  assert.equal(server.url, `${shared.url}/u/alice`);
  assert.equal(server.h2Url, `${shared.h2Url}/u/alice`);
  assert.equal(server.ca, shared.ca);
  assert.equal(server.pid, process.pid, "the shared server's pid (it runs in this test process)");
  assert.equal(await startServer(), server, "asked once, then reused");
  assert.equal(serverInfo(), server);
  const body = (await (await fetch(`${server.url}/get?x=1`, { signal: AbortSignal.timeout(5000) })).json()) as { args: Record<string, string>; url: string };
  assert.deepEqual(body.args, { x: "1" });
  assert.equal(body.url, `${shared.url}/get?x=1`, "the echo shows the path the routes saw");
  assert.equal(await stopServer(), false, "the class's server is not this kernel's to stop");
  assert.equal(await status(`${shared.url}/get`), 200, "and it still serves");
});

test("one student's ban on /limited is not another's", async () => {
  const limited = (who: string) => `${shared.url}/u/${who}/limited?limit=2&window=30&key=same`;
  assert.deepEqual([await status(limited("alice")), await status(limited("alice")), await status(limited("alice"))], [200, 200, 403]);
  assert.equal(await status(limited("bob")), 200, "bob is not banned by alice's requests");
  assert.equal(await status(`${shared.url}/limited?limit=2&window=30&key=same`), 200, "nor is a client without a prefix");
});

test("a shared server that does not answer is reported with what was expected", async () => {
  process.env.CONCURRENCY_LAB_SERVER_URL = "http://127.0.0.1:9/";
  await stopServer();
  await assert.rejects(startServer({ timeoutMs: 2000 }), /Expected the class's course server at http:\/\/127\.0\.0\.1:9 \(CONCURRENCY_LAB_SERVER_URL\) to answer \/_course\/server\.json/);
  process.env.CONCURRENCY_LAB_SERVER_URL = "ftp://x";
  await assert.rejects(startServer(), /Expected CONCURRENCY_LAB_SERVER_URL to be the class server's http:\/\/ URL, got "ftp:\/\/x"/);
});

test("student names: the prefix is split off, unsafe names are made safe or refused", () => {
  assert.deepEqual(splitStudentPath("/u/alice/get?x=1"), { student: "alice", path: "/get?x=1" });
  assert.deepEqual(splitStudentPath("/u/alice"), { student: "alice", path: "/" });
  assert.deepEqual(splitStudentPath("/u/al ice/get"), { student: undefined, path: "/u/al ice/get" });
  assert.deepEqual(splitStudentPath("/get"), { student: undefined, path: "/get" });
  assert.equal(studentSegment("li.wei@school"), "li.wei_school");
  assert.throws(() => studentSegment(".."), /Expected a student name with letters, digits/);
});
