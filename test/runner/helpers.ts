/**
 * Shared by the runner tests: where the fault-suite notebooks are, whether a kernel is available,
 * and how to start the CLI in a child process (for signal tests).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findKernelSpec, packageRoot } from "../../kernel/kernelspecs";

/** test/runner/notebooks in the source tree (the .ipynb files are not copied to dist/). */
export const NOTEBOOKS = path.join(packageRoot(), "test", "runner", "notebooks");

export function notebookPath(kind: "python" | "typescript", name: string): string {
  return path.join(NOTEBOOKS, kind, `${name}.ipynb`);
}

let pythonChecked: string | undefined | null = null;

/** Undefined when Debian's ipykernel is usable, else why not (for `t.skip`). */
export function pythonKernelMissing(): string | undefined {
  if (pythonChecked !== null) return pythonChecked;
  const spec = findKernelSpec("python3");
  if (!spec) pythonChecked = "no python3 kernelspec installed (apt-get install python3-ipykernel)";
  else {
    const probe = spawnSync(spec.spec.argv[0], ["-c", "import ipykernel"], { encoding: "utf8" });
    pythonChecked =
      probe.status === 0 ? undefined : `the python3 kernel cannot start: ${probe.stderr.trim().split("\n").pop()}`;
  }
  return pythonChecked;
}

/** Undefined when our TypeScript kernel is built (bin/optimlab.js needs dist/), else why not. */
export function typescriptKernelMissing(): string | undefined {
  const entry = path.join(packageRoot(), "dist", "kernel", "cli.js");
  return fs.existsSync(entry) ? undefined : "the optimlab kernel is not built (run npm run build)";
}

const tempDirs: string[] = [];

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix = "optimlab-runner-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (tempDirs.length === 0)
    process.once("exit", () => tempDirs.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));
  tempDirs.push(dir);
  return dir;
}

/** Copies fault-suite notebooks into a fresh folder, so a test may write next to them. */
export function copyNotebooks(kind: "python" | "typescript", names: string[]): { dir: string; files: string[] } {
  const dir = tempDir();
  const files = names.map((name) => {
    const target = path.join(dir, `${name}.ipynb`);
    fs.copyFileSync(notebookPath(kind, name), target);
    return target;
  });
  return { dir, files };
}

/**
 * argv that runs `optimlab <args>` in a child process with this process's loader (tsx during
 * development, plain node for dist/): see cli-entry.ts.
 */
export function cliCommand(args: string[]): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const entry = path.join(__dirname, `cli-entry${path.extname(__filename)}`);
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith("--test"));
  return {
    command: process.execPath,
    args: [...execArgv, entry, ...args],
    env: { ...process.env, OPTIMLAB_RUNNER_CLI_ENTRY: "1" },
  };
}

/** Polls `check` every 50 ms until it returns a value or `ms` pass. */
export async function waitFor<T>(check: () => T | undefined, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
