/**
 * The programmatic API on an in-memory notebook: hooks in nbclient's order, --kernel override,
 * timeouts from notebook metadata and the whole-notebook deadline, input never mutated.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { findKernelSpec } from "../../kernel/kernelspecs";
import { executeNotebook, type CellResult } from "../../runner";
import { NotebookError, serializeNotebook, type Notebook } from "../../runner/notebook";
import { parameterMessages, unsafeNumberMessage } from "../../runner/parameters";
import { tagMessages } from "../../runner/tags";
import { pythonKernelMissing } from "./helpers";

function notebook(sources: string[], metadata: Notebook["metadata"] = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: "not-installed", display_name: "?", language: "python" }, ...metadata },
    cells: sources.map((source) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null })),
  };
}

describe("executeNotebook API: bad input found while planning", () => {
  // The optimlab kernelspec is always available, and nothing here gets as far as starting it.
  const typescript = (sources: string[]): Notebook => {
    const input = notebook(sources);
    input.metadata.kernelspec = { name: "optimlab", display_name: "optimlab", language: "typescript" };
    return input;
  };

  it("throws NotebookError for a bad timeout tag, naming the cell by number and id", async () => {
    const input = typescript(["let a = 1;", "let b = 2;"]);
    Object.assign(input.cells[1], { id: "slow-cell", metadata: { tags: ["timeout=abc"] } });
    await assert.rejects(
      executeNotebook(input),
      (error) =>
        error instanceof NotebookError &&
        error.message === tagMessages.badTimeout("timeout=abc", "<notebook>: cell 2 (id slow-cell)"),
    );
  });

  it("throws NotebookError for parameters of the wrong type or not finite", async () => {
    const input = typescript(["let lr = 0.1;"]);
    input.cells[0].metadata = { tags: ["parameters"] };
    const cases: [Record<string, number | string>, string][] = [
      [{ lr: "abc" }, parameterMessages.typeMismatch("lr", "number", "0.1", "abc")],
      [{ lr: Infinity }, unsafeNumberMessage("lr", "Infinity")],
    ];
    for (const [parameters, message] of cases) {
      await assert.rejects(
        executeNotebook(input, { parameters }),
        (error) => error instanceof NotebookError && error.message === message,
        message,
      );
    }
  });
});

describe("executeNotebook API on the python3 kernel", { skip: pythonKernelMissing() }, () => {
  it("holds SIGINT, SIGTERM and SIGHUP only while a kernel is live, then leaves them to the host", async () => {
    const signals = ["SIGINT", "SIGTERM", "SIGHUP", "exit"] as const;
    const counts = () => signals.map((signal) => process.listenerCount(signal));
    const before = counts();
    let during: number[] = [];
    const result = await executeNotebook(notebook(["1 + 1"]), {
      kernel: "python3",
      onCellStart: () => {
        during = counts();
      },
    });
    assert.equal(result.ok, true, result.error);
    assert.deepEqual(
      during,
      before.map((count) => count + 1),
      "one handler each while the kernel runs",
    );
    assert.deepEqual(counts(), before, "none left after the run: a host's SIGTERM handler is the only one");
  });

  it("calls hooks in order, honours metadata execution.timeout and the notebook deadline", async () => {
    const events: string[] = [];
    const withMetadataTimeout = notebook(["print('one')", "import time\ntime.sleep(30)"], {
      execution: { timeout: 1 },
    });
    const snapshot = JSON.stringify(withMetadataTimeout);
    // The deadline counts from the run's start, the kernel's start included (seconds on a loaded
    // CI machine, once more than 10): 20 s leaves the cell the time to be the one it stops.
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
      executeNotebook(withDeadline, { kernel: "python3", notebookTimeout: 20, interruptGrace: 2 }),
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
    assert.equal(b.cells[0].failure?.kind, "notebook-timeout", b.error);
    assert.match(b.cells[0].failure?.summary ?? "", /notebook deadline of 20 s passed/);
    assert.ok(b.seconds < 20 + 2 + 3, `deadline respected (${b.seconds} s)`);
  });

  it("metadata execution.timeout -1 or null means no per-cell timeout (nbclient, nbmake), beating --timeout", async () => {
    const results = await Promise.all(
      [-1, null].map((timeout) =>
        executeNotebook(notebook(["import time\ntime.sleep(2.5)\nprint('done')"], { execution: { timeout } }), {
          kernel: "python3",
          timeout: 1,
        }),
      ),
    );
    for (const [n, result] of results.entries()) {
      assert.deepEqual(
        result.cells.map((cell) => [cell.status, cell.failure?.summary]),
        [["passed", undefined]],
        `timeout ${[-1, null][n]}`,
      );
    }
  });

  it("says the notebook deadline passed while the kernel was starting (not the startup timeout)", async () => {
    // Before: "did not answer kernel_info_request within 0.3 s (raise --startup-timeout …)", the
    // wrong limit to raise. No Python kernel is ready 0.3 s after its launch.
    const result = await executeNotebook(notebook(["print('never')"]), { kernel: "python3", notebookTimeout: 0.3 });
    assert.equal(result.ok, false);
    assert.equal(result.cells[0].status, "not-run");
    assert.match(
      result.error ?? "",
      /^The notebook deadline of 0\.3 s passed while kernel "python3" was starting; no cell ran \(raise --notebook-timeout\)/,
    );
  });

  it("clears the outputs and execution counts an earlier run left in cells that did not run this time", async () => {
    const stale = (text: string, count: number) => ({
      outputs: [{ output_type: "stream" as const, name: "stdout" as const, text: [text] }],
      execution_count: count,
    });
    const input = notebook(["print('one')", "1/0", "print('three')", "print('four')"]);
    const cells = input.cells as Extract<Notebook["cells"][number], { cell_type: "code" }>[];
    Object.assign(cells[0], stale("STALE-1\n", 41));
    Object.assign(cells[2], stale("STALE-3\n", 43), { metadata: { execution: { "iopub.status.busy": "old" } } });
    Object.assign(cells[3], stale("STALE-4\n", 44), { metadata: { tags: ["skip-execution"] } });
    const result = await executeNotebook(input, { kernel: "python3" });
    assert.deepEqual(
      result.cells.map((cell) => cell.status),
      ["passed", "failed", "not-run", "not-run"],
    );
    const written = result.notebook.cells as typeof cells;
    assert.deepEqual(written[0].outputs, [{ output_type: "stream", name: "stdout", text: "one\n" }]);
    assert.deepEqual(written[2].outputs, [], "a cell that did not run keeps no old output");
    assert.equal(written[2].execution_count, null);
    assert.equal(written[2].metadata.execution, undefined, "nor old timings");
    assert.deepEqual(written[3].outputs, cells[3].outputs, "a skip-execution cell is left as it was");
    assert.equal(written[3].execution_count, 44);
  });

  it("--check-outputs compares a cell's outputs after the whole run, when later cells updated its display", async () => {
    const input = notebook([
      "from IPython.display import display, update_display\nhandle = display('v1', display_id='d1')",
      "update_display('v2', display_id='d1')",
    ]);
    const first = input.cells[0] as Extract<Notebook["cells"][number], { cell_type: "code" }>;
    const stored = (text: string) => [
      { output_type: "display_data" as const, data: { "text/plain": text }, metadata: {} },
    ];
    first.outputs = stored("'v2'"); // what `run` writes: the display as the last update left it
    const same = await executeNotebook(input, { kernel: "python3", checkOutputs: true });
    assert.deepEqual(
      same.cells.map((cell) => [cell.status, cell.failure?.summary]),
      [
        ["passed", undefined],
        ["passed", undefined],
      ],
    );
    first.outputs = stored("'v3'");
    const errors: number[] = [];
    const changed = await executeNotebook(input, {
      kernel: "python3",
      checkOutputs: true,
      onCellError: (_cell, result) => errors.push(result.number),
    });
    assert.equal(changed.cells[0].failure?.kind, "output-mismatch");
    assert.match(changed.cells[0].failure?.details ?? "", /- 'v3'\n.*\+ 'v2'/s);
    assert.deepEqual(errors, [1]);
    assert.equal(changed.ok, false);
  });

  it("fills a kernelspec's missing display_name, which nbformat requires", async () => {
    const input = notebook(["1"], { kernelspec: { name: "python3" } });
    const result = await executeNotebook(input, {});
    assert.deepEqual(result.notebook.metadata.kernelspec, {
      name: "python3",
      display_name: findKernelSpec("python3")?.spec.display_name,
    });
    const validate = spawnSync(
      "/usr/bin/python3",
      ["-c", "import sys, nbformat\nnbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4))"],
      { input: serializeNotebook(result.notebook), encoding: "utf8" },
    );
    assert.equal(validate.stderr, "");
    assert.equal(validate.status, 0);
  });
});
