/**
 * Helpers for tests that let Jupyter's own Python client drive our kernel: is Debian's
 * jupyter_client there, and running python3. The temporary Jupyter data dir with our kernelspec
 * is kernel/temporaryJupyter.ts (the benchmarks use it too).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";

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
