/**
 * Runs an expensive function for the latest input only: the concurrency behind `interact`.
 *
 * States: idle → (request) → running → idle. A request while running aborts the running call's
 * `AbortSignal` and becomes the one pending input (older pending inputs are dropped: only the newest
 * position of a control matters). Before each run the scheduler yields one event-loop turn
 * (`setImmediate`), so a burst of updates already waiting on the socket (a dragged slider) collapses
 * into one run: debouncing by queue, not by timer. A run's result is delivered only if no newer
 * request came in meanwhile (stale results are dropped, even from functions that ignore the signal).
 */

export interface RunContext {
  /** Aborted when a newer input arrives: long async functions should check it and stop. */
  signal: AbortSignal;
}

export type RunState = "idle" | "running";

export class RunScheduler<I, R> {
  private pending: { input: I } | undefined;
  private running: AbortController | undefined;
  private idleWaiters: Array<() => void> = [];
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
    this.running?.abort();
    if (wasIdle) void this.loop();
  }

  /** Resolves when no run is running or pending. */
  idle(): Promise<void> {
    if (this.state === "idle") return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async loop(): Promise<void> {
    while (this.pending) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.pending;
      if (!next) break;
      this.pending = undefined;
      const controller = new AbortController();
      this.running = controller;
      this.counts.started++;
      try {
        const result = await this.run(next.input, { signal: controller.signal });
        if (!controller.signal.aborted && !this.pending) {
          await this.deliver(result, next.input);
          this.counts.delivered++;
        }
      } catch (error) {
        if (!controller.signal.aborted && !this.pending)
          await Promise.resolve(this.fail(error, next.input)).catch(() => undefined);
      } finally {
        this.running = undefined;
      }
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
