/**
 * The control, heartbeat and stdin sockets, served from a worker thread, plus the kernel's watchdogs.
 *
 * A cell spinning in a synchronous loop blocks the main thread's event loop, so nothing there can read
 * a socket. This thread keeps answering heartbeats and, for the main thread:
 * - interrupt_request: counts it in the shared interrupt flags and forwards it; when the main thread
 *   does not acknowledge within INTERRUPT_GRACE_MS while a cell runs, stops the cell's code with
 *   `Runtime.terminateExecution` through an inspector session connected to the main thread (V8 then
 *   unwinds only the running script; the kernel and earlier cells' state are untouched).
 * - shutdown_request, and the death of the parent process (JPY_PARENT_PID, like ipykernel's parent
 *   poller): forwards a stop, and if the process still runs after STOP_DEADLINE_MS (the main thread is
 *   stuck), terminates the running code and finally kills the process: the kernel never outlives its
 *   client or ignores a shutdown.
 * - SIGINT: counted from the relay child (sigintRelay.ts) and the main thread's listener, then handled
 *   as an interrupt_request, so a signal stops a busy loop too.
 * - stdin: sends an `input_request` for `prompt()`, which blocks the main thread (Atomics.wait), and
 *   writes the `input_reply` into shared memory (see stdin.ts).
 *
 * Every other control message is forwarded to the main thread, which replies through here.
 *
 * These sockets are our own ZMTP implementation (protocol/zmtpSocket.ts), not ZeroMQ's native addon:
 * the addon corrupts the heap when a worker that used it is torn down (zeromq.js#411), which aborted
 * about one kernel shutdown in eight. Nothing this thread imports may load `zeromq`; a test checks.
 */
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";
import { CELL_START, HANDLED, INSPECTOR_DETACHED, INTERRUPT_GRACE_MS, REQUESTED, RUNNING } from "./interrupts";
import { droppedMessageLog, kernelLog } from "./output";
import { startSigintRelay } from "./sigintRelay";
import { STDIN_INTERRUPTED, STDIN_READY, STDIN_WAITING, writeStdinReply, type StdinShared } from "./stdin";
import { deserialize, endpoint, Signer, type ConnectionInfo, type Message } from "../protocol/wire";
import { ZmtpSocket } from "../protocol/zmtpSocket";

export interface ControlThreadData {
  info: ConnectionInfo;
  /** The interrupt flags (see interrupts.ts). */
  interruptFlags: Int32Array;
  stdin: StdinShared;
  /** The parent process to watch (JPY_PARENT_PID), if any. */
  parentPid?: number;
}

export type StopReason = "shutdown" | "parent-died";

export type ToMain =
  | { kind: "ready" }
  | { kind: "error"; message: string }
  | { kind: "message"; frames: Uint8Array[] }
  | { kind: "interrupt" }
  | { kind: "stop"; reason: StopReason };
export type ToControlThread =
  | { kind: "send"; frames: Uint8Array[] }
  | { kind: "input"; frames: Uint8Array[]; msgId: string }
  /** The main thread's SIGINT listener ran; `count` SIGINTs so far (see `sigints` below). */
  | { kind: "sigint"; count: number }
  /** The process is exiting: close the inspector session, then set INSPECTOR_DETACHED (the main thread waits). */
  | { kind: "detachInspector" }
  | { kind: "close" };

/** A stuck kernel is terminated this long after a shutdown request or the parent's death. */
export const STOP_DEADLINE_MS = 1200;
const PARENT_POLL_MS = 500;

async function serve(data: ControlThreadData): Promise<void> {
  const { info, interruptFlags, stdin } = data;
  const port = parentPort;
  if (!port) throw new Error("kernel/controlThread must run in a worker thread");
  const signer = new Signer(info.key, info.signature_scheme);
  const log = (line: string): void => kernelLog(`control thread: ${line}`);
  const control = new ZmtpSocket("ROUTER", { lingerMs: 1000, log });
  const stdinSocket = new ZmtpSocket("ROUTER", { log });
  const heartbeat = new ZmtpSocket("REP", { log });
  try {
    await control.bind(endpoint(info, "control"));
    await stdinSocket.bind(endpoint(info, "stdin"));
    await heartbeat.bind(endpoint(info, "hb"));
  } catch (error) {
    port.postMessage({
      kind: "error",
      message: `Cannot bind the control/stdin/heartbeat sockets: ${(error as Error).message}`,
    } satisfies ToMain);
    return;
  }
  const inspector = new Session();
  inspector.connectToMainThread();
  /**
   * Stops the code running now; for interrupt number `generation`, only if no cell began after it
   * was asked for (that cell is not the one the user interrupted). RUNNING is read first: the main
   * thread stores CELL_START before it sets RUNNING for the new cell's code.
   */
  const terminateRunningCode = (generation = Number.POSITIVE_INFINITY): void => {
    const running = Atomics.load(interruptFlags, RUNNING) === 1;
    if (running && Atomics.load(interruptFlags, CELL_START) < generation) inspector.post("Runtime.terminateExecution");
  };

  /** The input_request waiting for its reply (one at a time: the main thread blocks until then). */
  let awaitingInput: string | undefined;

  /**
   * SIGINT, from two witnesses: the relay child (sigintRelay.ts; it sees signals sent to the process
   * group even while a cell blocks the main thread) and the main thread's listener (the only one to
   * see a signal sent to this process alone, once its event loop turns). A group signal reaches
   * both, so each witness's count is kept and the larger one says how many SIGINTs there were: each
   * is handled once, as an interrupt_request.
   */
  const sigints = { main: 0, relay: 0, handled: 0 };
  const onSigint = (witness: "main" | "relay", count: number): void => {
    sigints[witness] = Math.max(sigints[witness], count);
    const seen = Math.max(sigints.main, sigints.relay);
    for (; sigints.handled < seen; sigints.handled++) void interrupt();
  };
  const relay = startSigintRelay((count) => onSigint("relay", count), log);

  port.on("message", (message: ToControlThread) => {
    if (message.kind === "sigint") {
      onSigint("main", message.count);
    } else if (message.kind === "detachInspector") {
      inspector.disconnect();
      Atomics.store(interruptFlags, INSPECTOR_DETACHED, 1);
      Atomics.notify(interruptFlags, INSPECTOR_DETACHED);
    } else if (message.kind === "send") {
      control.send(message.frames);
    } else if (message.kind === "input") {
      awaitingInput = message.msgId;
      stdinSocket.send(message.frames);
    } else {
      clearInterval(parentWatch);
      relay.stop();
      // The control socket lingers so that queued replies (the shutdown_reply) reach their clients.
      void Promise.all([control.close(), stdinSocket.close(), heartbeat.close()]).then(() => {
        inspector.disconnect();
        port.close();
      });
    }
  });

  let stopping = false;
  const stop = (reason: StopReason): void => {
    if (stopping) return;
    stopping = true;
    port.postMessage({ kind: "stop", reason } satisfies ToMain);
    // The main thread exits the process when it can; if it cannot (stuck in a cell), we make it.
    setTimeout(() => {
      terminateRunningCode();
      setTimeout(() => process.kill(process.pid, "SIGKILL"), STOP_DEADLINE_MS / 2).unref();
    }, STOP_DEADLINE_MS).unref();
  };

  const parentWatch = setInterval(() => {
    if (!stopping && parentGone(data.parentPid, initialParent)) {
      kernelLog("the parent process is gone: shutting down");
      stop("parent-died");
    }
  }, PARENT_POLL_MS);
  const initialParent = process.ppid;

  port.postMessage({ kind: "ready" } satisfies ToMain);

  void (async () => {
    try {
      for await (const frames of heartbeat) heartbeat.send(frames);
    } catch {
      // closed
    }
  })();

  void (async () => {
    try {
      for await (const frames of stdinSocket) {
        let reply: Message;
        try {
          reply = deserialize(frames, signer, { rejectReplays: true });
        } catch (error) {
          kernelLog(droppedMessageLog("stdin", (error as Error).message));
          continue;
        }
        // jupyter_client sends input_reply without a parent header (as ipykernel accepts): any reply
        // answers the one input_request that is waiting.
        const parentId = (reply.parent_header as { msg_id?: string }).msg_id;
        const mismatch = parentId !== undefined && parentId !== awaitingInput;
        if (reply.header.msg_type !== "input_reply" || awaitingInput === undefined || mismatch) {
          kernelLog(`ignoring ${reply.header.msg_type} on stdin: no input_request is waiting for it`);
          continue;
        }
        awaitingInput = undefined;
        writeStdinReply(stdin, STDIN_READY, typeof reply.content.value === "string" ? reply.content.value : "");
      }
    } catch {
      // closed
    }
  })();

  try {
    for await (const frames of control) {
      let message: Message;
      try {
        message = deserialize(frames, signer, { rejectReplays: true });
      } catch (error) {
        kernelLog(droppedMessageLog("control", (error as Error).message));
        continue;
      }
      const msgType = message.header.msg_type;
      port.postMessage({ kind: "message", frames } satisfies ToMain);
      if (msgType === "interrupt_request") void interrupt();
      else if (msgType === "shutdown_request") stop("shutdown");
    }
  } catch {
    // closed
  }

  /** Polite first (the main thread acknowledges between turns), then terminate the running code. */
  async function interrupt(): Promise<void> {
    const generation = Atomics.add(interruptFlags, REQUESTED, 1) + 1;
    // A prompt() waiting for input is interrupted at once (the main thread is blocked in it).
    if (Atomics.load(stdin.state, 0) === STDIN_WAITING) {
      awaitingInput = undefined;
      writeStdinReply(stdin, STDIN_INTERRUPTED, "");
    }
    port?.postMessage({ kind: "interrupt" } satisfies ToMain);
    const deadline = Date.now() + INTERRUPT_GRACE_MS;
    for (;;) {
      const handled = Atomics.load(interruptFlags, HANDLED);
      if (handled >= generation) return;
      const left = deadline - Date.now();
      if (left <= 0) break;
      const waited = Atomics.waitAsync(interruptFlags, HANDLED, handled, left);
      if (waited.async) await waited.value;
    }
    terminateRunningCode(generation);
  }
}

/**
 * True when the parent we were started by is gone: JPY_PARENT_PID no longer exists, or we were
 * re-parented. Both are asked: a client killed and not yet reaped by its own parent is a zombie,
 * which `kill(pid, 0)` still finds (the kernel stayed up for minutes), while its children (we, or
 * the launcher between us) are re-parented at once, as ipykernel's parent poller also checks.
 */
export function parentGone(
  parentPid: number | undefined,
  initialParent: number,
  currentParent: number = process.ppid,
  exists: (pid: number) => boolean = processExists,
): boolean {
  if (initialParent > 1 && currentParent !== initialParent) return true;
  return parentPid !== undefined && parentPid > 1 && !exists(parentPid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as { code?: string }).code !== "ESRCH";
  }
  return true;
}

if (parentPort) void serve(workerData as ControlThreadData);
