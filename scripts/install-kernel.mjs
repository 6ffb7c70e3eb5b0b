// Writes the tslab kernelspec into the project's own .venv (never the user's global Jupyter),
// with absolute paths to node and tslab's entry script, so the kernel starts without
// node_modules/.bin on PATH. `tslab install` would write argv ["tslab", …], which needs that PATH.
// The kernel runs on the node that runs this script. `--jupyter-dir DIR` writes the kernelspec
// into another Jupyter data dir instead (make matrix: one per Node.js version, via JUPYTER_PATH).
import { mkdirSync, writeFileSync, copyFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tslab = join(root, "node_modules", "tslab", "bin", "tslab");
if (!existsSync(tslab)) {
  console.error(`Expected tslab at ${tslab}; run 'npm ci' first.`);
  process.exit(1);
}
const dirAt = process.argv.indexOf("--jupyter-dir");
const dataDir = dirAt >= 0 ? resolve(process.argv[dirAt + 1] ?? "") : join(root, ".venv", "share", "jupyter");
const dir = join(dataDir, "kernels", "tslab");
mkdirSync(dir, { recursive: true });
const spec = {
  argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
  display_name: "TypeScript",
  language: "typescript",
  // SIGINT is what tslab listens to for Kernel > Interrupt.
  interrupt_mode: "signal",
  metadata: { debugger: false },
};
writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
  const src = join(root, "node_modules", "tslab", "python", logo);
  if (existsSync(src)) copyFileSync(src, join(dir, logo));
}
console.log(`tslab kernelspec written to ${dir}`);

// The course's own JupyterLab (the .venv's server) makes TypeScript the default kernel, so
// "New notebook" in the launcher or the File menu opens a TypeScript notebook, not Python 3.
if (dirAt < 0) {
  // (Its main config file: the server reads only extension lists from jupyter_server_config.d/.)
  const configDir = join(root, ".venv", "etc", "jupyter");
  mkdirSync(configDir, { recursive: true });
  const config = { MultiKernelManager: { default_kernel_name: "tslab" } };
  writeFileSync(join(configDir, "jupyter_server_config.json"), JSON.stringify(config, null, 2) + "\n");
}
