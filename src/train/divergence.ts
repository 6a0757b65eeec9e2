/** Raised when the training loss becomes NaN or ±Infinity. */
import type { History } from "./history";

export function divergenceMessage(epoch: number, step: number, loss: number, lr: number | undefined): string {
  return (
    `Training diverged at epoch ${epoch}, step ${step}: the loss became ${loss}. ` +
    `Try a lower learning rate${lr === undefined ? "" : ` (it was ${lr})`} or gradient clipping (e.g. clipGradNorm: 1). ` +
    `The history up to that step is in error.history.`
  );
}

export class DivergenceError extends Error {
  override readonly name = "DivergenceError";
  readonly epoch: number;
  readonly step: number;
  /** Everything recorded up to and including the step that diverged. */
  readonly history: History;

  constructor(epoch: number, step: number, loss: number, lr: number | undefined, history: History) {
    super(divergenceMessage(epoch, step, loss, lr));
    this.epoch = epoch;
    this.step = step;
    this.history = history;
  }
}
