/**
 * The kernel's five ZeroMQ sockets, bound where the connection file says.
 *
 * shell/control/stdin are ROUTER sockets (requests carry the client's routing id), iopub a PUB socket,
 * hb a REP socket that echoes. Control and heartbeat live in a worker thread (controlThread.ts) so
 * they keep working while a cell blocks the main thread. Incoming frames are verified and parsed with
 * wire.ts; a message that fails (bad signature, malformed) is logged to stderr and dropped, never
 * thrown. zeromq allows one send in flight per socket, so sends are queued per socket.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import * as zmq from "zeromq";
import type { ControlThreadData, ToControlThread, ToMain } from "./controlThread";
import { kernelLog } from "./output";
import { deserialize, endpoint, serialize, Signer, type Channel, type ConnectionInfo, type Message } from "./wire";

export type RequestChannel = "shell" | "control" | "stdin";
export type MessageHandler = (message: Message, channel: RequestChannel) => void;

export const droppedMessageLog = (channel: string, reason: string): string => `dropped a message on ${channel}: ${reason}`;

export class KernelChannels {
  readonly signer: Signer;
  private readonly routers: Record<"shell" | "stdin", zmq.Router>;
  private readonly iopub = new zmq.Publisher({ linger: 1000 });
  private readonly sendQueues = new Map<zmq.Socket, Promise<void>>();
  private controlThread: Worker | undefined;
  private readonly interruptFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly controlClosedFlag = new Int32Array(new SharedArrayBuffer(4));
  private handler: MessageHandler | undefined;
  private closed = false;

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    this.routers = {
      shell: new zmq.Router({ linger: 1000 }),
      stdin: new zmq.Router({ linger: 0 }),
    };
  }

  /** Binds all sockets; rejects when a port is taken (the caller exits with that message). */
  async bind(): Promise<void> {
    const binds: Array<[Channel, zmq.Socket]> = [
      ["shell", this.routers.shell],
      ["stdin", this.routers.stdin],
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
    const workerData: ControlThreadData = { info: this.info, interruptFlag: this.interruptFlag, closedFlag: this.controlClosedFlag };
    const worker = __filename.endsWith(".ts")
      ? // Running from sources under tsx (tests): loader hooks do not reach workers, so register tsx there.
        new Worker(`require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(path.join(__dirname, "controlThread.ts"))});`, { eval: true, workerData })
      : new Worker(path.join(__dirname, "controlThread.js"), { workerData });
    this.controlThread = worker;
    return new Promise((resolve, reject) => {
      worker.on("message", (message: ToMain) => {
        if (message.kind === "ready") {
          worker.unref(); // from now on the main thread's sockets decide when the process ends
          this.closeControlThreadOnExit();
          resolve();
        }
        else if (message.kind === "error") reject(new Error(message.message));
        else this.receiveControl(message.frames);
      });
      worker.once("error", (error) => {
        kernelLog(`control thread failed: ${error.stack ?? error.message}`);
        reject(error);
      });
    });
  }

  /**
   * A cell may call `process.exit(code)`. Exiting while the control thread still holds open ZeroMQ
   * sockets aborts the process (SIGABRT instead of `code`), so `process.exit` first asks the thread to
   * close them and blocks (Atomics.wait; the thread runs its own event loop) until it has, or 1 s passed.
   */
  private closeControlThreadOnExit(): void {
    const exit = process.exit.bind(process);
    process.exit = ((code?: number | string | null) => {
      const worker = this.controlThread;
      if (worker && Atomics.load(this.controlClosedFlag, 0) === 0) {
        worker.postMessage({ kind: "close" } satisfies ToControlThread);
        Atomics.wait(this.controlClosedFlag, 0, 0, 1000);
      }
      return exit(code);
    }) as typeof process.exit;
  }

  /** True once an `interrupt_request` arrived since the last `clearInterrupt()` (read without the event loop). */
  interruptRequested(): boolean {
    return Atomics.load(this.interruptFlag, 0) === 1;
  }

  clearInterrupt(): void {
    Atomics.store(this.interruptFlag, 0, 0);
  }

  private receiveControl(frames: Uint8Array[]): void {
    let message: Message;
    try {
      message = deserialize(frames.map((frame) => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)), this.signer);
    } catch (error) {
      kernelLog(droppedMessageLog("control", (error as Error).message));
      return;
    }
    this.handler?.(message, "control");
  }

  /** Starts the receive loops; `handler` is called for every valid message. */
  listen(handler: MessageHandler): void {
    this.handler = handler;
    for (const channel of ["shell", "stdin"] as const) void this.receiveLoop(channel, handler);
  }

  private async receiveLoop(channel: "shell" | "stdin", handler: MessageHandler): Promise<void> {
    const socket = this.routers[channel];
    try {
      for await (const frames of socket) {
        let message: Message;
        try {
          message = deserialize(frames, this.signer);
        } catch (error) {
          kernelLog(droppedMessageLog(channel, (error as Error).message));
          continue;
        }
        try {
          handler(message, channel);
        } catch (error) {
          kernelLog(`handler for ${message.header.msg_type} failed: ${(error as Error).stack ?? error}`);
        }
      }
    } catch (error) {
      if (!this.closed) kernelLog(`${channel} socket stopped: ${(error as Error).message}`);
    }
  }

  /** Sends a reply on shell/control/stdin (routed back by the message's identities). */
  send(channel: RequestChannel, message: Message): Promise<void> {
    const frames = serialize(message, this.signer);
    if (channel === "control") {
      if (!this.closed) this.controlThread?.postMessage({ kind: "send", frames } satisfies ToControlThread);
      return Promise.resolve();
    }
    return this.enqueue(this.routers[channel], frames);
  }

  /** Publishes on IOPub; the topic frame is `kernel.<session>.<msg_type>` like ipykernel's. */
  publish(message: Message): Promise<void> {
    const topic = Buffer.from(`kernel.${message.header.session}.${message.header.msg_type}`);
    return this.enqueue(this.iopub, serialize({ ...message, identities: [topic] }, this.signer));
  }

  private enqueue(socket: zmq.Socket & { send(frames: Buffer[]): Promise<void> }, frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    const previous = this.sendQueues.get(socket) ?? Promise.resolve();
    const next = previous.then(() => socket.send(frames)).catch((error: unknown) => {
      if (!this.closed) kernelLog(`send failed: ${(error as Error).message}`);
    });
    this.sendQueues.set(socket, next);
    return next;
  }

  /** Resolves once every queued send was handed to ZeroMQ (whose I/O thread then delivers it). */
  async flushed(): Promise<void> {
    await Promise.all(this.sendQueues.values());
  }

  /** Waits for queued sends (so a shutdown reply goes out), then closes every socket. */
  async close(): Promise<void> {
    await Promise.all(this.sendQueues.values());
    this.closed = true;
    for (const socket of [...Object.values(this.routers), this.iopub]) socket.close();
    const worker = this.controlThread;
    if (worker) {
      // The thread sends what is queued (e.g. the shutdown reply), closes its sockets and exits. The
      // process must not exit before it has: tearing down a thread with open ZeroMQ sockets aborts.
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ kind: "close" } satisfies ToControlThread);
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    }
  }
}
