/**
 * Installs / removes our kernelspec (kernel.json + logos) in Jupyter's data paths — plain Node, no
 * Python or `jupyter kernelspec` needed. Where it goes:
 *   --user (default)  <jupyterDataDir()>/kernels/<name>   (~/.local/share/jupyter on Linux,
 *                     ~/Library/Jupyter on macOS, or $JUPYTER_DATA_DIR)
 *   --sys-prefix      <$CONDA_PREFIX or $VIRTUAL_ENV>/share/jupyter/kernels/<name>
 *   --prefix DIR      DIR/share/jupyter/kernels/<name>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  assetsDir,
  environmentPrefix,
  invalidKernelNameMessage,
  isValidKernelName,
  jupyterDataDir,
  KERNEL_NAME,
  listKernelSpecs,
  optimlabKernelJson,
  type KernelSpecEntry,
} from "./kernelspecs";
import { LOGO_SIZES, logoFileName } from "./logo";

type Env = { [name: string]: string | undefined };

export type InstallScope = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; prefix: string };

export interface InstallOptions {
  scope?: InstallScope;
  name?: string;
  env?: Env;
}

export const noEnvironmentMessage = (): string =>
  "--sys-prefix needs an active Python environment (CONDA_PREFIX or VIRTUAL_ENV is not set). Activate it first, or use --user or --prefix DIR.";

export const notInstalledMessage = (name: string): string =>
  `No kernelspec named "${name}" is installed (run \`optimlab kernel list\` to see the installed ones).`;

/** The `kernels` folder a scope installs into. */
export function kernelsDirFor(scope: InstallScope, env: Env = process.env): string {
  switch (scope.kind) {
    case "user":
      return path.join(jupyterDataDir(env), "kernels");
    case "sys-prefix": {
      const prefix = environmentPrefix(env);
      if (!prefix) throw new Error(noEnvironmentMessage());
      return path.join(prefix, "share", "jupyter", "kernels");
    }
    case "prefix":
      return path.join(path.resolve(scope.prefix), "share", "jupyter", "kernels");
  }
}

/** Writes kernel.json and the logos; replaces an earlier install of the same name. Returns its folder. */
export function installKernelSpec(options: InstallOptions = {}): string {
  const name = options.name ?? KERNEL_NAME;
  if (!isValidKernelName(name)) throw new Error(invalidKernelNameMessage(name));
  const dir = path.join(kernelsDirFor(options.scope ?? { kind: "user" }, options.env), name.toLowerCase());
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), `${JSON.stringify(optimlabKernelJson(), null, 2)}\n`);
  for (const size of LOGO_SIZES)
    fs.copyFileSync(path.join(assetsDir(), logoFileName(size)), path.join(dir, logoFileName(size)));
  return dir;
}

/** Removes the installed kernelspec `name` that Jupyter would find first. Returns the removed entry. */
export function uninstallKernelSpec(name: string = KERNEL_NAME, env: Env = process.env): KernelSpecEntry {
  const entry = listKernelSpecs(env).find((spec) => spec.name === name.toLowerCase());
  if (!entry) throw new Error(notInstalledMessage(name));
  fs.rmSync(entry.dir, { recursive: true, force: true });
  return entry;
}
