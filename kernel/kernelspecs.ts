/**
 * Kernelspec discovery, the way jupyter_core / jupyter_client find kernels — in plain Node.
 *
 * Search order (jupyter_core's `jupyter_path("kernels")`):
 *   1. every entry of `JUPYTER_PATH` (path-delimiter separated),
 *   2. the user data dir (`JUPYTER_DATA_DIR`, else `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter` on
 *      Windows, `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter` elsewhere),
 *   3. the active environment's `<prefix>/share/jupyter` (Python's `sys.prefix`; without Python we take
 *      `CONDA_PREFIX` or `VIRTUAL_ENV`), before the user dir when `JUPYTER_PREFER_ENV_PATH` is set,
 *   4. system dirs: `/usr/local/share/jupyter`, `/usr/share/jupyter` (`%PROGRAMDATA%\jupyter` on Windows).
 * The first directory holding a kernel name wins; names compare case-insensitively.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The name our kernel is installed under (and notebooks ask for). */
export const KERNEL_NAME = "optimlab";
export const KERNEL_DISPLAY_NAME = "TypeScript (optimlab)";

/** A `kernel.json` file's content. */
export interface KernelSpec {
  /** Command line; `{connection_file}` is replaced by the connection file's path. */
  argv: string[];
  display_name: string;
  language: string;
  /** "signal" (SIGINT) or "message" (`interrupt_request` on the control channel). */
  interrupt_mode?: "signal" | "message";
  env?: { [name: string]: string };
  metadata?: { [key: string]: unknown };
}

export interface KernelSpecEntry {
  /** Lower-cased directory name, e.g. "optimlab" or "python3". */
  name: string;
  /** The resource directory holding `kernel.json` and the logos. */
  dir: string;
  spec: KernelSpec;
}

type Env = { [name: string]: string | undefined };

const KERNEL_NAME_PATTERN = /^[a-z0-9._-]+$/i;

export const invalidKernelNameMessage = (name: string): string =>
  `Invalid kernel name "${name}": use only ASCII letters, digits and the separators - . _`;

export function isValidKernelName(name: string): boolean {
  return KERNEL_NAME_PATTERN.test(name);
}

/** True for the values jupyter_core reads as "set" ("1", "yes", "true"; not "no", "0", "false", "off"). */
function envFlag(value: string | undefined): boolean {
  return !["no", "n", "false", "off", "0", "0.0"].includes((value ?? "no").toLowerCase());
}

/** The per-user Jupyter data directory (jupyter_core's `jupyter_data_dir()`). */
export function jupyterDataDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME || os.homedir();
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") {
    return env.APPDATA ? path.join(env.APPDATA, "jupyter") : path.join(home, ".jupyter", "data");
  }
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/** The active Python/conda environment's prefix, or undefined (we cannot ask Python for `sys.prefix`). */
export function environmentPrefix(env: Env = process.env): string | undefined {
  return env.CONDA_PREFIX || env.VIRTUAL_ENV || undefined;
}

/** System-wide data dirs (jupyter_core's `SYSTEM_JUPYTER_PATH`). */
export function systemDataDirs(env: Env = process.env, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === "win32") return env.PROGRAMDATA ? [path.join(env.PROGRAMDATA, "jupyter")] : [];
  return ["/usr/local/share/jupyter", "/usr/share/jupyter"];
}

/** Every Jupyter data directory, highest priority first (jupyter_core's `jupyter_path()`). */
export function jupyterDataDirs(env: Env = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const dirs: string[] = [];
  if (env.JUPYTER_PATH) {
    const separator = platform === "win32" ? ";" : ":";
    for (const entry of env.JUPYTER_PATH.split(separator)) {
      if (entry) dirs.push(entry.replace(/[\\/]+$/, "") || entry);
    }
  }
  const user = [jupyterDataDir(env, platform)];
  const system = systemDataDirs(env, platform);
  const prefix = environmentPrefix(env);
  const environment = prefix ? [path.join(prefix, "share", "jupyter")].filter((dir) => !system.includes(dir)) : [];
  if (envFlag(env.JUPYTER_PREFER_ENV_PATH)) dirs.push(...environment, ...user);
  else dirs.push(...user, ...environment);
  dirs.push(...system);
  return [...new Set(dirs)];
}

/** `jupyterDataDirs()` with `kernels/` appended: where kernelspecs live. */
export function kernelDirs(env: Env = process.env, platform: NodeJS.Platform = process.platform): string[] {
  return jupyterDataDirs(env, platform).map((dir) => path.join(dir, "kernels"));
}

/** Reads `<dir>/kernel.json`; undefined when missing or not a kernelspec (bad files are skipped like jupyter_client). */
export function readKernelSpec(dir: string): KernelSpec | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, "kernel.json"), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<KernelSpec>;
    if (!Array.isArray(parsed.argv) || parsed.argv.length === 0) return undefined;
    return {
      ...parsed,
      argv: parsed.argv.map(String),
      display_name: typeof parsed.display_name === "string" ? parsed.display_name : path.basename(dir),
      language: typeof parsed.language === "string" ? parsed.language : "",
    };
  } catch {
    return undefined;
  }
}

/** All installed kernelspecs; for a name found in several dirs, the highest-priority dir wins. */
export function listKernelSpecs(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
): KernelSpecEntry[] {
  const found = new Map<string, KernelSpecEntry>();
  for (const kernelsDir of kernelDirs(env, platform)) {
    let names: string[];
    try {
      names = fs.readdirSync(kernelsDir);
    } catch {
      continue;
    }
    for (const entryName of names.sort()) {
      const name = entryName.toLowerCase();
      if (found.has(name) || !isValidKernelName(name)) continue;
      const dir = path.join(kernelsDir, entryName);
      const spec = readKernelSpec(dir);
      if (spec) found.set(name, { name, dir, spec });
    }
  }
  return [...found.values()];
}

/**
 * The installed kernelspec called `name` (case-insensitive). Our own name falls back to
 * `builtinKernelSpec()`, so notebooks asking for "optimlab" run without `kernel install`.
 */
export function findKernelSpec(
  name: string,
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
): KernelSpecEntry | undefined {
  const wanted = name.toLowerCase();
  const installed = listKernelSpecs(env, platform).find((entry) => entry.name === wanted);
  if (installed) return installed;
  return wanted === KERNEL_NAME ? builtinKernelSpec() : undefined;
}

/** The repository/package root (the folder whose package.json is named "optimlab"). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "optimlab") return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find optimlab's package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Folder with the committed logos (`logo-32x32.png`, `logo-64x64.png`). */
export function assetsDir(): string {
  return path.join(packageRoot(), "kernel", "assets");
}

/**
 * The kernel.json we install: runs this Node on this package's CLI. Interrupts are "message": the
 * control thread receives `interrupt_request` even while a cell blocks the main thread, and stops a
 * busy loop with V8's terminateExecution (docs/kernel.md). A SIGINT to the process group works too.
 */
export function optimlabKernelJson(): KernelSpec {
  return {
    argv: [
      process.execPath,
      path.join(packageRoot(), "bin", "optimlab.js"),
      "kernel",
      "start",
      "--connection-file",
      "{connection_file}",
    ],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false, optimlab: { version: packageVersion() } },
  };
}

/** Our own kernel, whether installed or not (its `dir` is the package's assets folder). */
export function builtinKernelSpec(): KernelSpecEntry {
  return { name: KERNEL_NAME, dir: assetsDir(), spec: optimlabKernelJson() };
}

/** argv with `{connection_file}` substituted: what a launcher spawns (argv[0] is the program). */
export function kernelCommand(spec: KernelSpec, connectionFile: string): string[] {
  return spec.argv.map((arg) => arg.split("{connection_file}").join(connectionFile));
}

/** optimlab's version, from its package.json. */
export function packageVersion(): string {
  try {
    return (
      (JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version ??
      "0.0.0"
    );
  } catch {
    return "0.0.0";
  }
}
