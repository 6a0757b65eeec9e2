/**
 * Seeded weight initialisers. The scale of the initial weights decides whether activations and
 * gradients vanish or explode in deep nets, so the tutorials pick them explicitly.
 */
import * as tf from "@tensorflow/tfjs";
import { registeredLayerClass } from "./registeredLayerClass";

/**
 * - `"he"`: N(0, 2/fan_in), the plain (uncut) normal of PyTorch's
 *   `kaiming_normal_(w, mode="fan_in", nonlinearity="relu")`, for ReLU.
 * - `"xavier"`: U(±√(6/(fan_in+fan_out))) (Glorot), for tanh/sigmoid.
 * - `"lecun"`: N(0, 1/fan_in), uncut: `kaiming_normal_(w, nonlinearity="linear")`, for SELU/linear.
 * - `{ std }`: plain N(0, std²) with a fixed std, to show vanishing (small std) or exploding (large std) signals.
 * - `"zeros"`.
 */
export type Init = "he" | "xavier" | "lecun" | "zeros" | { std: number };

type Initializer = ReturnType<typeof tf.initializers.ones>;
type InitializerClass = (abstract new () => Initializer) & Pick<typeof tf.serialization.Serializable, "fromConfig">;

/**
 * tfjs-layers' `Initializer` base class, which is not in tfjs's exports: a layer takes an
 * initializer object only if it is an instance of it (otherwise it tries to deserialize it).
 */
const InitializerBase = Object.getPrototypeOf(
  registeredLayerClass<InitializerClass>("Zeros", "models.initializer"),
) as InitializerClass;

/** torch's error for a tensor without fan_in (`_calculate_fan_in_and_fan_out`), word for word. */
export function fanInDimensionsMessage(): string {
  return "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions";
}

/**
 * fan_in of a kernel in tfjs's layout, as torch computes it for the same kernel in its own: a dense
 * kernel is [in, out] (torch: [out, in]) → in; a conv kernel is [k…, in, out] (torch:
 * [out, in, k…]) → in·∏k (torch's in·receptive field size).
 */
export function fanIn(shape: readonly number[]): number {
  if (shape.length < 2) throw new Error(fanInDimensionsMessage());
  const receptiveField = shape.slice(0, -2).reduce((product, k) => product * k, 1);
  return shape[shape.length - 2] * receptiveField;
}

export interface KaimingNormalArgs {
  /** torch's `calculate_gain`: √2 for ReLU ("he"), 1 for linear ("lecun"). */
  gain: number;
  seed: number;
}

/**
 * PyTorch's `kaiming_normal_(w, mode="fan_in")`: N(0, σ²) with σ = gain/√fan_in, not truncated,
 * seeded. (tfjs's `heNormal`/`leCunNormal`/`varianceScaling` cut the normal at 2σ without
 * correcting the variance: σ·0.88.) Registered, so a saved model's layers load with it.
 */
export class KaimingNormal extends InitializerBase {
  static readonly className = "OptimlabKaimingNormal";
  readonly gain: number;
  readonly seed: number;

  constructor(args: KaimingNormalArgs) {
    super();
    this.gain = args.gain;
    this.seed = args.seed;
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const std = this.gain / Math.sqrt(fanIn(shape));
    return tf.randomNormal(shape, 0, std, dtype === "int32" ? "int32" : "float32", this.seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, seed: this.seed };
  }
}

tf.serialization.registerClass(KaimingNormal);

export function invalidInitMessage(init: unknown): string {
  return `Invalid init: ${JSON.stringify(init)} (expected "he", "xavier", "lecun", "zeros" or { std: number > 0 })`;
}

/** A tfjs initializer for `init`, seeded with `seed` (same seed → same weights). */
export function initializer(init: Init, seed: number): Initializer {
  if (init === "he") return new KaimingNormal({ gain: Math.SQRT2, seed });
  if (init === "xavier") return tf.initializers.glorotUniform({ seed });
  if (init === "lecun") return new KaimingNormal({ gain: 1, seed });
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
