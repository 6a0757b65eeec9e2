import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  display,
  getDisplaySink,
  html,
  inNotebook,
  md,
  setDisplaySink,
  updateWithoutIdMessage,
  rawBundleMessage,
  type MimeBundle,
} from "../../src/display";

type Sent = { bundle: MimeBundle; displayId?: string; update: boolean; metadata: { [key: string]: unknown } };

function recordingSink(): { sent: Sent[]; pending: Promise<unknown>[] } {
  const sent: Sent[] = [];
  const pending: Promise<unknown>[] = [];
  setDisplaySink({ display: (bundle, options) => sent.push({ bundle, ...options }), track: (p) => pending.push(p) });
  return { sent, pending };
}

function captureStdout(run: () => void): string {
  const original = process.stdout.write;
  let text = "";
  process.stdout.write = (chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  };
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

describe("display", () => {
  afterEach(() => setDisplaySink(undefined));

  it("prints text/plain to stdout outside a notebook", () => {
    assert.equal(inNotebook(), false);
    assert.equal(
      captureStdout(() => display(html("<b>x</b>"))),
      "<b>x</b>\n",
    );
    assert.equal(
      captureStdout(() => display({ n: 1 })),
      "{ n: 1 }\n",
    );
  });

  it("sends the formatted bundle to the kernel's sink, with metadata", () => {
    const { sent } = recordingSink();
    assert.equal(inNotebook(), true);
    const result = display(md("**hi**"), { metadata: { isolated: true } });
    assert.equal(result, undefined, "no handle (and so no execute_result) without a displayId");
    assert.deepEqual(sent, [
      {
        bundle: { "text/markdown": "**hi**", "text/plain": "**hi**" },
        displayId: undefined,
        update: false,
        metadata: { isolated: true },
      },
    ]);
  });

  it("sends raw bundles unchanged and rejects non-objects", () => {
    const { sent } = recordingSink();
    display({ "text/plain": "t", "application/json": { a: 1 } }, { raw: true });
    assert.deepEqual(sent[0].bundle, { "text/plain": "t", "application/json": { a: 1 } });
    assert.throws(() => display("text", { raw: true }), { message: rawBundleMessage("text") });
  });

  it("returns a handle that updates the output with the same display id", () => {
    const { sent } = recordingSink();
    const handle = display("step 1", { displayId: "progress" });
    handle.update("step 2");
    assert.equal(handle.displayId, "progress");
    assert.deepEqual(
      sent.map((s) => [s.bundle["text/plain"], s.displayId, s.update]),
      [
        ["'step 1'", "progress", false],
        ["'step 2'", "progress", true],
      ],
    );
    display("step 3", { displayId: "progress", update: true });
    assert.equal(sent[2].update, true);
    assert.throws(() => display("x", { update: true }), { message: updateWithoutIdMessage });
  });

  it("tracks async display methods so the kernel can wait for them", async () => {
    const { sent, pending } = recordingSink();
    display({
      async [Symbol.for("Jupyter.display")]() {
        return { "text/html": "<i>later</i>" };
      },
    });
    assert.equal(sent.length, 0);
    assert.equal(pending.length, 1);
    await Promise.all(pending);
    assert.equal(sent[0].bundle["text/html"], "<i>later</i>");
    assert.equal(typeof sent[0].bundle["text/plain"], "string");
    assert.equal(getDisplaySink() !== undefined, true);
  });
});
