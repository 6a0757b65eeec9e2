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
import type { NotebookResult } from "../../runner/execute";
import { readNotebook, type Notebook } from "../../runner/notebook";
import { outputsText } from "../../runner/regression";
import { copyNotebooks, pythonKernelMissing } from "./helpers";

const NOTEBOOKS = ["passing", "error", "raises"];

function nbconvertMissing(): string | undefined {
  const probe = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
  return probe.status === 0 ? undefined : "jupyter nbconvert is not installed (apt-get install jupyter-nbconvert)";
}

/** Per code cell: "skipped", "ok" or "error:<ename>", plus its comparable text outputs. */
function outcomes(notebook: Notebook): { outcome: string; text: string }[] {
  return notebook.cells.flatMap((cell) => {
    if (cell.cell_type !== "code") return [];
    const error = cell.outputs.find((output) => output.output_type === "error");
    const outcome = cell.execution_count === null && cell.outputs.length === 0 ? "skipped" : error?.output_type === "error" ? `error:${error.ename}` : "ok";
    return [{ outcome, text: outputsText(cell.outputs) }];
  });
}

describe("optimlab test agrees with jupyter nbconvert --execute", { skip: pythonKernelMissing() ?? nbconvertMissing() }, () => {
  it("gives the same cell outcomes and text outputs on the python3 kernel", async () => {
    const { dir, files } = copyNotebooks("python", NOTEBOOKS);
    const reference = path.join(dir, "nbconvert");
    // Both executors run at once: nbconvert in a child process, ours in this one.
    const nbconvert = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--output-dir", reference, ...files], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("exit", (code) => resolve({ code, stderr }));
    });
    const [ours, theirs] = await Promise.all([runNotebooks(files, { allowErrors: true, jobs: 2 }), nbconvert]);
    assert.equal(theirs.code, 0, theirs.stderr);
    ours.forEach((entry, index) => {
      const name = NOTEBOOKS[index];
      const expected = outcomes(readNotebook(path.join(reference, `${name}.ipynb`)));
      const actual = outcomes((entry as NotebookResult).notebook);
      assert.ok(expected.some((cell) => cell.outcome !== "ok") || name === "passing", `${name} exercises failures`);
      assert.deepEqual(actual, expected, `${name}.ipynb`);
    });
    assert.ok(fs.existsSync(reference));
  });
});
