/**
 * One kernel for one notebook: start it (ready = kernel_info_reply received and IOPub flowing),
 * execute cells while watching three things at once — the reply, the IOPub output, the process —
 * interrupt and kill on timeout, shut it down at the end.
 *
 * Death is detected by the process's exit event, which fires at once. The heartbeat channel is not
 * used as a death signal: single-threaded kernels (tslab, for one) cannot answer it while busy, so a
 * silent heartbeat would mistake a long computation for a dead kernel. (Ours answers from its control
 * thread, but the runner treats every kernel alike.)
 */
import type { KernelSpecEntry } from "../kernel/kernelspecs";
import type { Message } from "../protocol/wire";
import { KernelClient } from "./client";
import { KernelProcess, KernelStartError, type KernelExit } from "./launch";
import { delay, type Race } from "./timers";

export { KernelStartError };

/** Kernel starts tried again after a port was taken at startup (see `KernelSession.start`). */
export const PORT_RETRIES = 2;
/** How a kernel says a port it was given is taken: ZeroMQ (ipykernel, ours) and Node. */
const PORT_TAKEN = /Address already in use|EADDRINUSE/;

export const sessionMessages = {
  startupTimeout: (name: string, seconds: number) =>
    `Kernel "${name}" did not answer kernel_info_request within ${seconds} s (raise --startup-timeout if it is just slow)`,
  diedAtStartup: (name: string, exit: KernelExit) => `Kernel "${name}" exited during startup (${describeExit(exit)})`,
} as const;

export function describeExit(exit: KernelExit): string {
  return exit.signal ? `killed by signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** Which limit stopped a cell: its own timeout, the notebook's deadline, or the wait for it to start. */
export type TimeLimit = "cell" | "notebook" | "start";

/** How executing one cell ended. */
export type ExecuteOutcome =
  | { kind: "reply"; reply: Message; executeInputAt?: string; replyAt: string }
  | { kind: "timeout"; limit: TimeLimit; interrupted: boolean; executeInputAt?: string; runningMs: number }
  | { kind: "died"; exit: KernelExit; stderr: string[]; executeInputAt?: string }
  /** The kernel went idle after the request but never replied (it failed to report the cell's end). */
  | { kind: "no-reply"; executeInputAt?: string };

export interface ExecuteOptions {
  /** The cell's own limit in milliseconds, counted from its execute_input (when the kernel starts it). */
  cellTimeoutMs: number;
  /** Epoch milliseconds at which the notebook's deadline passes (Infinity for none). */
  notebookDeadline: number;
  /**
   * Extra milliseconds the kernel may take before it starts the cell (its execute_input): an engine
   * warming up on the first request is not the cell's time. A kernel that never sends execute_input
   * gets this plus the cell's timeout, counted from the request.
   */
  startWaitMs: number;
  /** How long to wait for the kernel to act on an interrupt before giving up on it. */
  interruptGraceMs: number;
  /** Every IOPub message caused by the request (outputs, status, execute_input). */
  onIopub: (message: Message) => void;
}

/** After the reply, IOPub output still in flight gets this long to arrive (it should be immediate). */
const IOPUB_DRAIN_MS = 3000;
/** After the idle status, a reply that raced it on the other socket gets this long to arrive. */
const REPLY_AFTER_IDLE_MS = 3000;

export class KernelSession {
  /** language_info.name from kernel_info_reply, e.g. "typescript" or "python". */
  readonly language: string;

  private constructor(
    readonly entry: KernelSpecEntry,
    readonly process: KernelProcess,
    readonly client: KernelClient,
    kernelInfo: Message,
  ) {
    const info = kernelInfo.content.language_info;
    const name = info && typeof info === "object" && !Array.isArray(info) ? info.name : undefined;
    this.language = typeof name === "string" ? name : entry.spec.language;
  }

  get pid(): number {
    return this.process.pid;
  }

  /**
   * Launches the kernel and waits until it is ready; on failure nothing is left running. A kernel
   * that dies at startup because one of its ports was taken (another process bound it between our
   * choosing it free and the kernel binding it: several kernels starting at once) is started again
   * on new ports, up to {@link PORT_RETRIES} times within the startup timeout.
   */
  static async start(
    entry: KernelSpecEntry,
    options: { cwd: string; startupTimeoutMs: number; env?: NodeJS.ProcessEnv },
  ): Promise<KernelSession> {
    const deadline = Date.now() + options.startupTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await KernelSession.startOnce(entry, { ...options, startupTimeoutMs: deadline - Date.now() });
      } catch (error) {
        const portTaken =
          error instanceof KernelStartError &&
          error.diedAtStartup &&
          error.stderr.some((line) => PORT_TAKEN.test(line));
        if (!portTaken || attempt >= PORT_RETRIES || Date.now() >= deadline) throw error;
      }
    }
  }

  private static async startOnce(
    entry: KernelSpecEntry,
    options: { cwd: string; startupTimeoutMs: number; env?: NodeJS.ProcessEnv },
  ): Promise<KernelSession> {
    const kernel = await KernelProcess.start(entry, options);
    const client = new KernelClient(kernel.connection);
    const deadline = delay(options.startupTimeoutMs, "timeout" as const);
    try {
      const died = kernel.exited.then((exit) => ({ exit }));
      // Ready = a kernel_info_reply plus an IOPub message for one of our requests (which proves the
      // subscription is live, so the first cell's output cannot be lost to ZeroMQ's slow joiner).
      let iopubSeen = false;
      let info: Message | undefined;
      while (!(info && iopubSeen)) {
        const { msgId, reply } = await client.request("shell", "kernel_info_request", {}, () => {
          iopubSeen = true;
        });
        const retry = delay(info ? 200 : 1000, "retry" as const);
        const result = await Promise.race([reply, retry.promise, deadline.promise, died]);
        retry.cancel();
        if (result === "timeout") {
          await kernel.kill();
          throw new KernelStartError(
            sessionMessages.startupTimeout(entry.name, options.startupTimeoutMs / 1000),
            kernel.lastStderr(),
            false,
            true,
          );
        }
        if (result !== "retry" && "exit" in result) {
          await kernel.kill();
          throw new KernelStartError(sessionMessages.diedAtStartup(entry.name, result.exit), kernel.lastStderr(), true);
        }
        if (result !== "retry") {
          info = result;
          // Give the idle status of this request a moment to arrive before asking again.
          if (!iopubSeen) await delay(100, null).promise;
        }
        if (!(info && iopubSeen)) client.forget(msgId);
      }
      return new KernelSession(entry, kernel, client, info);
    } catch (error) {
      client.close();
      if (kernel.running) await kernel.kill();
      throw error;
    } finally {
      deadline.cancel();
    }
  }

  /**
   * Executes `code`; resolves when the reply and the idle status have arrived, or on timeout, death,
   * or an idle status that no reply follows. The cell's clock starts at its execute_input.
   */
  async execute(code: string, options: ExecuteOptions): Promise<ExecuteOutcome> {
    const sentAt = Date.now();
    let executeInputAt: string | undefined;
    let startedAt: number | undefined;
    let markIdle: () => void = () => undefined;
    const idle = new Promise<"idle">((resolve) => {
      markIdle = () => resolve("idle");
    });
    let clock = this.cellClock(sentAt, options, false);
    let restartClock: () => void = () => undefined;
    const clockChanged = new Promise<"restarted">((resolve) => {
      restartClock = () => resolve("restarted");
    });
    const { msgId, reply } = await this.client.request(
      "shell",
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false },
      (message) => {
        const type = message.header.msg_type;
        if (type === "execute_input" && startedAt === undefined) {
          executeInputAt = message.header.date;
          startedAt = Date.now();
          restartClock();
        }
        if (type === "status" && message.content.execution_state === "idle") markIdle();
        options.onIopub(message);
      },
    );
    const died = this.process.exited.then((exit) => ({ died: exit }));
    // Idle means the kernel is done with the request; a reply that is still missing after a moment
    // (it travels on another socket) is never coming.
    const idleWithoutReply = idle.then(async () => {
      const late = delay(REPLY_AFTER_IDLE_MS, "no-reply" as const);
      const which = await Promise.race([reply.then(() => "reply" as const), late.promise]);
      late.cancel();
      return which === "reply" ? new Promise<never>(() => undefined) : which;
    });
    try {
      let first = await Promise.race([reply, clock.timer.promise, died, clockChanged, idleWithoutReply]);
      if (first === "restarted") {
        clock.timer.cancel();
        clock = this.cellClock(startedAt as number, options, true);
        first = await Promise.race([reply, clock.timer.promise, died, idleWithoutReply]);
      }
      if (first === "timeout") {
        const runningMs = Date.now() - (startedAt ?? sentAt);
        const interrupted = await this.interrupt(reply, options.interruptGraceMs, idle);
        return { kind: "timeout", limit: clock.limit, interrupted, executeInputAt, runningMs };
      }
      if (first === "no-reply") return { kind: "no-reply", executeInputAt };
      if ("died" in first) return { kind: "died", exit: first.died, stderr: this.process.lastStderr(), executeInputAt };
      const replyAt = new Date().toISOString();
      const drain = delay(IOPUB_DRAIN_MS, "drained" as const);
      await Promise.race([idle, drain.promise, died]);
      drain.cancel();
      return { kind: "reply", reply: first, executeInputAt, replyAt };
    } finally {
      clock.timer.cancel();
      this.client.forget(msgId);
    }
  }

  /** The timer that applies from `from`: before the cell starts (start wait + cell time) or while it runs. */
  private cellClock(
    from: number,
    options: ExecuteOptions,
    started: boolean,
  ): { timer: Race<"timeout">; limit: TimeLimit } {
    const own = from + options.cellTimeoutMs + (started ? 0 : options.startWaitMs);
    const limit: TimeLimit = options.notebookDeadline <= own ? "notebook" : started ? "cell" : "start";
    return { timer: delay(Math.min(own, options.notebookDeadline) - Date.now(), "timeout" as const), limit };
  }

  /**
   * Interrupts the running cell (interrupt_request on control for interrupt_mode "message", else
   * SIGINT to the process group) and waits up to `graceMs` for its reply and idle status, so the
   * traceback of where it was stuck reaches the outputs. True when the kernel answered in time.
   */
  private async interrupt(reply: Promise<Message>, graceMs: number, idle: Promise<"idle">): Promise<boolean> {
    if (this.entry.spec.interrupt_mode === "message") {
      await this.client.request("control", "interrupt_request", {});
    } else {
      this.process.interruptWithSignal();
    }
    const grace = delay(graceMs, "grace" as const);
    const died = this.process.exited.then(() => "died" as const);
    const answered = await Promise.race([reply.then(() => "replied" as const), grace.promise, died]);
    if (answered === "replied") await Promise.race([idle, grace.promise, died]);
    grace.cancel();
    return answered === "replied";
  }

  /** Asks the kernel to shut down, then makes sure its process group is gone. */
  async shutdown(graceMs = 2000): Promise<KernelExit> {
    if (this.process.running) {
      try {
        await this.client.request("control", "shutdown_request", { restart: false });
      } catch {
        // socket already gone: the kill below still ends the process
      }
    }
    const exit = await this.process.waitOrKill(graceMs);
    this.client.close();
    return exit;
  }

  /** Kills the kernel without asking (after a timeout or when the runner is stopping). */
  async kill(): Promise<KernelExit> {
    const exit = await this.process.kill();
    this.client.close();
    return exit;
  }
}
