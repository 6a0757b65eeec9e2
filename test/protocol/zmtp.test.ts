// Our ZMTP sockets (protocol/zmtpSocket.ts) against real libzmq peers (zeromq.js), the codec fed in
// arbitrary chunks, and the reason they exist: the kernel's control thread must not load ZeroMQ's addon.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as zmq from "zeromq";
import {
  encodeCommand,
  encodeMessage,
  encodeReady,
  FrameReader,
  greeting,
  MAX_MESSAGE_BYTES,
  ZmtpError,
} from "../../protocol/zmtpCodec";
import { ZmtpSocket } from "../../protocol/zmtpSocket";

const text = (frames: Buffer[]): string[] => frames.map((frame) => frame.toString());

async function bound(type: "ROUTER" | "REP", options = {}): Promise<{ socket: ZmtpSocket; address: string }> {
  const socket = new ZmtpSocket(type, options);
  await socket.bind("tcp://127.0.0.1:0");
  return { socket, address: `tcp://127.0.0.1:${socket.port}` };
}

/** The next message from our socket's iterator. */
async function next(socket: ZmtpSocket): Promise<Buffer[]> {
  const result = await socket[Symbol.asyncIterator]().next();
  assert.equal(result.done, false);
  return result.value as Buffer[];
}

describe("ZMTP codec", () => {
  it("reassembles the greeting, commands and short and long frames fed one byte at a time", () => {
    const long = Buffer.alloc(70_000, 7);
    const stream = Buffer.concat([
      greeting(),
      encodeReady({ "Socket-Type": "DEALER", Identity: "abc" }),
      encodeMessage([Buffer.from("a"), long, Buffer.alloc(0)]),
      encodeMessage([Buffer.from("z")]),
    ]);
    const reader = new FrameReader();
    const seen: string[] = [];
    let greeted = false;
    for (const byte of stream) {
      const { greeting: peer, received } = reader.push(Buffer.from([byte]));
      if (peer) greeted = true;
      for (const item of received) {
        seen.push(item.kind === "command" ? item.command.name : item.frames.map((f) => f.length).join(","));
      }
    }
    assert.ok(greeted);
    assert.deepEqual(seen, ["READY", `1,${long.length},0`, "1"]);
  });

  it("refuses a frame that claims more than the message limit, before buffering it", () => {
    const header = Buffer.alloc(9);
    header[0] = 0x02; // LONG
    header.writeBigUInt64BE(BigInt(MAX_MESSAGE_BYTES) + 1n, 1);
    const reader = new FrameReader();
    reader.push(greeting());
    assert.throws(() => reader.push(header), ZmtpError);
  });

  it("encodes commands as libzmq expects: flags 0x04, name length, name, data", () => {
    const bytes = [0x04, 6, 4, ...Buffer.from("PONGx")];
    assert.deepEqual([...encodeCommand("PONG", Buffer.from("x"))], bytes);
  });
});

describe("ZmtpSocket with libzmq peers", () => {
  it("ROUTER: receives with the peer's announced id, answers it, and carries long frames both ways", async () => {
    const { socket, address } = await bound("ROUTER");
    const dealer = new zmq.Dealer({ routingId: "session-1" });
    dealer.connect(address);
    try {
      const big = Buffer.alloc(300_000, 3);
      await dealer.send(["<IDS|MSG>", big]);
      const [id, delimiter, body] = await next(socket);
      assert.equal(id.toString(), "session-1");
      assert.equal(delimiter.toString(), "<IDS|MSG>");
      assert.equal(body.length, big.length);
      socket.send([id, Buffer.from("reply"), big]);
      const reply = await dealer.receive();
      assert.equal(reply[0].toString(), "reply");
      assert.ok(reply[1].equals(big));
    } finally {
      dealer.close();
      await socket.close();
    }
  });

  it("ROUTER: peers without an id get distinct generated ones and are answered separately", async () => {
    const { socket, address } = await bound("ROUTER");
    const first = new zmq.Dealer();
    const second = new zmq.Dealer();
    first.connect(address);
    second.connect(address);
    try {
      await first.send("one");
      const [idOne] = await next(socket);
      await second.send("two");
      const [idTwo] = await next(socket);
      assert.equal(idOne.length, 5);
      assert.equal(idOne[0], 0, "generated ids start with a zero byte, as libzmq's");
      assert.ok(!idOne.equals(idTwo));
      socket.send([idTwo, Buffer.from("for two")]);
      socket.send([idOne, Buffer.from("for one")]);
      assert.deepEqual(text(await first.receive()), ["for one"]);
      assert.deepEqual(text(await second.receive()), ["for two"]);
      // A message for a peer that is gone is dropped, as libzmq's ROUTER does.
      socket.send([Buffer.from("nobody"), Buffer.from("lost")]);
    } finally {
      first.close();
      second.close();
      await socket.close();
    }
  });

  it("REP: answers REQ peers in order with their envelope (the heartbeat)", async () => {
    const { socket, address } = await bound("REP");
    const echo = (async () => {
      for await (const frames of socket) socket.send(frames);
    })();
    const request = new zmq.Request();
    request.connect(address);
    try {
      for (const payload of ["ping", "ping again"]) {
        await request.send(payload);
        assert.deepEqual(text(await request.receive()), [payload]);
      }
    } finally {
      request.close();
      await socket.close();
      await echo;
    }
  });

  it("refuses a peer of an incompatible type and keeps serving the others", async () => {
    const lines: string[] = [];
    const { socket, address } = await bound("ROUTER", { log: (line: string) => lines.push(line) });
    const publisher = new zmq.Publisher();
    publisher.connect(address);
    const dealer = new zmq.Dealer({ routingId: "ok" });
    dealer.connect(address);
    try {
      await dealer.send("still served");
      const [id, body] = await next(socket);
      assert.equal(id.toString(), "ok");
      assert.equal(body.toString(), "still served");
      for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(lines.join("\n"), /a PUB peer cannot talk to ROUTER/);
    } finally {
      publisher.close();
      dealer.close();
      await socket.close();
    }
  });

  it("serves ipc:// endpoints", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "zmtp-")), "control");
    const socket = new ZmtpSocket("ROUTER");
    await socket.bind(`ipc://${file}`);
    const dealer = new zmq.Dealer({ routingId: "ipc-peer" });
    dealer.connect(`ipc://${file}`);
    try {
      await dealer.send("over ipc");
      assert.deepEqual(text(await next(socket)), ["ipc-peer", "over ipc"]);
    } finally {
      dealer.close();
      await socket.close();
    }
  });

  it("close() with a linger delivers what was sent just before it", async () => {
    const { socket, address } = await bound("ROUTER", { lingerMs: 1000 });
    const dealer = new zmq.Dealer({ routingId: "late" });
    dealer.connect(address);
    try {
      await dealer.send("hello");
      const [id] = await next(socket);
      const last = Buffer.alloc(1 << 20, 9);
      socket.send([id, Buffer.from("shutdown_reply"), last]);
      await socket.close();
      const reply = await dealer.receive();
      assert.equal(reply[0].toString(), "shutdown_reply");
      assert.equal(reply[1].length, last.length);
    } finally {
      dealer.close();
    }
  });

  it("rejects endpoints it cannot bind with a message that says the accepted forms", async () => {
    await assert.rejects(
      () => new ZmtpSocket("ROUTER").bind("udp://1.2.3.4:5"),
      /use tcp:\/\/host:port or ipc:\/\/path/,
    );
  });
});

describe("the kernel's control thread", () => {
  it("does not load ZeroMQ's native addon (it aborts the process when a worker using it exits)", () => {
    const probe = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `require(${JSON.stringify(path.resolve(__dirname, "../../kernel/controlThread.ts"))});
         console.log(Object.keys(require.cache).filter((file) => /[\\\\/]zeromq[\\\\/]/.test(file)).join("\\n"));`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(probe.status, 0, probe.stderr);
    assert.equal(probe.stdout.trim(), "", `zeromq modules loaded by controlThread.ts:\n${probe.stdout}`);
  });
});
