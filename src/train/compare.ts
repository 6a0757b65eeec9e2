/**
 * `compare`: train several optimizer/regularizer configurations from identical initial weights
 * and identical data order, so the curves differ only by the configuration.
 */
import type * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../backend/random";
import { ready } from "../backend";
import { SeededDropout } from "../models/seededDropout";
import { fit, type FitOptions, type Scheduler } from "./fit";
import { DivergenceError } from "./divergence";
import { fitOptionNames } from "./fitOptions";
import { checkOptionNames } from "../messages/options";
import type { History } from "./history";

/**
 * One configuration: what differs between the runs. `O` is its optimizer's class, inferred from
 * `optimizer`, so that `scheduler` gets that optimizer typed (a scheduler needs its `lr`).
 */
export interface CompareConfig<O extends tf.Optimizer = tf.Optimizer> extends Partial<
  Omit<FitOptions, "optimizer" | "scheduler" | "train" | "validation" | "name">
> {
  /** A fresh optimizer for this run (a factory, or an instance used by this run only). */
  optimizer: O | (() => O);
  /** Builds the run's scheduler on its optimizer, e.g. `(opt) => new StepLR(opt, { stepSize: 10 })`. */
  scheduler?: (optimizer: O) => Scheduler;
}

export interface CompareOptions extends Omit<FitOptions, "optimizer" | "scheduler" | "name"> {
  /** The model: a factory (one fresh model per run) or one model whose weights are reset before each run. */
  model: tf.LayersModel | (() => tf.LayersModel);
  /** Start every run from the same initial weights (default true). */
  sameInit?: boolean;
}

export const noConfigsMessage = (): string =>
  "compare needs at least one configuration, e.g. { sgd: { optimizer: () => new optim.SGD({ lr: 0.1 }) } }";

export function duplicateOptimizerMessage(first: string, second: string): string {
  return `compare: configurations "${first}" and "${second}" share one optimizer instance; give each its own (or a factory () => new optim.SGD(…))`;
}

function dropoutLayers(model: tf.LayersModel): SeededDropout[] {
  return model.layers.filter((layer): layer is SeededDropout => layer instanceof SeededDropout);
}

/**
 * Trains one run per configuration and returns the histories keyed by configuration name.
 * With `sameInit` (default) every run starts from the first model's initial weights, sees the
 * batches in the same order, and (for seeded dropout) the same dropout masks.
 *
 * A run that diverges does not end the comparison: its entry is the history up to the step that
 * diverged (`history.info.diverged` says where), as `error.history` of the DivergenceError, and
 * the other runs go on. Any other error ends it; the error then carries the runs completed before
 * it as `error.results` (and the failing run's history as `error.history`).
 *
 * @example
 * const runs = await train.compare(
 *   { sgd: { optimizer: () => new optim.SGD({ lr: 0.1 }) }, adam: { optimizer: () => new optim.Adam({ lr: 1e-3 }) } },
 *   { model: () => models.mlp({ sizes: [2, 16, 2] }), loss: losses.crossEntropy, train, epochs: 20 },
 * );
 */
export async function compare<Optimizers extends { [name: string]: tf.Optimizer }>(
  configs: { [name in keyof Optimizers]: CompareConfig<Optimizers[name]> },
  options: CompareOptions,
): Promise<{ [name in keyof Optimizers]: History }> {
  await ready();
  const names = Object.keys(configs) as Array<keyof Optimizers & string>;
  if (names.length === 0) throw new Error(noConfigsMessage());
  // Every name checked before the first run trains (a typo in the last config used to surface after
  // the others had trained, and was reported as fit's).
  const fitNames = fitOptionNames();
  const sharedNames = [...fitNames.filter((n) => !["optimizer", "scheduler", "name"].includes(n)), "model", "sameInit"];
  checkOptionNames("compare", options, sharedNames);
  const configNames = fitNames.filter((n) => !["train", "validation", "name"].includes(n));
  for (const name of names) checkOptionNames(`compare: config "${name}"`, configs[name], configNames);
  const owners = new Map<tf.Optimizer, string>();
  for (const name of names) {
    const optimizer = configs[name].optimizer;
    if (typeof optimizer === "function") continue;
    const owner = owners.get(optimizer);
    if (owner !== undefined) throw new Error(duplicateOptimizerMessage(owner, name));
    owners.set(optimizer, name);
  }
  const { model: modelSource, sameInit = true, ...shared } = options;
  // One data-order seed for all runs.
  const seed = shared.seed ?? nextSeed();
  const build = typeof modelSource === "function" ? modelSource : () => modelSource;
  let initial: tf.Tensor[] | undefined;
  let dropoutSeeds: number[] | undefined;
  const results = {} as { [name in keyof Optimizers]: History };
  try {
    for (const name of names) {
      const config = configs[name];
      const model = build();
      if (sameInit) {
        if (!initial) {
          initial = model.getWeights().map((w) => w.clone());
          dropoutSeeds = dropoutLayers(model).map((layer) => layer.seed);
        } else {
          model.setWeights(initial);
        }
        dropoutLayers(model).forEach((layer, i) => layer.reseed(dropoutSeeds?.[i] ?? layer.seed));
      }
      const optimizer = typeof config.optimizer === "function" ? config.optimizer() : config.optimizer;
      const { optimizer: _optimizer, scheduler, ...overrides } = config;
      void _optimizer;
      try {
        results[name] = await fit(model, {
          ...shared,
          ...overrides,
          seed,
          optimizer,
          scheduler: scheduler?.(optimizer),
          name,
        });
      } catch (error) {
        // Divergence is a result (a lesson's, often): the run's history up to it, info.diverged set.
        if (error instanceof DivergenceError) results[name] = error.history;
        else {
          // Anything else ends the comparison; the runs completed so far stay on the error.
          if (error instanceof Error && !("results" in error)) Object.assign(error, { results: { ...results } });
          throw error;
        }
      }
    }
  } finally {
    if (initial) for (const tensor of initial) tensor.dispose();
  }
  return results;
}
