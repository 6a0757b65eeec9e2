/**
 * Lets a long training loop stop between two steps when the user interrupts the Jupyter kernel.
 *
 * `train.fit` (and `train.compare`, which runs fit) call `throwIfInterrupted()` once per step. Inside
 * optimlab's kernel it asks the kernel's probe (an atomic read of shared memory, no event-loop turn
 * needed: kernel/interrupts.ts) and throws a `KeyboardInterrupt`, so the loop ends cleanly with its
 * tensors disposed. Outside the kernel there is no probe and it does nothing.
 */
const PROBE = Symbol.for("optimlab.interruptPending");

export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
  constructor(message = "Execution interrupted") {
    super(message);
  }
}

/** Throws a KeyboardInterrupt when the kernel was asked to interrupt the running cell. */
export function throwIfInterrupted(): void {
  const probe = (globalThis as { [PROBE]?: () => boolean })[PROBE];
  if (probe !== undefined && probe()) throw new KeyboardInterrupt();
}
