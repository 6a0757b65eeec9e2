/**
 * Helpers for tests that let Jupyter's own Python client drive our kernel: is Debian's
 * jupyter_client there, a temporary Jupyter data dir with our kernelspec, and running python3.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installKernelSpec } from "../../kernel/install";
import { optimlabKernelJson } from "../../kernel/kernelspecs";
import { kernelArgv } from "./client";

export const PYTHON = "/usr/bin/python3";

export function missingPython(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is not installed (apt-get install python3-nbclient jupyter-client)`;
  const probe = spawnSync(PYTHON, ["-c", "import nbclient, nbformat, jupyter_client"], { encoding: "utf8" });
  if (probe.status !== 0)
    return `nbclient is not importable by ${PYTHON} (apt-get install python3-nbclient jupyter-client): ${probe.stderr.trim().split("\n").at(-1)}`;
  return undefined;
}

/** A temporary Jupyter data dir holding our kernelspec, and the environment pointing at it. */
export function temporaryJupyter(): { root: string; env: NodeJS.ProcessEnv; specDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-jupyter-"));
  const env = {
    ...process.env,
    JUPYTER_DATA_DIR: path.join(root, "data"),
    JUPYTER_PATH: path.join(root, "data"),
    JUPYTER_RUNTIME_DIR: path.join(root, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(root, "config"),
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const specDir = installKernelSpec();
    if (__filename.endsWith(".ts")) {
      // From TypeScript sources (no build yet): the same spec, started through tsx.
      const spec = { ...optimlabKernelJson(), argv: kernelArgv("{connection_file}") };
      fs.writeFileSync(path.join(specDir, "kernel.json"), JSON.stringify(spec, null, 2));
    }
    return { root, env, specDir };
  } finally {
    process.env = saved;
  }
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
