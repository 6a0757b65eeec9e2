/**
 * Helpers for tests that let Jupyter's own Python client drive our kernel: is Debian's
 * jupyter_client there, and running python3. The temporary Jupyter data dir with our kernelspec
 * is kernel/temporaryJupyter.ts (the benchmarks use it too).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import assert from "node:assert/strict";
import { REPO_ROOT } from "../../protocol/kernelHarness";
import { temporaryJupyter } from "../../kernel/temporaryJupyter";

export const PYTHON = "/usr/bin/python3";

export function missingPython(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is not installed (apt-get install python3-nbclient jupyter-client)`;
  const probe = spawnSync(PYTHON, ["-c", "import nbclient, nbformat, jupyter_client"], { encoding: "utf8" });
  if (probe.status !== 0)
    return `nbclient is not importable by ${PYTHON} (apt-get install python3-nbclient jupyter-client): ${probe.stderr.trim().split("\n").at(-1)}`;
  return undefined;
}

export function runPython(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs one of test/kernel's Python scripts (with the notebook fixtures folder and `args`) against this
 * build's kernel in a throwaway Jupyter dir, removed afterwards, and returns the JSON object its last
 * line prints. `what` names the run in the failure message when the script does not finish.
 */
export async function runKernelScript<T>(script: string, args: string[], timeoutMs: number, what: string): Promise<T> {
  const { root, env } = temporaryJupyter();
  try {
    const run = await runPython(
      [path.join(REPO_ROOT, "test", "kernel", script), path.join(REPO_ROOT, "test", "kernel", "fixtures"), ...args],
      env,
      timeoutMs,
    );
    assert.equal(run.code, 0, `${what} did not finish:\n${run.stderr}`);
    return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as T;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
