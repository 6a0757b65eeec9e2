/**
 * Same notebooks, two executors: `optimlab test` and Jupyter's reference (`jupyter nbconvert
 * --execute`, i.e. nbclient) must agree on every cell's outcome and on its text outputs.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { runNotebooks } from "../../runner/batch";
import { KERNEL_NAME, optimlabKernelJson } from "../../kernel/kernelspecs";
import { readNotebook, type Notebook } from "../../runner/notebook";
import { outputsText } from "../../runner/regression";
import { isInputError, type RunEntry } from "../../runner/report";
import { copyNotebooks, pythonKernelMissing, typescriptKernelMissing } from "./helpers";

const PYTHON_NOTEBOOKS = ["passing", "error", "raises"];
const TYPESCRIPT_NOTEBOOKS = ["raises"];

function nbconvertMissing(): string | undefined {
  const probe = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
  return probe.status === 0 ? undefined : "jupyter nbconvert is not installed (apt-get install jupyter-nbconvert)";
}

/** Per code cell: "skipped", "ok" or "error:<ename>", plus its comparable text outputs. */
function outcomes(notebook: Notebook): { outcome: string; text: string }[] {
  return notebook.cells.flatMap((cell) => {
    if (cell.cell_type !== "code") return [];
    const error = cell.outputs.find((output) => output.output_type === "error");
    const outcome =
      cell.execution_count === null && cell.outputs.length === 0
        ? "skipped"
        : error?.output_type === "error"
          ? `error:${error.ename}`
          : "ok";
    return [{ outcome, text: outputsText(cell.outputs) }];
  });
}

/** Runs nbconvert on `files` (output in `outDir`) while `ours` runs in this process. */
function nbconvert(
  files: string[],
  outDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      "jupyter",
      ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--output-dir", outDir, ...files],
      { stdio: ["ignore", "ignore", "pipe"], env },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) => resolve({ code, stderr }));
  });
}

function assertSameOutcomes(names: string[], ours: RunEntry[], referenceDir: string): void {
  ours.forEach((entry, index) => {
    const name = names[index];
    assert.ok(!isInputError(entry), name);
    const expected = outcomes(readNotebook(path.join(referenceDir, `${name}.ipynb`)));
    const actual = outcomes(entry.notebook);
    assert.ok(expected.some((cell) => cell.outcome !== "ok") || name === "passing", `${name} exercises failures`);
    assert.deepEqual(actual, expected, `${name}.ipynb`);
  });
}

describe(
  "optimlab test agrees with jupyter nbconvert --execute",
  { skip: nbconvertMissing(), concurrency: true },
  () => {
    it("on the python3 kernel: same cell outcomes and text outputs", { skip: pythonKernelMissing() }, async () => {
      const { dir, files } = copyNotebooks("python", PYTHON_NOTEBOOKS);
      const reference = path.join(dir, "nbconvert");
      const [ours, theirs] = await Promise.all([
        runNotebooks(files, { allowErrors: true, jobs: 2 }),
        nbconvert(files, reference),
      ]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assertSameOutcomes(PYTHON_NOTEBOOKS, ours, reference);
    });

    it(
      "on our TypeScript kernel: same cell outcomes and text outputs",
      { skip: typescriptKernelMissing() },
      async () => {
        const { dir, files } = copyNotebooks("typescript", TYPESCRIPT_NOTEBOOKS);
        // nbconvert only sees installed kernelspecs: install ours into a private JUPYTER_PATH.
        const jupyterPath = path.join(dir, "jupyter");
        fs.mkdirSync(path.join(jupyterPath, "kernels", KERNEL_NAME), { recursive: true });
        fs.writeFileSync(
          path.join(jupyterPath, "kernels", KERNEL_NAME, "kernel.json"),
          JSON.stringify(optimlabKernelJson()),
        );
        const reference = path.join(dir, "nbconvert");
        const [ours, theirs] = await Promise.all([
          runNotebooks(files, { allowErrors: true }),
          nbconvert(files, reference, { ...process.env, JUPYTER_PATH: jupyterPath }),
        ]);
        assert.equal(theirs.code, 0, theirs.stderr);
        assertSameOutcomes(TYPESCRIPT_NOTEBOOKS, ours, reference);
      },
    );
  },
);
