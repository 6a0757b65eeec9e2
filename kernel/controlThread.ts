/**
 * The control and heartbeat sockets, served from a worker thread.
 *
 * A cell spinning in a synchronous loop blocks the main thread's event loop, so nothing there can read
 * a socket. This thread keeps answering heartbeats, and turns `interrupt_request` into a SIGINT to its
 * own process — which tslab's `breakOnSigint` converts into an error in the running cell. Every valid
 * control message is also forwarded to the main thread, which sends the replies back through here.
 *
 * Protocol with the main thread: worker → main `{ kind: "ready" }`, `{ kind: "error", message }`,
 * `{ kind: "message", frames }`; main → worker `{ kind: "send", frames }`, `{ kind: "close" }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { droppedMessageLog } from "./channels";
import { kernelLog } from "./output";
import { deserialize, endpoint, Signer, type ConnectionInfo } from "./wire";

/** What the main thread passes in: the connection, and a flag it reads to see an interrupt was asked for. */
export interface ControlThreadData {
  info: ConnectionInfo;
  /** Int32Array over a SharedArrayBuffer: set to 1 on `interrupt_request`, cleared by the main thread. */
  interruptFlag: Int32Array;
  /** Int32Array over a SharedArrayBuffer: set to 1 (and notified) once this thread's sockets are closed. */
  closedFlag: Int32Array;
}

export type ToMain = { kind: "ready" } | { kind: "error"; message: string } | { kind: "message"; frames: Uint8Array[] };
export type ToControlThread = { kind: "send"; frames: Uint8Array[] } | { kind: "close" };

async function serve({ info, interruptFlag, closedFlag }: ControlThreadData): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("kernel/controlThread must run in a worker thread");
  const signer = new Signer(info.key, info.signature_scheme);
  const control = new zmq.Router({ linger: 1000 });
  const heartbeat = new zmq.Reply({ linger: 0 });
  try {
    await control.bind(endpoint(info, "control"));
    await heartbeat.bind(endpoint(info, "hb"));
  } catch (error) {
    port.postMessage({ kind: "error", message: `Cannot bind the control/heartbeat sockets: ${(error as Error).message}` } satisfies ToMain);
    return;
  }
  let closed = false;
  let sending: Promise<void> = Promise.resolve();
  port.on("message", (message: ToControlThread) => {
    if (message.kind === "send") {
      const frames = message.frames.map((frame) => Buffer.from(frame));
      sending = sending.then(() => control.send(frames)).catch((error: unknown) => {
        if (!closed) kernelLog(`control send failed: ${(error as Error).message}`);
      });
    } else {
      void sending.then(() => {
        closed = true;
        control.close();
        heartbeat.close();
        Atomics.store(closedFlag, 0, 1);
        Atomics.notify(closedFlag, 0);
        port.close();
      });
    }
  });
  port.postMessage({ kind: "ready" } satisfies ToMain);

  void (async () => {
    try {
      for await (const frames of heartbeat) await heartbeat.send(frames);
    } catch {
      // closed
    }
  })();
  try {
    for await (const frames of control) {
      let msgType: string;
      try {
        msgType = deserialize(frames, signer).header.msg_type;
      } catch (error) {
        kernelLog(droppedMessageLog("control", (error as Error).message));
        continue;
      }
      // Signal first: the main thread may be stuck in a loop and only a signal reaches it. The flag
      // covers a signal Node drops (one landing while the cell is being compiled).
      if (msgType === "interrupt_request") {
        Atomics.store(interruptFlag, 0, 1);
        process.kill(process.pid, "SIGINT");
      }
      port.postMessage({ kind: "message", frames } satisfies ToMain);
    }
  } catch {
    // closed
  }
}

if (parentPort) void serve(workerData as ControlThreadData);
