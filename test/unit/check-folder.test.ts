// scripts/check-folder.mjs on small fake course folders: set-up made for another folder is
// removed with one line saying so; set-up made here is left alone, silently.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/check-folder.mjs", import.meta.url));

/** A fake course folder whose .venv and kernelspec were made in `madeIn`. */
function fakeCourse(madeIn?: string): string {
  const root = mkdtempSync(join(tmpdir(), "cl-folder-"));
  const home = madeIn ?? root;
  mkdirSync(join(root, "scripts"));
  copyFileSync(SCRIPT, join(root, "scripts", "check-folder.mjs"));
  mkdirSync(join(root, "node_modules", "tslab", "bin"), { recursive: true });
  writeFileSync(join(root, "node_modules", "tslab", "bin", "tslab"), "");
  const bin = join(root, ".venv", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "jupyter"), `#!${home}/.venv/bin/python\nimport sys\n`);
  const kernel = join(root, ".venv", "share", "jupyter", "kernels", "tslab");
  mkdirSync(kernel, { recursive: true });
  writeFileSync(join(kernel, "kernel.json"), JSON.stringify({ argv: [process.execPath, `${home}/node_modules/tslab/bin/tslab`, "kernel"] }));
  return root;
}

function check(root: string): { stdout: string; status: number | null } {
  const run = spawnSync(process.execPath, [join(root, "scripts", "check-folder.mjs")], { encoding: "utf8", timeout: 30_000 });
  return { stdout: run.stdout, status: run.status };
}

/** Run `body` on a fresh fake course folder (see {@link fakeCourse}), removed afterwards. */
function withFakeCourse(...args: [body: (root: string) => void] | [madeIn: string, body: (root: string) => void]): void {
  const [madeIn, body] = args.length === 1 ? [undefined, args[0]] : args;
  const root = fakeCourse(madeIn);
  try {
    body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const kernelJson = (root: string) => join(root, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json");

test("set-up made in this folder is left alone and nothing is printed", () => {
  withFakeCourse((root) => {
  const run = check(root);
  assert.equal(run.status, 0);
  assert.equal(run.stdout, "");
  assert.ok(existsSync(kernelJson(root)));
  });
});

test("a .venv whose scripts name another folder is removed, with one line naming both folders", () => {
  withFakeCourse("/old/place/course", (root) => {
  const run = check(root);
  assert.equal(run.status, 0);
  const lines = run.stdout.trim().split("\n");
  assert.equal(lines.length, 1, run.stdout);
  assert.match(lines[0] ?? "", /belongs to \/old\/place\/course/);
  assert.ok(lines[0]?.includes(root));
  assert.match(lines[0] ?? "", /rebuilding \.venv and the TypeScript kernelspec/);
  assert.ok(!existsSync(join(root, ".venv")));
  });
});

test("a venv's pyvenv.cfg naming another folder is enough to rebuild it", () => {
  withFakeCourse((root) => {
  rmSync(join(root, ".venv", "bin", "jupyter"));
  writeFileSync(join(root, ".venv", "pyvenv.cfg"), "home = /usr/bin\ncommand = /usr/bin/python3 -m venv /elsewhere/course/.venv\n");
  const run = check(root);
  assert.match(run.stdout, /belongs to \/elsewhere\/course,/);
  assert.ok(!existsSync(join(root, ".venv")));
  });
});

test("a kernelspec that starts another folder's tslab is removed; the venv made here stays", () => {
  withFakeCourse((root) => {
  writeFileSync(kernelJson(root), JSON.stringify({ argv: [process.execPath, "/old/course/node_modules/tslab/bin/tslab", "kernel"] }));
  const run = check(root);
  assert.match(run.stdout, /belongs to \/old\/course, .*rebuilding the TypeScript kernelspec here/);
  assert.ok(!existsSync(kernelJson(root)));
  assert.ok(existsSync(join(root, ".venv", "bin", "jupyter")));
  });
});

test("a folder reached through a symlink is still the same folder", () => {
  const root = fakeCourse();
  const link = `${root}-link`;
  try {
    symlinkSync(root, link);
    // Set-up recorded under the symlinked path, checked from the real one.
    writeFileSync(join(root, ".venv", "bin", "jupyter"), `#!${link}/.venv/bin/python\n`);
    writeFileSync(kernelJson(root), JSON.stringify({ argv: [process.execPath, `${link}/node_modules/tslab/bin/tslab`, "kernel"] }));
    const run = check(root);
    assert.equal(run.stdout, "");
    assert.ok(existsSync(kernelJson(root)));
  } finally {
    rmSync(link, { force: true });
    rmSync(root, { recursive: true, force: true });
  }
});

test("pip's /bin/sh form of a script, for a folder whose path has a space, is read too", () => {
  withFakeCourse((root) => {
  writeFileSync(join(root, ".venv", "bin", "jupyter"), `#!/bin/sh\n'''exec' "/old place/course/.venv/bin/python" "$0" "$@"\n' '''\nimport sys\n`);
  const run = check(root);
  assert.match(run.stdout, /belongs to \/old place\/course,/);
  assert.ok(!existsSync(join(root, ".venv")));
  });
});

test("a kernelspec whose node is gone is written again, and the line says why", () => {
  withFakeCourse((root) => {
  writeFileSync(kernelJson(root), JSON.stringify({ argv: ["/no/such/node", `${root}/node_modules/tslab/bin/tslab`, "kernel"] }));
  const run = check(root);
  assert.equal(run.stdout.trim(), "The TypeScript kernelspec names a node that is gone (/no/such/node): writing it again for the node on your PATH.");
  assert.ok(!existsSync(kernelJson(root)));
  });
});
