/**
 * The programmatic API on an in-memory notebook: hooks in nbclient's order, --kernel override,
 * timeouts from notebook metadata and the whole-notebook deadline, input never mutated.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { executeNotebook, type CellResult } from "../../runner";
import type { Notebook } from "../../runner/notebook";
import { pythonKernelMissing } from "./helpers";

function notebook(sources: string[], metadata: Notebook["metadata"] = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: "not-installed", display_name: "?", language: "python" }, ...metadata },
    cells: sources.map((source) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null })),
  };
}

describe("executeNotebook API on the python3 kernel", { skip: pythonKernelMissing() }, () => {
  it("calls hooks in order, honours metadata execution.timeout and the notebook deadline", async () => {
    const events: string[] = [];
    const withMetadataTimeout = notebook(["print('one')", "import time\ntime.sleep(30)"], {
      execution: { timeout: 1 },
    });
    const snapshot = JSON.stringify(withMetadataTimeout);
    const withDeadline = notebook(["import time\ntime.sleep(60)"]);
    const [a, b] = await Promise.all([
      executeNotebook(withMetadataTimeout, {
        kernel: "python3",
        timeout: 30,
        interruptGrace: 2,
        onNotebookStart: ({ kernelName, codeCells }) => events.push(`notebook ${kernelName} ${codeCells}`),
        onCellStart: (_cell, { number }) => events.push(`start ${number}`),
        onCellExecuted: (_cell, result: CellResult) => events.push(`executed ${result.number} ${result.status}`),
        onCellError: (_cell, result: CellResult) => events.push(`error ${result.number} ${result.failure?.kind}`),
      }),
      executeNotebook(withDeadline, { kernel: "python3", notebookTimeout: 10, interruptGrace: 2 }),
    ]);
    assert.deepEqual(events, [
      "notebook python3 2",
      "start 1",
      "executed 1 passed",
      "start 2",
      "executed 2 failed",
      "error 2 timeout",
    ]);
    assert.match(
      a.cells[1].failure?.summary ?? "",
      /\(limit 1 s\)/,
      "metadata execution.timeout beats options.timeout",
    );
    assert.equal(JSON.stringify(withMetadataTimeout), snapshot, "the input notebook is not mutated");
    assert.equal(a.notebook.nbformat_minor, 5);
    assert.equal(b.ok, false);
    assert.equal(b.cells[0].failure?.kind, "notebook-timeout");
    assert.match(b.cells[0].failure?.summary ?? "", /notebook deadline of 10 s passed/);
    assert.ok(b.seconds < 10 + 2 + 3, `deadline respected (${b.seconds} s)`);
  });
});
