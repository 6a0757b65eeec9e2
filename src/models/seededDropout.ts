/**
 * Dropout whose masks derive from a seed *and* a call counter.
 *
 * Why not `tf.layers.dropout({ seed })`: tfjs honours the seed but then draws the *same* mask at
 * every training step (it reseeds each call), which is not dropout. Without a seed it uses
 * Math.random, which `seed(n)` cannot reproduce. This layer draws mask k from deriveSeed(seed, k).
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../backend/random";
import { dropout } from "../regularize/dropout";
import { shown } from "../regularize/messages";

export function invalidDropoutRateMessage(rate: unknown): string {
  return `Invalid dropout rate: ${shown(rate)} (expected 0 ≤ rate < 1)`;
}

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = "OptimlabSeededDropout";
  readonly rate: number;
  /** Base seed of the masks (see {@link reseed}). */
  seed: number;
  /** Training-mode calls so far; mask k uses deriveSeed(seed, k). */
  calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(invalidDropoutRateMessage(args.rate));
    this.rate = args.rate;
    this.seed = args.seed;
  }

  /** Restarts the mask sequence from `seed` (so two runs can see identical masks). */
  reseed(seed: number): void {
    this.seed = seed;
    this.calls = 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return input;
    const maskSeed = deriveSeed(this.seed, this.calls++);
    // Inverted dropout as torch: keep with probability 1 − p, scale kept units by 1/(1 − p).
    return dropout(input, this.rate, { training: true, seed: maskSeed });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ rate: config.rate, seed: config.seed, name: config.name });
  }
}

tf.serialization.registerClass(SeededDropout);
