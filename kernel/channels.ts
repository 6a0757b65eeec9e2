/**
 * The kernel's five ZeroMQ sockets, bound where the connection file says.
 *
 * shell is a ROUTER socket on the main thread (requests carry the client's routing id); iopub an
 * XPUB socket, so the kernel sees each new subscription and greets it with `iopub_welcome` (protocol
 * 5.4: a client knows its subscription is live without polling kernel_info). control, stdin and hb
 * live in a worker thread (controlThread.ts) so they keep working while a cell blocks the main thread;
 * they are our own ZMTP sockets (protocol/zmtpSocket.ts), because ZeroMQ's addon stays on this thread.
 * Incoming frames are verified and parsed with protocol/wire.ts; a message that fails (bad or replayed
 * signature, malformed) is logged to stderr and dropped, never thrown. Sends are handed to ZeroMQ in
 * the call (`sendNow`), so output leaves while a cell's synchronous code still runs.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import * as zmq from "zeromq";
import type { ControlThreadData, StopReason, ToControlThread, ToMain } from "./controlThread";
import { INSPECTOR_DETACHED, InterruptState } from "./interrupts";
import { droppedMessageLog, kernelLog } from "./output";
import { createStdinShared, type StdinShared } from "./stdin";
import {
  deserialize,
  endpoint,
  serialize,
  Signer,
  type Channel,
  type ConnectionInfo,
  type Message,
} from "../protocol/wire";

export type RequestChannel = "shell" | "control";

export interface ChannelEvents {
  /** A valid request on shell or control. */
  message(message: Message, channel: RequestChannel): void;
  /** The control thread forwarded an interrupt (the main thread acknowledges by handling it). */
  interrupt(): void;
  /** A shutdown request or the parent's death: stop now. */
  stop(reason: StopReason): void;
  /** A client subscribed to IOPub (topic as given, usually ""). */
  subscribed(topic: string): void;
}

/** How long the exit handler waits for the control thread to close its inspector session. */
const DETACH_WAIT_MS = 500;

export class KernelChannels {
  readonly signer: Signer;
  readonly interrupts = new InterruptState();
  readonly stdin: StdinShared = createStdinShared();
  // sendTimeout 0: every send() hands its message to libzmq in the call (see `sendNow`).
  private readonly shell = new zmq.Router({ linger: 1000, sendTimeout: 0 });
  private readonly iopub = new zmq.XPublisher({ linger: 1000, sendTimeout: 0 });
  private controlThread: Worker | undefined;
  private events: ChannelEvents | undefined;
  private closed = false;

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
  }

  /** Binds all sockets; rejects when a port is taken (the caller exits with that message). */
  async bind(): Promise<void> {
    const binds: Array<[Channel, zmq.Socket]> = [
      ["shell", this.shell],
      ["iopub", this.iopub],
    ];
    await Promise.all([
      ...binds.map(async ([channel, socket]) => {
        const address = endpoint(this.info, channel);
        try {
          await socket.bind(address);
        } catch (error) {
          throw new Error(`Cannot bind the ${channel} socket to ${address}: ${(error as Error).message}`);
        }
      }),
      this.startControlThread(),
    ]);
  }

  /** Starts controlThread.ts (compiled .js, or .ts under tsx) and waits until its sockets are bound. */
  private startControlThread(): Promise<void> {
    const parent = Number(process.env.JPY_PARENT_PID);
    const workerData: ControlThreadData = {
      info: this.info,
      interruptFlags: this.interrupts.flags,
      stdin: this.stdin,
      ...(Number.isInteger(parent) && parent > 1 ? { parentPid: parent } : {}),
    };
    const worker = __filename.endsWith(".ts")
      ? // Running from sources under tsx (tests): loader hooks do not reach workers, so register tsx there.
        new Worker(
          `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(path.join(__dirname, "controlThread.ts"))});`,
          { eval: true, workerData },
        )
      : new Worker(path.join(__dirname, "controlThread.js"), { workerData });
    this.controlThread = worker;
    return new Promise((resolve, reject) => {
      worker.on("message", (message: ToMain) => {
        switch (message.kind) {
          case "ready":
            worker.unref(); // from now on the main thread's sockets decide when the process ends
            process.once("exit", () => this.detachInspector());
            resolve();
            return;
          case "error":
            reject(new Error(message.message));
            return;
          case "message":
            this.receiveControl(message.frames);
            return;
          case "interrupt":
            this.events?.interrupt();
            return;
          case "stop":
            this.events?.stop(message.reason);
            return;
        }
      });
      worker.once("error", (error) => {
        kernelLog(`control thread failed: ${error.stack ?? error.message}`);
        reject(error);
      });
    });
  }

  /**
   * At the process's exit (a cell's `process.exit()`, or any other), closes the control thread's
   * inspector session first: while a session connected to the main thread is open, Node prints
   * "Waiting for the debugger to disconnect..." as it exits. The exit handler must be synchronous,
   * so it waits on the shared flag, briefly: the thread only has to read one message.
   */
  private detachInspector(): void {
    if (this.closed || this.controlThread === undefined) return; // close() already ended the thread
    this.controlThread.postMessage({ kind: "detachInspector" } satisfies ToControlThread);
    Atomics.wait(this.interrupts.flags, INSPECTOR_DETACHED, 0, DETACH_WAIT_MS);
  }

  private sigintCount = 0;

  /** This process got a SIGINT: the control thread decides whether it is new (see controlThread.ts). */
  reportSigint(): void {
    this.sigintCount += 1;
    this.controlThread?.postMessage({ kind: "sigint", count: this.sigintCount } satisfies ToControlThread);
  }

  private receiveControl(frames: Uint8Array[]): void {
    let message: Message;
    try {
      // Replays were already rejected by the control thread.
      message = deserialize(
        frames.map((frame) => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)),
        this.signer,
      );
    } catch (error) {
      kernelLog(droppedMessageLog("control", (error as Error).message));
      return;
    }
    this.events?.message(message, "control");
  }

  /** Starts the receive loops. */
  listen(events: ChannelEvents): void {
    this.events = events;
    void this.receiveShell(events);
    void this.receiveSubscriptions(events);
  }

  private async receiveShell(events: ChannelEvents): Promise<void> {
    try {
      for await (const frames of this.shell) {
        let message: Message;
        try {
          message = deserialize(frames, this.signer, { rejectReplays: true });
        } catch (error) {
          kernelLog(droppedMessageLog("shell", (error as Error).message));
          continue;
        }
        try {
          events.message(message, "shell");
        } catch (error) {
          kernelLog(`handler for ${message.header.msg_type} failed: ${(error as Error).stack ?? String(error)}`);
        }
      }
    } catch (error) {
      if (!this.closed) kernelLog(`shell socket stopped: ${(error as Error).message}`);
    }
  }

  /** XPUB: each subscription arrives as a frame `\x01<topic>` (`\x00<topic>`: unsubscribed). */
  private async receiveSubscriptions(events: ChannelEvents): Promise<void> {
    try {
      for await (const [frame] of this.iopub) {
        if (frame.length > 0 && frame[0] === 1) events.subscribed(frame.subarray(1).toString("utf8"));
      }
    } catch (error) {
      if (!this.closed) kernelLog(`iopub socket stopped: ${(error as Error).message}`);
    }
  }

  /** Sends a reply on shell or control (routed back by the message's identities). */
  send(channel: RequestChannel, message: Message): Promise<void> {
    const frames = serialize(message, this.signer);
    if (channel === "control") {
      if (!this.closed) this.controlThread?.postMessage({ kind: "send", frames } satisfies ToControlThread);
      return Promise.resolve();
    }
    return this.sendNow(this.shell, frames);
  }

  /** Sends an input_request on stdin (through the control thread, which also receives the reply). */
  requestInput(message: Message): void {
    if (this.closed) return;
    const frames = serialize(message, this.signer);
    this.controlThread?.postMessage({ kind: "input", frames, msgId: message.header.msg_id } satisfies ToControlThread);
  }

  /** Publishes on IOPub; the topic frame is `kernel.<session>.<msg_type>` like ipykernel's. */
  publish(message: Message, topic = `kernel.${message.header.session}.${message.header.msg_type}`): Promise<void> {
    return this.sendNow(this.iopub, serialize({ ...message, identities: [Buffer.from(topic)] }, this.signer));
  }

  /**
   * Hands `frames` to ZeroMQ now, in the caller's turn; libzmq's I/O thread then transmits them without
   * this thread's event loop, so what a busy loop publishes leaves while it spins, in call order.
   * Nothing ever waits, so nothing is queued here: ROUTER and XPUB drop a message for a peer whose
   * queue is full instead of blocking (zmq_socket(7), "action in mute state"), and sendTimeout 0 makes
   * zeromq.js send in the call every time (otherwise it defers every 513th send in a row to the event
   * loop and refuses later sends with EBUSY until that one went: socket.cc, max_sync_operations).
   */
  private sendNow(socket: zmq.Socket & { send(frames: Buffer[]): Promise<void> }, frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    const failed = (error: unknown): void => {
      if (!this.closed) kernelLog(`send failed: ${(error as Error).message}`);
    };
    try {
      return socket.send(frames).catch(failed); // already settled: it was sent (or refused) in the call
    } catch (error) {
      failed(error); // zeromq.js throws some errors (a closed socket) instead of rejecting
      return Promise.resolve();
    }
  }

  /** Closes every socket; linger lets what was sent (a shutdown reply) reach its client. */
  async close(): Promise<void> {
    this.closed = true;
    this.shell.close();
    this.iopub.close();
    const worker = this.controlThread;
    if (worker) {
      // The thread lets queued replies (the shutdown_reply) reach their clients, closes its sockets and
      // exits; a thread that does not within 2 s is terminated (safe: it holds no native sockets).
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ kind: "close" } satisfies ToControlThread);
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    }
  }
}
