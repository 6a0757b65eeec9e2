/**
 * Output published by a cell's synchronous code reaches the client while that code still runs (a
 * learner's hand-written loop printing its loss), not when the loop ends.
 *
 * No timing thresholds: the cell spins until a file appears that the test creates only after it has
 * received the output, so the cell can only end "released" if the output left during the loop. A
 * kernel that holds the output back makes the cell give up at its deadline and print "timed out".
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { executeContent, KernelHarness } from "../../protocol/kernelHarness";
import { STREAM_BURST, STREAM_RATE } from "../../kernel/output";
import type { JsonObject, Message } from "../../protocol/wire";

/** How long a cell spins waiting for the test's file: only reached when the output was held back. */
const SPIN_DEADLINE_MS = 30_000;
/** How long the test waits for a message or reply: past the cell's deadline, so a failure reads "timed out". */
const WAIT_MS = SPIN_DEADLINE_MS + 30_000;

const streamText = (messages: Message[], name: "stdout" | "stderr"): string =>
  messages
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => String(m.content.text))
    .join("");
const stdoutText = (messages: Message[]): string => streamText(messages, "stdout");

/** Cell lines that spin (synchronously, holding the main thread) until `file` exists or the deadline passes. */
const spinUntil = (file: string, label: string): string[] => [
  `{`,
  `  const deadline = Date.now() + ${SPIN_DEADLINE_MS};`,
  `  let released = false;`,
  `  while (!released && Date.now() < deadline) released = require("node:fs").existsSync(${JSON.stringify(file)});`,
  `  console.log(released ? "${label} released" : "${label} timed out");`,
  `}`,
];

describe("output while synchronous code runs", { timeout: 240_000 }, () => {
  let kernel: KernelHarness;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-live-output-"));
    kernel = await KernelHarness.start();
    // The first cell waits for the TypeScript engine (seconds on a loaded machine): not a test's time.
    await kernel.execute("0", { silent: true }, 120_000);
  });

  after(async () => {
    await kernel?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `code`; each step waits for an IOPub child of the request, then creates that step's file. */
  async function runReleasing(
    code: string,
    steps: Array<{ seen: (message: Message) => boolean; release: string }>,
  ): Promise<{ reply: Message; iopub: Message[] }> {
    const request = kernel.send("shell", "execute_request", executeContent(code));
    for (const step of steps) {
      await kernel.waitForIopub((m) => kernel.isChildOf(m, request) && step.seen(m), WAIT_MS);
      fs.writeFileSync(step.release, "");
    }
    const reply = await kernel.waitForReply(request, WAIT_MS);
    return { reply, iopub: await kernel.outputsOf(request, WAIT_MS) };
  }

  it("sends console.log and process.stdout.write text before a busy loop ends, in order", async () => {
    const release = path.join(dir, "stream");
    const code = [`console.log("starting");`, `process.stdout.write("raw write\\n");`, ...spinUntil(release, "loop")];
    const { reply, iopub } = await runReleasing(code.join("\n"), [
      {
        seen: (m) => m.header.msg_type === "stream" && stdoutText([m]).includes("raw write"),
        release,
      },
    ]);
    assert.equal(reply.content.status, "ok");
    assert.equal(stdoutText(iopub), "starting\nraw write\nloop released\n");
    // The order on IOPub is unchanged: busy, execute_input, the streams, idle.
    const kinds = iopub.map((m) =>
      m.header.msg_type === "status" ? `status ${String(m.content.execution_state)}` : m.header.msg_type,
    );
    assert.deepEqual([kinds[0], kinds[1], kinds.at(-1)], ["status busy", "execute_input", "status idle"]);
    assert.deepEqual(new Set(kinds.slice(2, -1)), new Set(["stream"]));
  });

  it("sends display_data published from synchronous code before the code ends", async () => {
    const first = path.join(dir, "display-1");
    const second = path.join(dir, "display-2");
    const code = [
      `console.log("before");`,
      ...spinUntil(first, "stream"),
      `display({ "text/plain": "live display" }, { raw: true });`,
      ...spinUntil(second, "display"),
    ];
    const { reply, iopub } = await runReleasing(code.join("\n"), [
      { seen: (m) => m.header.msg_type === "stream" && stdoutText([m]).includes("before"), release: first },
      { seen: (m) => m.header.msg_type === "display_data", release: second },
    ]);
    assert.equal(reply.content.status, "ok");
    assert.equal(stdoutText(iopub), "before\nstream released\ndisplay released\n");
    const kinds = iopub.map((m) => m.header.msg_type);
    // The stream written before the display comes before it; the one written after, after it.
    const display = kinds.indexOf("display_data");
    assert.ok(stdoutText(iopub.slice(0, display)) === "before\nstream released\n", kinds.join(", "));
  });

  it("merges a flood of writes from a synchronous loop into few messages, losing no text", async () => {
    const lines = 20_000;
    const started = performance.now();
    const { reply, iopub } = await kernel.execute(
      `for (let i = 0; i < ${lines}; i++) console.log("line " + i);`,
      {},
      WAIT_MS,
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(reply.content.status, "ok");
    const expected = Array.from({ length: lines }, (_, i) => `line ${i}\n`).join("");
    assert.equal(stdoutText(iopub), expected);
    // The cell ran for less than `seconds` (measured around it here): the budget's bound, plus the
    // end-of-turn flush.
    const streams = iopub.filter((m) => m.header.msg_type === "stream").length;
    assert.ok(streams <= STREAM_BURST + STREAM_RATE * seconds + 1, `${streams} stream messages in ${seconds} s`);
  });

  it("sends a flood of display updates within the budget, the latest one last", async () => {
    // Before: one update_display_data per update, however many (5,000 here), far past what Jupyter
    // Server forwards; only a display's latest update matters, so the ones held back are replaced.
    const updates = 5_000;
    const started = performance.now();
    const { reply, iopub } = await kernel.execute(
      `const progress = display("0", { displayId: "flood" });\nfor (let i = 1; i <= ${updates}; i++) progress?.update(String(i));`,
      {},
      WAIT_MS,
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(reply.content.status, "ok");
    const sent = iopub.filter((m) => m.header.msg_type === "update_display_data");
    assert.ok(sent.length <= STREAM_BURST + STREAM_RATE * seconds + 1, `${sent.length} updates in ${seconds} s`);
    assert.deepEqual((sent[sent.length - 1].content.data as JsonObject)["text/plain"], `'${updates}'`);
  });

  it("merges a flood that alternates stdout and stderr too, losing no text of either", async () => {
    // Before: a write to the other stream sent the gathered text at once, outside the budget: 40,000
    // messages for this loop, more than a client's receive queue holds (its idle was lost too).
    const lines = 20_000;
    const started = performance.now();
    const { reply, iopub } = await kernel.execute(
      `for (let i = 0; i < ${lines}; i++) { console.log("out " + i); console.error("err " + i); }`,
      {},
      WAIT_MS,
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(reply.content.status, "ok");
    assert.equal(streamText(iopub, "stdout"), Array.from({ length: lines }, (_, i) => `out ${i}\n`).join(""));
    assert.equal(streamText(iopub, "stderr"), Array.from({ length: lines }, (_, i) => `err ${i}\n`).join(""));
    // Each flush sends at most one message per stream.
    const streams = iopub.filter((m) => m.header.msg_type === "stream").length;
    assert.ok(streams <= 2 * (STREAM_BURST + STREAM_RATE * seconds + 1), `${streams} stream messages in ${seconds} s`);
  });
});
