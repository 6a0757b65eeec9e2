import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMessage, type JsonObject } from "../../protocol/wire";
import { DisplayRegistry, OutputCollector } from "../../runner/outputs";

const msg = (type: string, content: JsonObject) => createMessage(type, content, { session: "s" });

describe("OutputCollector", () => {
  it("merges consecutive chunks of the same stream, not of different streams", () => {
    const collector = new OutputCollector(new DisplayRegistry());
    collector.handle(msg("stream", { name: "stdout", text: "a" }));
    collector.handle(msg("stream", { name: "stdout", text: "b\n" }));
    collector.handle(msg("stream", { name: "stderr", text: "e\n" }));
    collector.handle(msg("stream", { name: "stdout", text: "c\n" }));
    collector.finish();
    collector.handle(msg("stream", { name: "stdout", text: "d\n" }));
    assert.deepEqual(collector.finish(), [
      { output_type: "stream", name: "stdout", text: "ab\n" },
      { output_type: "stream", name: "stderr", text: "e\n" },
      { output_type: "stream", name: "stdout", text: "c\nd\n" },
    ]);
  });

  it("clears at once, or on the next output with wait=true", () => {
    const collector = new OutputCollector(new DisplayRegistry());
    collector.handle(msg("stream", { name: "stdout", text: "old\n" }));
    collector.handle(msg("clear_output", { wait: true }));
    assert.equal(collector.finish().length, 1, "wait=true keeps the output until something new arrives");
    collector.handle(msg("stream", { name: "stdout", text: "new\n" }));
    assert.deepEqual(collector.finish(), [{ output_type: "stream", name: "stdout", text: "new\n" }]);
    collector.handle(msg("clear_output", { wait: false }));
    assert.deepEqual(collector.finish(), []);
  });

  it("updates displays with the same display_id, in earlier cells too", () => {
    const displays = new DisplayRegistry();
    const first = new OutputCollector(displays);
    first.handle(
      msg("display_data", { data: { "text/plain": "v1" }, metadata: {}, transient: { display_id: "progress" } }),
    );
    first.handle(
      msg("display_data", { data: { "text/plain": "other" }, metadata: {}, transient: { display_id: "x" } }),
    );
    const second = new OutputCollector(displays);
    second.handle(
      msg("display_data", { data: { "text/plain": "v1" }, metadata: {}, transient: { display_id: "progress" } }),
    );
    second.handle(
      msg("update_display_data", {
        data: { "text/plain": "v2" },
        metadata: { m: 1 },
        transient: { display_id: "progress" },
      }),
    );
    assert.deepEqual(
      first.finish().map((o) => (o.output_type === "display_data" ? o.data["text/plain"] : null)),
      ["v2", "other"],
    );
    assert.deepEqual(second.finish()[0], {
      output_type: "display_data",
      data: { "text/plain": "v2" },
      metadata: { m: 1 },
    });
  });

  it("stops updating a display once its output was cleared", () => {
    const displays = new DisplayRegistry();
    const collector = new OutputCollector(displays);
    collector.handle(
      msg("display_data", { data: { "text/plain": "v1" }, metadata: {}, transient: { display_id: "d" } }),
    );
    collector.handle(msg("clear_output", { wait: false }));
    assert.equal(displays.update("d", { "text/plain": "v2" }, {}), 0);
  });

  it("records execute results with their count and errors with their traceback", () => {
    const collector = new OutputCollector(new DisplayRegistry());
    collector.handle(msg("execute_result", { data: { "text/plain": "42" }, metadata: {}, execution_count: 3 }));
    collector.handle(msg("error", { ename: "RangeError", evalue: "bad", traceback: ["line 1", "line 2"] }));
    assert.deepEqual(collector.finish(), [
      { output_type: "execute_result", data: { "text/plain": "42" }, metadata: {}, execution_count: 3 },
      { output_type: "error", ename: "RangeError", evalue: "bad", traceback: ["line 1", "line 2"] },
    ]);
  });

  it("stays linear on many small stream chunks", () => {
    const collector = new OutputCollector(new DisplayRegistry());
    const started = Date.now();
    for (let i = 0; i < 200_000; i++) collector.handle(msg("stream", { name: "stdout", text: "0123456789\n" }));
    const [output] = collector.finish();
    assert.equal(output.output_type === "stream" && output.text.length, 2_200_000);
    assert.ok(Date.now() - started < 5000);
  });
});
