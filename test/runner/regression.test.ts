import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Output } from "../../runner/notebook";
import {
  compareOutputs,
  lineDiff,
  outputsText,
  parseSanitizers,
  regressionMessages,
  stripAnsi,
} from "../../runner/regression";

describe("sanitizers", () => {
  it("parses `regex => replacement` lines, skipping comments", () => {
    const sanitizers = parseSanitizers("# timings\n\\d+\\.\\d+ s => <TIME>\n0x[0-9a-f]+ => <ADDR>\n");
    assert.equal(sanitizers.length, 2);
    assert.equal(
      outputsText(
        [{ output_type: "stream", name: "stdout", text: "done at 12:00\n" }],
        parseSanitizers(" at \\d\\d:\\d\\d =>"),
      ),
      "[stdout]\ndone\n",
    );
    assert.equal(
      outputsText([{ output_type: "stream", name: "stdout", text: "took 1.25 s at 0xdeadbeef\n" }], sanitizers),
      "[stdout]\ntook <TIME> at <ADDR>\n",
    );
  });

  it("names the line of a bad sanitizer", () => {
    assert.throws(() => parseSanitizers("ok => x\nno arrow here", "s.txt"), {
      message: regressionMessages.badSanitizerLine("s.txt", 2),
    });
    assert.throws(() => parseSanitizers("( => x", "s.txt"), { message: /^s\.txt:1: invalid regular expression/ });
  });
});

describe("compareOutputs", () => {
  const stored: Output[] = [
    { output_type: "stream", name: "stdout", text: "loss 0.5\nstep 2\n" },
    { output_type: "display_data", data: { "text/plain": "<Figure>", "image/png": "AAA" }, metadata: {} },
    { output_type: "execute_result", data: { "text/plain": "42" }, metadata: {}, execution_count: 7 },
  ];

  it("ignores images and execution counts", () => {
    const rerun: Output[] = [
      { output_type: "stream", name: "stdout", text: "loss 0.5\nstep 2\n" },
      { output_type: "display_data", data: { "text/plain": "<Figure>", "image/png": "BBB" }, metadata: {} },
      { output_type: "execute_result", data: { "text/plain": "42" }, metadata: {}, execution_count: 1 },
    ];
    assert.equal(compareOutputs(stored, rerun, []), undefined);
  });

  it("shows a line diff of what changed", () => {
    const rerun: Output[] = [
      { output_type: "stream", name: "stdout", text: "loss 0.7\nstep 2\n" },
      stored[1],
      stored[2],
    ];
    assert.equal(
      compareOutputs(stored, rerun, []),
      "  [stdout]\n- loss 0.5\n+ loss 0.7\n  step 2\n  [display_data text/plain]\n  …",
    );
  });

  it("passes once a sanitizer removes the varying part", () => {
    const rerun: Output[] = [
      { output_type: "stream", name: "stdout", text: "loss 0.7\nstep 2\n" },
      stored[1],
      stored[2],
    ];
    assert.equal(compareOutputs(stored, rerun, parseSanitizers("loss \\d\\.\\d+ => loss <X>")), undefined);
  });
});

describe("lineDiff", () => {
  it("is empty for equal texts and elides far context", () => {
    assert.equal(lineDiff("a\nb", "a\nb"), "");
    assert.equal(lineDiff("1\n2\n3\n4\n5\n6\n7", "1\n2\n3\n4\n5\n6\nX", 1), "  …\n  6\n- 7\n+ X");
  });

  it("strips ANSI colour codes", () => {
    assert.equal(stripAnsi("\u001b[0;31mValueError\u001b[0m: x"), "ValueError: x");
  });
});
