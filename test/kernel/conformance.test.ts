/**
 * Conformance with Jupyter's own Python client: install our kernelspec into a temporary Jupyter
 * path, let `jupyter kernelspec list` find it, and run a notebook through nbclient.
 * Skips (with the reason) where Debian's python3-nbclient / jupyter-client are not installed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { KERNEL_DISPLAY_NAME } from "../../kernel/kernelspecs";
import { REPO_ROOT } from "../../protocol/kernelHarness";
import { missingPython, runPython } from "./jupyter";
import { temporaryJupyter } from "../../kernel/temporaryJupyter";

const JUPYTER = "/usr/bin/jupyter";

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string;
  data?: { [mime: string]: unknown };
  execution_count?: number;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

describe("Jupyter client conformance (nbclient)", { timeout: 240_000 }, () => {
  it("is listed by `jupyter kernelspec list` and runs a notebook through nbclient", async (t) => {
    const missing = missingPython();
    if (missing) {
      t.skip(missing);
      return;
    }
    const { root, env, specDir } = temporaryJupyter();
    try {
      if (fs.existsSync(JUPYTER)) {
        const listed = await runPython([JUPYTER, "kernelspec", "list", "--json"], env, 60_000);
        assert.equal(listed.code, 0, listed.stderr);
        const specs = JSON.parse(listed.stdout) as {
          kernelspecs: { [name: string]: { resource_dir: string; spec: { display_name: string } } };
        };
        assert.equal(specs.kernelspecs.optimlab.resource_dir, specDir);
        assert.equal(specs.kernelspecs.optimlab.spec.display_name, KERNEL_DISPLAY_NAME);
      }

      const notebook = path.join(root, "conformance.ipynb");
      fs.copyFileSync(path.join(REPO_ROOT, "test", "kernel", "fixtures", "conformance.ipynb"), notebook);
      const run = await runPython(
        [path.join(REPO_ROOT, "test", "kernel", "run_notebook.py"), notebook, "optimlab"],
        env,
        200_000,
      );
      assert.equal(run.code, 0, `nbclient failed:\n${run.stderr}`);
      const result = JSON.parse(run.stdout) as {
        language_info: { name: string; file_extension: string };
        cells: Array<{ execution_count: number; outputs: NotebookOutput[] }>;
      };
      assert.equal(result.language_info.name, "typescript");
      assert.equal(result.language_info.file_extension, ".ts");
      const [streams, value, rich, failure, afterError] = result.cells;

      assert.deepEqual(
        streams.outputs.map((o) => [o.output_type, o.name, o.text]),
        [
          ["stream", "stdout", "hello from stdout\n"],
          ["stream", "stderr", "hello from stderr\n"],
        ],
      );
      assert.deepEqual(value.outputs, [
        {
          output_type: "execute_result",
          execution_count: value.execution_count,
          data: { "text/plain": "42" },
          metadata: {},
        },
      ]);
      assert.equal(rich.outputs.length, 1);
      assert.equal(rich.outputs[0].output_type, "display_data");
      assert.deepEqual(Object.keys(rich.outputs[0].data ?? {}).sort(), ["text/html", "text/markdown", "text/plain"]);
      assert.equal(failure.outputs[0].output_type, "error");
      assert.equal(failure.outputs[0].ename, "Error");
      assert.equal(failure.outputs[0].evalue, "expected failure");
      assert.equal(afterError.outputs[0].output_type, "execute_result");
      assert.equal(afterError.outputs[0].data?.["text/markdown"], "# after the error");
      assert.deepEqual(
        result.cells.map((c) => c.execution_count),
        [1, 2, 3, 4, 5],
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
