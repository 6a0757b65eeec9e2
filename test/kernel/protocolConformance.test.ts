/**
 * One protocol-conformance run through Debian's jupyter_client: test/kernel/protocol_conformance.py
 * starts one kernel and walks every message type it supports (kernel_info, execute with silent /
 * store_history / user_expressions / allow_stdin, errors, displays, stdin, inspect, complete,
 * is_complete, history, comms, interrupt, shutdown with restart), checking each message against the
 * fields of the Jupyter messaging spec 5.3, the parent headers, busy/idle order and (by
 * jupyter_client itself) the signatures. Each step is one test here. Skips without python3-jupyter-client.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { missingPython, runKernelScript } from "./jupyter";

interface StepResult {
  ok: boolean;
  detail: string;
}

/** Step name (protocol_conformance.py) → what it checks. */
const STEPS: { [name: string]: string } = {
  kernel_info: "kernel_info_reply has the spec's fields, a parent header, busy/idle",
  execute: "execute: busy → execute_input → stream → execute_result → idle, reply fields",
  silent_and_store_history: "silent and store_history: no execute_input/result, the count unchanged",
  user_expressions: "user_expressions are evaluated after the cell (ok with data, error with its fields)",
  error: "a thrown error: error on IOPub, execute_reply with ename/evalue/traceback",
  display: "display_data and update_display_data with transient display_id",
  stdin: "input_request / input_reply on stdin; without allow_stdin an error",
  inspect_complete_is_complete: "inspect_reply, complete_reply, is_complete_reply fields and verdicts",
  history: "history_reply for tail, search and range",
  comms: "comm_open / comm_msg / comm_close / comm_info_request, unknown target closed",
  interrupt: "interrupt_request on control: interrupt_reply, the cell ends with KeyboardInterrupt",
  shutdown_restart: "shutdown_request with restart: reply echoes it and the kernel exits",
};

describe("protocol conformance through jupyter_client (one kernel, every message type)", { timeout: 600_000 }, () => {
  let results: { [name: string]: StepResult } | undefined;
  let skip: string | undefined;

  before(async () => {
    skip = missingPython();
    if (skip) return;
    results = await runKernelScript<{ [name: string]: StepResult }>(
      "protocol_conformance.py",
      [],
      550_000,
      "the conformance run",
    );
    assert.ok(!results.start, `the kernel did not start: ${results.start?.detail}`);
  });

  it("runs every step the script defines (none left unlisted here)", (t) => {
    if (skip) return t.skip(skip);
    assert.deepEqual(Object.keys(results ?? {}).sort(), Object.keys(STEPS).sort());
  });

  for (const [name, title] of Object.entries(STEPS)) {
    it(title, (t) => {
      if (skip) return t.skip(skip);
      const result = results?.[name];
      assert.ok(result, `step ${name} did not report`);
      assert.ok(result.ok, `${name}: ${result.detail}`);
      t.diagnostic(result.detail);
    });
  }
});
