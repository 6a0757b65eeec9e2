import type { LrControlled } from "./lrControlled";
import { schedulerOptions, withoutLr } from "./validate";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";

/** A function of the epoch (torch's `lr_lambda`). */
export type LrLambda = (epoch: number) => number;

/** Options of {@link LambdaLR} (torch's `lr_lambda`, `last_epoch`). */
export interface LambdaLROptions extends LastEpochOption {
  /** The factor of the base lr at each epoch; or one function per parameter group. Required. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/** One function per group, from one function or a list (torch's check of the list's length). */
export function lambdasPerGroup(groups: number, given: unknown, option: string): LrLambda[] {
  const list = Array.isArray(given) ? (given as unknown[]) : Array.from({ length: groups }, () => given);
  if (list.length !== groups) throw new RangeError(messages.lrLambdaCountMessage(groups, list.length));
  for (const fn of list) if (typeof fn !== "function") throw new TypeError(messages.notAFunctionMessage(option, fn));
  return list as LrLambda[];
}

/**
 * lr = base lr × `lrLambda(epoch)` (torch.optim.lr_scheduler.LambdaLR). Not chainable: it sets
 * the lr from the base lr. The functions are not saved by `stateDict()` (torch saves only
 * callable objects' attributes; plain functions are skipped too).
 */
export class LambdaLR extends LRScheduler<Record<string, never>> {
  static override readonly schedulerName = "LambdaLR";
  protected settings: Record<string, never> = {};
  private readonly lambdas: LrLambda[];

  constructor(optimizer: LrControlled, options: LambdaLROptions) {
    super(optimizer, schedulerOptions("LambdaLR", options, ["lrLambda", "lastEpoch"]).lastEpoch);
    this.lambdas = lambdasPerGroup(this.groups.length, options.lrLambda, "lrLambda");
    this.initialStep();
  }

  protected computeLr(_lr: number, baseLr: number, _group: LrControlled, index: number): number {
    return baseLr * this.lambdas[index](this.lastEpoch);
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: LambdaLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new LambdaLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: LambdaLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new LambdaLR(opt, withoutLr(options)), options.lr);
  }
}
