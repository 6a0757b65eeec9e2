/** Raised when the training loss becomes NaN or ±Infinity. */
import type { History } from "./history";

export function divergenceMessage(epoch: number, step: number, loss: number, lr: number | undefined): string {
  return (
    `Training diverged at epoch ${epoch}, step ${step}: the loss became ${loss}. ` +
    `Try a lower learning rate${lr === undefined ? "" : ` (it was ${lr})`} or gradient clipping (e.g. clipGradNorm: 1). ` +
    `The history up to that step is in error.history.`
  );
}

/**
 * The loss of a fit's first step is computed before any update, so when it is already NaN or
 * infinite the learning rate is not the cause: `found` names what holds non-finite values
 * (e.g. "train.x", "the model's weights"), if anything was found.
 */
export function firstStepDivergenceMessage(epoch: number, loss: number, found: readonly string[]): string {
  const where =
    found.length > 0
      ? `${found.join(" and ")} ${found.length > 1 ? "hold" : "holds"} NaN or infinite values.`
      : "Check train.x and train.y for NaN or Infinity, labels that the loss ignores in a whole batch (crossEntropy's ignoreIndex), and the model's weights.";
  return (
    `Training diverged at epoch ${epoch}, step 1: the loss was ${loss} before any update, so the learning rate is not the cause. ` +
    `${where} The history up to that step is in error.history.`
  );
}

export class DivergenceError extends Error {
  override readonly name = "DivergenceError";
  readonly epoch: number;
  readonly step: number;
  /** Everything recorded up to and including the step that diverged. */
  readonly history: History;

  /**
   * `found`: at the fit's first step, what holds non-finite values (see
   * {@link firstStepDivergenceMessage}); the message then does not blame the learning rate.
   */
  constructor(
    epoch: number,
    step: number,
    loss: number,
    lr: number | undefined,
    history: History,
    found?: readonly string[],
  ) {
    super(
      found === undefined ? divergenceMessage(epoch, step, loss, lr) : firstStepDivergenceMessage(epoch, loss, found),
    );
    this.epoch = epoch;
    this.step = step;
    this.history = history;
  }
}
