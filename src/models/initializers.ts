/**
 * Seeded weight initialisers. The scale of the initial weights decides whether activations and
 * gradients vanish or explode in deep nets, so the tutorials pick them explicitly.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * - `"he"`: N(0, 2/fan_in) truncated at 2σ (tfjs heNormal), for ReLU. tfjs does not correct the
 *   variance for the cut (Keras divides σ by 0.8796), so the weights' std is 0.88·√(2/fan_in);
 *   PyTorch's `kaiming_normal_` is the uncut normal.
 * - `"xavier"`: U(±√(6/(fan_in+fan_out))) (Glorot), for tanh/sigmoid.
 * - `"lecun"`: N(0, 1/fan_in) truncated (lecunNormal), for SELU/linear.
 * - `{ std }`: plain N(0, std²) with a fixed std, to show vanishing (small std) or exploding (large std) signals.
 * - `"zeros"`.
 */
export type Init = "he" | "xavier" | "lecun" | "zeros" | { std: number };

export function invalidInitMessage(init: unknown): string {
  return `Invalid init: ${JSON.stringify(init)} (expected "he", "xavier", "lecun", "zeros" or { std: number > 0 })`;
}

/** A tfjs initializer for `init`, seeded with `seed` (same seed → same weights). */
export function initializer(init: Init, seed: number): ReturnType<typeof tf.initializers.zeros> {
  if (init === "he") return tf.initializers.heNormal({ seed });
  if (init === "xavier") return tf.initializers.glorotUniform({ seed });
  if (init === "lecun") return tf.initializers.leCunNormal({ seed });
  if (init === "zeros") return tf.initializers.zeros();
  if (
    typeof init === "object" &&
    init !== null &&
    typeof init.std === "number" &&
    init.std > 0 &&
    Number.isFinite(init.std)
  ) {
    return tf.initializers.randomNormal({ mean: 0, stddev: init.std, seed });
  }
  throw new Error(invalidInitMessage(init));
}

/** Throws {@link invalidInitMessage} early, before any layer is built. */
export function checkInit(init: Init): Init {
  initializer(init, 0);
  return init;
}
