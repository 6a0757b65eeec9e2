// The client end shared by the kernel harness and the runner (protocol/kernelConnection.ts) against a
// fake kernel made of real ZeroMQ sockets: replies and IOPub messages reach whoever sent the request,
// badly signed messages are counted and skipped, and reply timeouts say which request went unanswered.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as zmq from "zeromq";
import { KernelConnection, noReplyMessage, type KernelConnectionOptions } from "../../protocol/kernelConnection";
import { newConnectionInfo } from "../../protocol/ports";
import { createMessage, deserialize, endpoint, serialize, Signer, type Message } from "../../protocol/wire";

/** A kernel that hands every shell request to the test, which answers by hand. */
async function fakeKernel() {
  const info = await newConnectionInfo("fake", { key: "fake-key" });
  const signer = new Signer(info.key, info.signature_scheme);
  const shell = new zmq.Router({ linger: 0 });
  const iopub = new zmq.Publisher({ linger: 0 });
  await shell.bind(endpoint(info, "shell"));
  await iopub.bind(endpoint(info, "iopub"));
  const kernel = {
    info,
    async nextRequest(): Promise<Message> {
      return deserialize(await shell.receive(), signer);
    },
    reply(request: Message, msgType: string, replySigner = signer): Promise<void> {
      return shell.send(serialize(createMessage(msgType, {}, { parent: request, session: "k" }), replySigner));
    },
    publish(request: Message, msgType: string): Promise<void> {
      return iopub.send(serialize(createMessage(msgType, {}, { parent: request, session: "k" }), signer));
    },
    close(): void {
      shell.close();
      iopub.close();
    },
  };
  return kernel;
}

async function connected(options: KernelConnectionOptions = {}) {
  const kernel = await fakeKernel();
  const client = new KernelConnection(kernel.info, { channels: ["shell"], ...options });
  return { kernel, client };
}

const open: Array<{ kernel: { close(): void }; client: KernelConnection }> = [];
after(() => {
  for (const { kernel, client } of open) {
    client.close();
    kernel.close();
  }
});

describe("KernelConnection", { timeout: 60_000 }, () => {
  it("routes each reply and IOPub message to the request it answers, whatever the order", async () => {
    const seen: string[] = [];
    const pair = await connected({ onAnyIopub: (m) => seen.push(m.header.msg_type) });
    open.push(pair);
    const { kernel, client } = pair;
    const first = client.message("first_request", {});
    const second = client.message("second_request", {});
    const firstReply = client.reply(first.header.msg_id);
    const secondReply = client.reply(second.header.msg_id);
    const secondIopub: string[] = [];
    client.listen(second.header.msg_id, (m) => secondIopub.push(m.header.msg_type));
    await client.send("shell", first);
    await client.send("shell", second);
    const [a, b] = [await kernel.nextRequest(), await kernel.nextRequest()];
    // The IOPub subscription joins asynchronously: publish until the listener hears one.
    while (secondIopub.length === 0) {
      await kernel.publish(b, "stream");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await kernel.publish(a, "status");
    await kernel.reply(b, "second_reply");
    await kernel.reply(a, "first_reply");
    assert.equal((await firstReply).header.msg_type, "first_reply");
    assert.equal((await secondReply).header.msg_type, "second_reply");
    assert.deepEqual(new Set(secondIopub), new Set(["stream"]));
    while (!seen.includes("status")) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(seen.includes("stream"), "onAnyIopub sees every IOPub message");
  });

  it("counts and skips a badly signed reply, then delivers the next good one", async () => {
    const pair = await connected();
    open.push(pair);
    const { kernel, client } = pair;
    const request = client.message("kernel_info_request", {});
    const reply = client.reply(request.header.msg_id);
    await client.send("shell", request);
    const received = await kernel.nextRequest();
    await kernel.reply(received, "forged_reply", new Signer("wrong-key", "hmac-sha256"));
    await kernel.reply(received, "kernel_info_reply");
    assert.equal((await reply).header.msg_type, "kernel_info_reply");
    assert.equal(client.droppedMessages, 1);
  });

  it("rejects a reply that does not come within the timeout, naming the request", async () => {
    const pair = await connected();
    open.push(pair);
    const { client } = pair;
    const request = client.message("execute_request", {});
    await client.send("shell", request);
    await assert.rejects(client.reply(request.header.msg_id, 50, "execute_request"), {
      message: noReplyMessage("execute_request", 50),
    });
  });

  it("keeps a reply that arrives before anyone waits for it only when asked to", async () => {
    for (const keepEarlyReplies of [true, false]) {
      const pair = await connected({ keepEarlyReplies });
      open.push(pair);
      const { kernel, client } = pair;
      const request = client.message("kernel_info_request", {});
      const control = client.message("control_probe", {});
      const probe = client.reply(control.header.msg_id);
      await client.send("shell", request);
      await client.send("shell", control);
      const early = await kernel.nextRequest();
      const late = await kernel.nextRequest();
      await kernel.reply(early, "kernel_info_reply");
      await kernel.reply(late, "probe_reply");
      await probe; // same socket, sent after: the early reply has been routed by now
      const reply = client.reply(request.header.msg_id, 200, "kernel_info_request");
      if (keepEarlyReplies) assert.equal((await reply).header.msg_type, "kernel_info_reply");
      else await assert.rejects(reply, { message: noReplyMessage("kernel_info_request", 200) });
    }
  });
});
