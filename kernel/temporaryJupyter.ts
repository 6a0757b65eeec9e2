/**
 * A throwaway Jupyter data dir holding our kernelspec, for driving this build's kernel with
 * Jupyter's own clients (Python jupyter_client, nbclient) without touching the user's install:
 * the kernel tests and the kernel benchmarks use it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kernelArgv } from "../protocol/kernelHarness";
import { installKernelSpec } from "./install";
import { optimlabKernelJson } from "./kernelspecs";

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
