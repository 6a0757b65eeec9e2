/**
 * The fault suite on our own TypeScript kernel (kernelspec "optimlab", started from dist/ through
 * bin/optimlab.js): the kernel's first cell pays for the TypeScript compiler's warm-up, so cell
 * timeouts here are set by cell tags rather than a short --timeout.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runNotebooks } from "../../runner/batch";
import { isAlive } from "../../runner/cleanup";
import { executeNotebook, type CellResult, type NotebookResult } from "../../runner/execute";
import { joinSource, type Output } from "../../runner/notebook";
import { isInputError } from "../../runner/report";
import { notebookPath, typescriptKernelMissing } from "./helpers";

const SUITE = ["passing", "thrown-error", "infinite-loop", "process-exit", "raises", "async-print", "huge-output"];

function stdout(outputs: Output[]): string {
  return outputs
    .map((output) => (output.output_type === "stream" && output.name === "stdout" ? joinSource(output.text) : ""))
    .join("");
}

describe("fault suite on the optimlab TypeScript kernel", { skip: typescriptKernelMissing() }, () => {
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
        SUITE.map((name) => notebookPath("typescript", name)),
        { jobs: 2, interruptGrace: 1, onCellError },
      ),
      executeNotebook(notebookPath("typescript", "parameters"), { parameters: { lr: 0.5, name: "adam", steps: [3] } }),
    ]);
    entries.forEach((entry, index) => {
      assert.ok(!isInputError(entry), `${SUITE[index]}: ${isInputError(entry) ? entry.error : ""}`);
      results.set(SUITE[index], entry);
    });
    parameters = withParameters;
  });

  const result = (name: string) => results.get(name) as NotebookResult;
  const statuses = (name: string) => result(name).cells.map((cell) => cell.failure?.kind ?? cell.status);
  /** Asserts a notebook's cell statuses; on a mismatch the message carries the notebook's own error
   * (a kernel that never started leaves every cell "not-run", and only that error says why). */
  const assertStatuses = (name: string, expected: string[]) =>
    assert.deepEqual(statuses(name), expected, `${name}: ${result(name).error ?? "no notebook-level error"}`);

  it("runs a passing notebook and honours skip-execution", () => {
    assert.equal(result("passing").ok, true, result("passing").error);
    assertStatuses("passing", ["passed", "skipped"]);
    const outputs = result("passing").cells[0].outputs;
    assert.equal(stdout(outputs), "hello\nworld\n");
    assert.ok(outputs.some((output) => output.output_type === "execute_result" && output.data["text/plain"] === "42"));
  });

  it("reports a thrown error with its ename and stops", () => {
    assertStatuses("thrown-error", ["passed", "error", "not-run"]);
    assert.match(result("thrown-error").cells[1].failure?.summary ?? "", /raised RangeError: bad value 1$/);
    assert.match(
      result("thrown-error").cells[1].failure?.details ?? "",
      /---- stdout ----\nabout to fail\n---- traceback ----\n/,
    );
  });

  it("stops a kernel stuck in a synchronous loop: interrupted if it can be, else killed after the grace", () => {
    assertStatuses("infinite-loop", ["passed", "timeout", "not-run"]);
    const cell = result("infinite-loop").cells[1];
    const summary = cell.failure?.summary ?? "";
    assert.match(summary, /timed out after \d+\.\d s \(limit 3 s\); /);
    if (summary.endsWith("it was interrupted, then the kernel was stopped")) {
      assert.match(cell.failure?.details ?? "", /---- traceback ----/, "an interrupted cell shows where it was");
    } else {
      assert.match(summary, /the kernel did not respond to the interrupt and was killed$/);
    }
    assert.ok(cell.seconds < 3 + 1 + 2, `elapsed ${cell.seconds} s`);
    assert.match(cell.failure?.details ?? "", /while \(true\) \{/);
  });

  it("answers a cell's process.exit(3) and reports the kernel dead, with its exit code, at the next cell", () => {
    // As IPython's exit(): the exiting cell is answered first (docs/kernel.md), then the kernel is gone.
    assertStatuses("process-exit", ["passed", "passed", "kernel-died"]);
    const cell = result("process-exit").cells[2];
    // The kernel closes its control thread's sockets before exiting, so the exit code survives.
    assert.match(cell.failure?.summary ?? "", /\(exit code 3\)$/);
    assert.match(cell.failure?.details ?? "", /kernel says goodbye/);
    const diedAt = Number(/kernel says goodbye at (\d+)/.exec(cell.failure?.details ?? "")?.[1]);
    assert.equal(deathReportedAt.length, 1);
    assert.ok(deathReportedAt[0] - diedAt < 2000, `reported ${deathReportedAt[0] - diedAt} ms after the kernel exited`);
  });

  it("makes raises-exception strict and compares the ename", () => {
    assertStatuses("raises", ["passed", "passed", "no-exception", "wrong-exception", "passed"]);
    assert.match(result("raises").cells[3].failure?.summary ?? "", /should raise RangeError but raised SyntaxError/);
  });

  it("keeps output printed after an await and by a timer that fires before the cell ends", () => {
    assertStatuses("async-print", ["passed", "passed"]);
    assert.equal(stdout(result("async-print").cells[0].outputs), "printed after an await\n");
    assert.equal(stdout(result("async-print").cells[1].outputs), "late timer\n");
  });

  it("collects huge outputs completely", () => {
    assertStatuses("huge-output", ["passed", "passed"]);
    const [lines, repeated] = result("huge-output").cells.map((cell) => stdout(cell.outputs));
    assert.equal(lines.split("\n").length, 100_001);
    assert.ok(lines.endsWith("line 99999\n"));
    assert.equal(repeated.length, 2000 * 1001);
  });

  it("injects typed TypeScript parameters that later cells see", () => {
    assert.equal(parameters.ok, true, parameters.cells.find((cell) => cell.failure)?.failure?.details);
    assert.equal(
      joinSource(parameters.notebook.cells[1].source),
      '// Parameters injected by optimlab\nlet lr = 0.5;\nconst name: "sgd" | "adam" = "adam";\nlet steps: number[] = [3];',
    );
    assert.equal(stdout(parameters.cells[2].outputs), "lr=0.5 name=adam steps=[3] type=number\n");
  });

  it("leaves no kernel process behind", () => {
    for (const entry of [...results.values(), parameters])
      assert.equal(isAlive(entry.kernelPid as number), false, `${entry.path}'s kernel is gone`);
  });
});
