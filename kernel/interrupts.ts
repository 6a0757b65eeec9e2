/**
 * Interrupt bookkeeping shared by the main thread and the control thread (controlThread.ts), in one
 * SharedArrayBuffer so either side reads it without the other's event loop:
 *
 *   REQUESTED  interrupts asked for so far (the control thread adds one per interrupt_request)
 *   HANDLED    the last REQUESTED value the main thread has acted on (it notifies waiters)
 *   RUNNING    1 while a cell's code runs: its evaluation (engine/), a timer callback it
 *              scheduled (output.ts wraps timers; the engine runs them through the evaluator), or
 *              a continuation of its promises, also after it finished (userCodeScope.ts)
 *   INSPECTOR_DETACHED  1 once the control thread closed its inspector session at the process's
 *              exit (channels.ts waits for it: Node would otherwise print "Waiting for the
 *              debugger to disconnect..." after a cell's `process.exit()`)
 *   CELL_START REQUESTED when the current cell began: only later requests concern it. A cell that
 *              stopped by itself for an interrupt (train.fit polls) ends before the main thread's
 *              event loop turns to handle the request, and the next queued cell may begin first:
 *              neither the main thread's handler nor the control thread's terminate may touch it.
 *
 * The control thread asks politely first (a message the main thread handles between two turns of
 * its event loop: a cell awaiting something is cancelled there). When the main thread does not
 * acknowledge within a grace period while a cell runs, it is stuck in the cell's code (a busy loop),
 * and the control thread stops that code through its own inspector session
 * (`Runtime.terminateExecution`). Library loops (train.fit, train.compare) poll `pending()` through
 * src/train/interrupt.ts and stop between two steps, cleanly, within the grace period.
 */
export const REQUESTED = 0;
export const HANDLED = 1;
export const RUNNING = 2;
export const INSPECTOR_DETACHED = 3;
export const CELL_START = 4;
export const FLAG_COUNT = 5;

/** How long the control thread waits for the main thread before terminating a running cell. */
export const INTERRUPT_GRACE_MS = 300;

/** Where library code finds the "interrupt pending" probe (see src/train/interrupt.ts). */
export const INTERRUPT_PROBE = Symbol.for("optimlab.interruptPending");

export class InterruptState {
  readonly flags: Int32Array;

  constructor(flags = new Int32Array(new SharedArrayBuffer(FLAG_COUNT * 4))) {
    this.flags = flags;
  }

  /** A cell starts: interrupts asked for before now do not concern it. */
  beginCell(): void {
    Atomics.store(this.flags, CELL_START, Atomics.load(this.flags, REQUESTED));
  }

  /** True when an interrupt was asked for since the current cell started. */
  pending(): boolean {
    return Atomics.load(this.flags, REQUESTED) !== Atomics.load(this.flags, CELL_START);
  }

  /** The main thread saw every interrupt asked for so far (the control thread stops waiting). */
  acknowledge(): void {
    Atomics.store(this.flags, HANDLED, Atomics.load(this.flags, REQUESTED));
    Atomics.notify(this.flags, HANDLED);
  }

  setRunning(running: boolean): void {
    Atomics.store(this.flags, RUNNING, running ? 1 : 0);
  }

  /** Marks a cell's callback as running (it may be inside a running cell's await); returns the undo. */
  enterUserCode(): () => void {
    const previous = Atomics.exchange(this.flags, RUNNING, 1);
    return () => void Atomics.store(this.flags, RUNNING, previous);
  }

  /** Makes `pending()` reachable from library code without importing the kernel. */
  installProbe(): void {
    (globalThis as { [INTERRUPT_PROBE]?: () => boolean })[INTERRUPT_PROBE] = () => this.pending();
  }
}
