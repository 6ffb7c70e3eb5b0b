import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger, formatAsctime, formatLogMessage } from "../../src/index.js";

const at = new Date(2023, 3, 25, 23, 57, 39, 196); // local time, as Python's asctime

test("formatAsctime writes local time with a comma before three-digit milliseconds", () => {
  assert.equal(formatAsctime(at), "2023-04-25 23:57:39,196");
  assert.equal(formatAsctime(new Date(2024, 0, 2, 3, 4, 5, 6)), "2024-01-02 03:04:05,006");
});

test("the default format is the chapter's asctime - LEVEL: message", () => {
  const lines: string[] = [];
  const logging = createLogger({ now: () => at, write: (l) => lines.push(l) });
  logging.info("scraping %s", "https://httpbin.org/delay/2");
  assert.deepEqual(lines, ["2023-04-25 23:57:39,196 - INFO: scraping https://httpbin.org/delay/2"]);
});

test("lines below the level are dropped", () => {
  const lines: string[] = [];
  const logging = createLogger({ level: "WARNING", now: () => at, write: (l) => lines.push(l), format: "%(levelname)s:%(name)s:%(message)s" });
  logging.info("hidden");
  logging.debug("hidden");
  logging.error("shown");
  assert.deepEqual(lines, ["ERROR:root:shown"]);
});

test("formatLogMessage fills %s, %r, %d, %.Nf and %% like Python", () => {
  assert.equal(formatLogMessage("total time %s seconds", [10.5]), "total time 10.5 seconds");
  assert.equal(formatLogMessage("%r and %d%% and %.2f", ["a", 7.9, 1.005]), "'a' and 7% and 1.00");
  assert.equal(formatLogMessage("100% sure", []), "100% sure");
});

test("formatLogMessage rejects a count of arguments that does not match", () => {
  assert.throws(() => formatLogMessage("%s %s", [1]), /Expected 2 or more arguments/);
  assert.throws(() => formatLogMessage("%s", [1, 2]), /Expected 1 argument\(s\)/);
});

test("createLogger rejects an unknown level with what it expected", () => {
  assert.throws(() => createLogger({ level: "LOUD" as never }), /Expected level to be one of DEBUG, INFO/);
});
