/**
 * The fault suite on Debian's python3 kernel: tests the runner's logic (timeouts, interrupts, death,
 * tags, parameters, output handling) independently of our own TypeScript kernel.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { runNotebooks } from "../../runner/batch";
import { isAlive } from "../../runner/cleanup";
import { executeNotebook, type CellResult, type NotebookResult } from "../../runner/execute";
import { joinSource, type Output } from "../../runner/notebook";
import { isInputError } from "../../runner/report";
import { notebookPath, pythonKernelMissing } from "./helpers";

const SUITE = ["passing", "error", "infinite-loop", "kernel-exit", "raises", "cell-timeout-tag"];

function text(outputs: Output[]): string {
  return outputs.map((output) => (output.output_type === "stream" ? joinSource(output.text) : "")).join("");
}

describe("fault suite on the python3 kernel", { skip: pythonKernelMissing() }, () => {
  const results = new Map<string, NotebookResult>();
  let parameters: NotebookResult;
  /** When the runner reported each dead kernel (onCellError hook), to measure detection delay. */
  const deathReportedAt: number[] = [];
  const onCellError = (_cell: unknown, result: CellResult) => {
    if (result.failure?.kind === "kernel-died") deathReportedAt.push(Date.now());
  };

  before(async () => {
    const [entries, withParameters] = await Promise.all([
      runNotebooks(
        SUITE.map((name) => notebookPath("python", name)),
        { jobs: 3, timeout: 3, interruptGrace: 3, onCellError },
      ),
      executeNotebook(notebookPath("python", "parameters"), { parameters: { lr: 0.5, name: "adam" } }),
    ]);
    entries.forEach((entry, index) => {
      assert.ok(!isInputError(entry), `${SUITE[index]} loaded`);
      results.set(SUITE[index], entry);
    });
    parameters = withParameters;
  });

  // A notebook whose kernel would not start has every cell not-run: its `error` says why (shown
  // in the assertion, so a failure under load says what happened).
  const statuses = (name: string) => {
    const result = results.get(name) as NotebookResult;
    const kinds = result.cells.map((cell) => cell.failure?.kind ?? cell.status);
    return result.error === undefined ? kinds : [...kinds, `notebook error: ${result.error}`];
  };

  it("runs a passing notebook: streams, results, clear_output, display updates, skip tag, cwd", () => {
    const result = results.get("passing") as NotebookResult;
    assert.equal(result.ok, true);
    assert.deepEqual(statuses("passing"), ["passed", "passed", "passed", "passed", "skipped"]);
    const [first, display, cleared, update] = result.notebook.cells
      .filter((cell) => cell.cell_type === "code")
      .map((cell) => (cell.cell_type === "code" ? cell : null));
    assert.deepEqual(first?.outputs, [
      { output_type: "stream", name: "stdout", text: "hello\nworld\n" },
      { output_type: "stream", name: "stderr", text: "to stderr\n" },
      { output_type: "execute_result", data: { "text/plain": "42" }, metadata: {}, execution_count: 1 },
    ]);
    assert.equal(first?.execution_count, 1);
    assert.deepEqual(Object.keys(first?.metadata.execution ?? {}), [
      "iopub.status.busy",
      "iopub.execute_input",
      "shell.execute_reply",
      "iopub.status.idle",
    ]);
    assert.deepEqual(cleared?.outputs, [{ output_type: "stream", name: "stdout", text: "after clear\n" }]);
    const shown = display?.outputs[0];
    assert.equal(
      shown?.output_type === "display_data" && shown.data["text/plain"],
      "'updated'",
      "update_display_data reached the earlier cell",
    );
    assert.equal(
      text(update?.outputs ?? []),
      path.dirname(notebookPath("python", "passing")) + "\n",
      "kernel runs in the notebook's folder",
    );
  });

  it("fails on a raised error, shows source, streams and traceback, and runs nothing after it", () => {
    assert.deepEqual(statuses("error"), ["passed", "error", "not-run"]);
    const failure = (results.get("error") as NotebookResult).cells[1].failure;
    assert.equal(
      failure?.summary,
      `cell 2 (id ${(results.get("error") as NotebookResult).cells[1].id}) raised ValueError: bad value 1`,
    );
    assert.match(
      failure?.details ?? "",
      /---- source ----\nprint\('about to fail'\)\nraise ValueError[^\n]*\n---- stdout ----\nabout to fail\n---- traceback ----\n/,
    );
  });

  it("interrupts an infinite loop at the timeout and reports where it was stuck", () => {
    assert.deepEqual(statuses("infinite-loop"), ["passed", "timeout", "not-run"]);
    const cell = (results.get("infinite-loop") as NotebookResult).cells[1];
    assert.match(
      cell.failure?.summary ?? "",
      /timed out after \d+\.\d s \(limit 3 s\); it was interrupted, then the kernel was stopped/,
    );
    assert.ok(cell.seconds >= 3 && cell.seconds < 6, `elapsed ${cell.seconds} s`);
    assert.match(
      cell.failure?.details ?? "",
      /---- source ----\ni = 0\nwhile True:\n {4}i \+= 1\n… \(2 lines\) …\n# never reached\n# really never\n# the end\n/,
    );
    assert.match(cell.failure?.details ?? "", /KeyboardInterrupt/);
  });

  it("detects a dead kernel at once, with exit code and its last stderr lines", () => {
    assert.deepEqual(statuses("kernel-exit"), ["passed", "kernel-died", "not-run"]);
    const cell = (results.get("kernel-exit") as NotebookResult).cells[1];
    assert.match(cell.failure?.summary ?? "", /The kernel died while cell 2 \(id [\w-]+\) was running \(exit code 3\)/);
    assert.match(cell.failure?.details ?? "", /---- kernel stderr \(last lines\) ----\n(.*\n)*kernel says goodbye/);
    const diedAt = Number(/kernel says goodbye at (\d+)/.exec(cell.failure?.details ?? "")?.[1]);
    assert.equal(deathReportedAt.length, 1);
    assert.ok(deathReportedAt[0] - diedAt < 2000, `reported ${deathReportedAt[0] - diedAt} ms after the kernel exited`);
  });

  it("makes raises-exception strict and checks the named error", () => {
    assert.deepEqual(statuses("raises"), ["passed", "passed", "no-exception", "wrong-exception", "passed"]);
    const cells = (results.get("raises") as NotebookResult).cells;
    assert.match(
      cells[3].failure?.summary ?? "",
      /should raise KeyError but raised IndexError: list index out of range/,
    );
    assert.equal(results.get("raises")?.ok, false);
  });

  it("lets a timeout=N tag override --timeout", () => {
    assert.deepEqual(statuses("cell-timeout-tag"), ["timeout"]);
    assert.match((results.get("cell-timeout-tag") as NotebookResult).cells[0].failure?.summary ?? "", /\(limit 1 s\)/);
  });

  it("injects parameters right after the parameters cell as Python literals", () => {
    assert.equal(parameters.ok, true);
    const cells = parameters.notebook.cells;
    assert.deepEqual(cells[1].metadata.tags, ["injected-parameters"]);
    assert.equal(joinSource(cells[1].source), '# Parameters injected by optimlab\nlr = 0.5\nname = "adam"');
    assert.equal(text(parameters.cells[2].outputs), "lr=0.5 name=adam steps=[1, 2] type=float\n");
  });

  it("leaves no kernel process behind", () => {
    for (const result of [...results.values(), parameters]) {
      assert.ok(result.kernelPid, `${result.path} started a kernel${result.error ? ` (${result.error})` : ""}`);
      assert.equal(isAlive(result.kernelPid), false, `${result.path}'s kernel is gone`);
    }
  });
});
