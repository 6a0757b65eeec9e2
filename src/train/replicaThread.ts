/**
 * A replica thread (replicaWorker.ts) as the trainer sees it: started once and kept for later fits
 * (starting one loads tfjs and the backend again: ~0.3–0.6 s), configured per fit, and waited on
 * per step. A thread that exits or throws outside a step rejects every wait on it with a message
 * that says so, and leaves the pool: a fit never hangs on a dead replica. Threads are unreferenced,
 * so a script ends when its own work does.
 */
import { Worker } from "node:worker_threads";
import type { BackendName } from "../backend";
import { ReplicaState, type ReplicaChannel } from "./replicaChannel";
import type { ReplicaReply, ReplicaSetup } from "./replicaSetup";
import { workerEntry } from "./workerEntry";

export function replicaStoppedMessage(why: string): string {
  return `fit: a data-parallel replica thread stopped (${why}); train on one thread with threads: 1 (or OPTIMLAB_THREADS=1)`;
}

export function replicaFailedMessage(message: string): string {
  return `fit: the data-parallel replica failed on its rows of the batch: ${message}`;
}

type StartReply = { kind: "started" } | { kind: "error"; message: string };

export class ReplicaThread {
  private readonly worker: Worker;
  /** Rejects once the thread is gone (never resolves). */
  private readonly gone: Promise<never>;
  private stopped: string | undefined;
  /** The step channel of the fit that holds this thread, from configure to release. */
  private held: ReplicaChannel | undefined;
  private reserved = false;

  private constructor(readonly backend: BackendName) {
    const entry = workerEntry("replicaWorker");
    const env = { ...process.env };
    delete env.OPTIMLAB_WASM_THREADS; // a replica is one thread: the single-threaded build
    this.worker = new Worker(entry.code, { eval: entry.eval, workerData: { backend }, env });
    this.gone = new Promise<never>((_, reject) => {
      const stop = (why: string) => {
        this.stopped ??= why;
        reject(new Error(replicaStoppedMessage(this.stopped)));
      };
      this.worker.on("error", (error) => stop(error.message));
      this.worker.on("exit", (code) => stop(`exit code ${code}`));
    });
    this.gone.catch(() => undefined); // observed by whoever waits; never an unhandled rejection
  }

  /** A started thread on `backend`. */
  static async start(backend: BackendName): Promise<ReplicaThread> {
    const thread = new ReplicaThread(backend);
    const reply = await thread.nextMessage<StartReply>();
    if (reply.kind === "error") {
      await thread.worker.terminate();
      throw new Error(replicaStoppedMessage(`its backend did not start: ${reply.message}`));
    }
    thread.worker.unref();
    return thread;
  }

  get alive(): boolean {
    return this.stopped === undefined;
  }

  private nextMessage<T>(): Promise<T> {
    const message = new Promise<T>((resolve) => this.worker.once("message", resolve));
    return Promise.race([message, this.gone]);
  }

  /**
   * Sends a fit's setup with its step channel; resolves once the replica has built its model and
   * waits for steps on `channel`. From here until {@link release} the thread is referenced: the
   * trainer's waits for it (a message, `Atomics.waitAsync`) do not keep Node's event loop alive by
   * themselves. Only for a thread no fit holds ({@link busy}): the replica serves one channel.
   */
  async configure(setup: ReplicaSetup, channel: ReplicaChannel): Promise<void> {
    if (this.held) throw new Error("replica configured while a fit holds it (a bug in optimlab)");
    this.held = channel;
    this.worker.ref();
    const reply = this.nextMessage<ReplicaReply>();
    this.worker.postMessage(setup);
    const answer = await reply;
    if (answer.kind === "error") {
      this.held = undefined;
      this.reserved = false;
      this.worker.unref();
      throw new Error(replicaFailedMessage(answer.message));
    }
  }

  /** Whether a fit holds this thread (from {@link reserve} to {@link release}). */
  get busy(): boolean {
    return this.reserved;
  }

  /** Takes the thread for one fit, synchronously: a fit started meanwhile picks another one. */
  reserve(): void {
    this.reserved = true;
  }

  /**
   * Ends the fit's step loop (the replica waits for the next fit) and unreferences the thread.
   * Only between steps: the trainer awaits every posted step's answer before a fit ends.
   */
  release(): void {
    const channel = this.held;
    this.held = undefined;
    this.reserved = false;
    if (!channel || !this.alive) return; // a stopped thread answers nothing, and holds nothing
    if (channel.state === ReplicaState.posted) throw new Error("replica released during a step (a bug in optimlab)");
    channel.hand(ReplicaState.release);
    this.worker.unref();
  }

  /** Resolves once the posted step is answered; rejects with the replica's error or its end. */
  async answered(): Promise<void> {
    const channel = this.held;
    if (!channel) return;
    await Promise.race([channel.waitWhile(ReplicaState.posted), this.gone]);
    if (channel.state === ReplicaState.failed) throw new Error(replicaFailedMessage(channel.readError()));
  }

  /** Ends the thread (tests; the pool keeps threads for the process's life otherwise). */
  async stop(): Promise<void> {
    this.stopped ??= "stopped";
    await this.worker.terminate();
  }
}
