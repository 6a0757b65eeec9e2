/**
 * Runs an expensive function for the latest input only: the concurrency behind `interact`.
 *
 * States: idle → (request) → running → idle. A request while running aborts the running call's
 * `AbortSignal` and becomes the one pending input (older pending inputs are dropped: only the newest
 * position of a control matters). Before each run the scheduler yields one event-loop turn
 * (`setImmediate`), so a burst of updates already waiting on the socket (a dragged slider) collapses
 * into one run: debouncing by queue, not by timer. A run's result is delivered only if no newer
 * request came in meanwhile (stale results are dropped, even from functions that ignore the signal).
 *
 * An interrupt of the kernel (display/interruptListeners.ts) stops the run in progress at once: its
 * signal is aborted, `fail` gets the kernel's KeyboardInterrupt, pending input is dropped and the
 * scheduler is idle, so the controls stay alive and the next move runs again. The run's promise is
 * not waited for: when the interrupt terminated its JavaScript (a busy loop), it never settles.
 * Each loop carries the generation it started in; a loop from before an interrupt ends without
 * touching the state a later one owns.
 */
import { onInterrupt } from "../display/interruptListeners";

export interface RunContext {
  /** Aborted when a newer input arrives: long async functions should check it and stop. */
  signal: AbortSignal;
}

export type RunState = "idle" | "running";

export class RunScheduler<I, R> {
  private pending: { input: I } | undefined;
  private running: { controller: AbortController; input: I; unsubscribe: () => void } | undefined;
  private idleWaiters: Array<() => void> = [];
  /** Bumped by every interrupt that stopped a run: loops of an older generation end quietly. */
  private generation = 0;
  /** Inputs requested, runs started, runs whose result was delivered (tests and docs read these). */
  readonly counts = { requested: 0, started: 0, delivered: 0 };

  constructor(
    private readonly run: (input: I, context: RunContext) => R | Promise<R>,
    private readonly deliver: (result: R, input: I) => void | Promise<void>,
    private readonly fail: (error: unknown, input: I) => void | Promise<void>,
  ) {}

  get state(): RunState {
    return this.running || this.pending ? "running" : "idle";
  }

  /** Asks for a run with `input`; cancels the current one. */
  request(input: I): void {
    this.counts.requested++;
    const wasIdle = this.state === "idle";
    this.pending = { input };
    this.running?.controller.abort();
    if (wasIdle) void this.loop(this.generation);
  }

  /** Resolves when no run is running or pending. */
  idle(): Promise<void> {
    if (this.state === "idle") return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops the run in progress (the kernel was interrupted): its signal is aborted, `fail` gets
   * `reason`, pending input is dropped and the scheduler is idle at once. Whatever the run does
   * later is ignored.
   */
  interrupt(reason: unknown): void {
    const stopped = this.running;
    if (!stopped) return;
    this.generation++;
    this.running = undefined;
    this.pending = undefined;
    stopped.unsubscribe();
    stopped.controller.abort(reason);
    void Promise.resolve()
      .then(() => this.fail(reason, stopped.input))
      .catch(() => undefined)
      .finally(() => this.settleIdle());
  }

  private async loop(generation: number): Promise<void> {
    const current = () => generation === this.generation;
    while (this.pending && current()) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.pending;
      if (!next || !current()) break;
      this.pending = undefined;
      const controller = new AbortController();
      const unsubscribe = onInterrupt((reason) => this.interrupt(reason));
      this.running = { controller, input: next.input, unsubscribe };
      this.counts.started++;
      try {
        const result = await this.run(next.input, { signal: controller.signal });
        if (current() && !controller.signal.aborted && !this.pending) {
          await this.deliver(result, next.input);
          this.counts.delivered++;
        }
      } catch (error) {
        if (current() && !controller.signal.aborted && !this.pending)
          await Promise.resolve(this.fail(error, next.input)).catch(() => undefined);
      } finally {
        unsubscribe();
        if (current()) this.running = undefined;
      }
    }
    if (current()) this.settleIdle();
  }

  private settleIdle(): void {
    if (this.state !== "idle") return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
