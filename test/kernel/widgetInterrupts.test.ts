/**
 * Interrupts and widget callbacks through a real kernel: an interrupt concerns the request it came
 * during (a cell or a widget message), never a later one, and it stops an `interact` run even when it
 * had to terminate the run's JavaScript.
 */
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { KernelHarness, REPO_ROOT } from "../../protocol/kernelHarness";
import type { JsonObject, Message } from "../../protocol/wire";
import { RunMarker } from "./runMarker";

interface WidgetState {
  _model_name?: string;
  outputs?: Array<{ output_type: string; ename?: string }>;
}

/** The comm ids of the widgets `request` opened whose model is `model`. */
function opened(kernel: KernelHarness, request: Message, model: string): string[] {
  return kernel.published
    .filter((m) => kernel.isChildOf(m, request) && m.header.msg_type === "comm_open")
    .filter((m) => ((m.content.data as { state?: WidgetState }).state ?? {})._model_name === model)
    .map((m) => String(m.content.comm_id));
}

/** A front end moving a control: protocol 2.1's update of one value. */
function move(kernel: KernelHarness, commId: string, value: number): Message {
  const data: JsonObject = { method: "update", state: { value }, buffer_paths: [] };
  return kernel.send("shell", "comm_msg", { comm_id: commId, data });
}

/** Runs a cell; returns its request (for the comms it opened) once it replied ok. */
async function runCell(kernel: KernelHarness, code: string): Promise<Message> {
  const request = kernel.send("shell", "execute_request", { code, silent: false, store_history: true });
  const reply = await kernel.waitForReply(request, 60_000);
  assert.equal(reply.content.status, "ok", `${String(reply.content.ename)}: ${String(reply.content.evalue)}`);
  await kernel.outputsOf(request);
  return request;
}

async function result(kernel: KernelHarness, code: string): Promise<string> {
  const { iopub } = await kernel.execute(code);
  const value = iopub.find((m) => m.header.msg_type === "execute_result");
  return String((value?.content.data as Record<string, string> | undefined)?.["text/plain"]);
}

describe("interrupts and widget callbacks", { timeout: 180_000 }, () => {
  let kernel: KernelHarness;

  before(async () => {
    kernel = await KernelHarness.start({ cwd: path.join(REPO_ROOT, "test", "kernel", "fixtures") });
    // The first cell waits for the TypeScript engine (seconds on a loaded machine): not a test's time.
    const { reply } = await kernel.execute(`import { widgets } from "optimlab";`, {}, 120_000);
    assert.equal(reply.content.status, "ok", String(reply.content.evalue));
  });

  after(async () => {
    await kernel?.close();
  });

  it("an interrupt pressed while idle does not reach a later slider callback", async () => {
    const cell = await runCell(
      kernel,
      [
        `const probe = (globalThis as any)[Symbol.for("optimlab.interruptPending")] as () => boolean;`,
        `const seenByCallback: boolean[] = [];`,
        `const probed = new widgets.IntSlider({ value: 0, min: 0, max: 10 });`,
        `probed.observe(() => void seenByCallback.push(probe()));`,
        `probed`,
      ].join("\n"),
    );
    const [slider] = opened(kernel, cell, "IntSliderModel");
    assert.ok(slider, "the slider's comm_open");
    const interrupt = await kernel.request("control", "interrupt_request", {});
    assert.equal(interrupt.reply.header.msg_type, "interrupt_reply");
    await kernel.outputsOf(move(kernel, slider, 3));
    // train.fit polls the same probe: true here made every fit in a slider's callback stop.
    assert.equal(await result(kernel, "seenByCallback"), "[ false ]");
  });

  it("stops an interact run stuck in a busy loop; the comm message goes idle and the next move runs", async () => {
    const marker = new RunMarker();
    const cell = await runCell(
      kernel,
      [
        `const stuck = widgets.interact(({ n }) => {`,
        `  if (n === 2) { ${marker.write}; for (;;) {} }`,
        `  return n * 10;`,
        `}, { n: new widgets.IntSlider({ value: 0, min: 0, max: 5 }) });`,
        `stuck`,
      ].join("\n"),
    );
    const [slider] = opened(kernel, cell, "IntSliderModel");
    const [output] = opened(kernel, cell, "OutputModel");
    assert.ok(slider && output, "the interact's slider and output");
    const busy = move(kernel, slider, 2);
    await marker.reached("the interact's busy loop");
    await kernel.request("control", "interrupt_request", {}, 10_000);
    // Before: the run's promise never settled, so this request never went idle.
    const outputs = await kernel.outputsOf(busy, 15_000);
    const shown = outputs
      .filter((m) => m.header.msg_type === "comm_msg" && m.content.comm_id === output)
      .flatMap((m) => ((m.content.data as { state?: WidgetState }).state?.outputs ?? []).map((o) => o.ename));
    assert.ok(shown.includes("KeyboardInterrupt"), `the Output shows the interrupt: ${JSON.stringify(shown)}`);
    // Once: the kernel's stderr line for a terminated callback would be captured into the Output too.
    const last = outputs
      .filter((m) => m.header.msg_type === "comm_msg" && m.content.comm_id === output)
      .map((m) => (m.content.data as { state?: WidgetState }).state?.outputs)
      .filter((o) => o !== undefined)
      .pop();
    assert.deepEqual(
      last?.map((o) => o.ename ?? o.output_type),
      ["KeyboardInterrupt"],
      JSON.stringify(last),
    );
    await kernel.outputsOf(move(kernel, slider, 4), 15_000);
    assert.equal(await result(kernel, "stuck.result"), "40");
  });
});
