// Run by make before anything else: finds set-up that belongs to another copy of this folder
// (the folder was copied or moved) and removes it, so make builds it again here.
//
// - `.venv`: pip writes the absolute path of the environment into every script's shebang
//   (`#!/old/place/.venv/bin/python`), and venv into pyvenv.cfg; a venv cannot be moved, so a
//   foreign one is removed whole (make creates it again; pip's cache makes that quick).
// - the kernelspec (.venv/share/jupyter/kernels/tslab/kernel.json): its absolute path to tslab.
//   A kernel started from the old copy loads tslab from there while the notebook's library loads
//   it from here, and every chart fails with tslab's "Error: Not ready".
// node_modules holds only relative links and is left alone.
//
// Prints one line when it removed something, nothing otherwise. Never fails make.
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Whether two paths name the same place (a folder reached through a symlink is still here). */
function samePlace(a, b) {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
const kernelspec = join(root, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json");

/** The folder a venv was made in, as its own files say, or undefined if they do not say. */
function venvHome(venv) {
  const cfg = join(venv, "pyvenv.cfg");
  if (existsSync(cfg)) {
    const made = /^command\s*=.*\s-m\s+venv\s+(.+?)\s*$/m.exec(readFileSync(cfg, "utf8"));
    if (made?.[1] !== undefined) return resolve(made[1]);
  }
  const bin = join(venv, "bin");
  if (!existsSync(bin)) return undefined;
  // Bounded by the scripts in .venv/bin (a few dozen).
  for (const name of readdirSync(bin).sort()) {
    const file = join(bin, name);
    try {
      if (!statSync(file).isFile()) continue;
      const head = readFileSync(file, { encoding: "latin1" }).slice(0, 300);
      // `#!/place/.venv/bin/python`, or for a path with spaces pip's
      // `#!/bin/sh` + `'''exec' "/place/.venv/bin/python" "$0" "$@"`.
      const shebang = /^#!(\S+)\/bin\/python[\d.]*\s/.exec(head) ?? /^'''exec' "(.+?)\/bin\/python[\d.]*"/m.exec(head);
      if (shebang?.[1] !== undefined) return resolve(shebang[1]);
    } catch {
      // An unreadable entry says nothing either way.
    }
  }
  return undefined;
}

/**
 * Why the kernelspec must be written again: `{ from }` when it starts another folder's tslab,
 * `{ gone }` when the node it names no longer exists; undefined when it is fine (or absent).
 */
function staleKernel() {
  if (!existsSync(kernelspec)) return undefined;
  let argv;
  try {
    argv = JSON.parse(readFileSync(kernelspec, "utf8")).argv ?? [];
  } catch {
    return { from: "an unreadable kernelspec" };
  }
  const tslab = String(argv[1] ?? "");
  if (!samePlace(tslab, join(root, "node_modules", "tslab", "bin", "tslab"))) {
    return { from: tslab.replace(/\/node_modules\/tslab\/bin\/tslab$/, "") || "an unknown place" };
  }
  if (!existsSync(String(argv[0] ?? ""))) return { gone: String(argv[0] ?? "") };
  return undefined;
}

const rebuilt = [];
let from;
for (const name of [".venv", ".venv-bench"]) {
  const dir = join(root, name);
  const home = existsSync(dir) ? venvHome(dir) : undefined;
  if (home === undefined || samePlace(home, dir)) continue;
  from ??= dirname(home);
  rmSync(dir, { recursive: true, force: true });
  rebuilt.push(name);
}
// A removed .venv takes its kernelspec with it.
if (rebuilt.includes(".venv")) rebuilt.push("the TypeScript kernelspec");
const kernel = rebuilt.includes(".venv") ? undefined : staleKernel();
if (kernel !== undefined) rmSync(kernelspec, { force: true });
if (kernel?.from !== undefined) {
  from ??= kernel.from;
  rebuilt.push("the TypeScript kernelspec");
}
if (rebuilt.length > 0) {
  console.log(`This course folder's set-up belongs to ${from}, not ${root} (the folder was copied or moved): rebuilding ${new Intl.ListFormat("en", { type: "conjunction" }).format(rebuilt)} here.`);
} else if (kernel?.gone !== undefined) {
  console.log(`The TypeScript kernelspec names a node that is gone (${kernel.gone}): writing it again for the node on your PATH.`);
}
