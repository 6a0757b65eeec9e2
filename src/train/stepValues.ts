/**
 * The values `fit` records per step, by name. They travel as one small tensor per step (so the
 * loop reads the device in batches, not every step); `StepValueLayout` is the one place that
 * knows the order they are packed in.
 */
import type * as tf from "@tensorflow/tfjs";
import { fusedPackValues, type PackSlot } from "../backend/fused";

/** A norm taken while packing: the global L2 norm of these tensors (as `transforms.globalNorm`). */
export interface NormOf {
  readonly normOf: readonly tf.Tensor[];
}

/** One step's recorded values, on the device (norms may be left to the packing kernel). */
export interface StepTensors {
  loss: tf.Scalar;
  penalty?: tf.Scalar;
  gradNorm?: tf.Scalar | NormOf;
  weightNorm?: tf.Scalar | NormOf;
  /** In the order of the layout's metric names. */
  metrics: tf.Scalar[];
}

/** The same values, read. */
export interface StepNumbers {
  loss: number;
  penalty?: number;
  gradNorm?: number;
  weightNorm?: number;
  metrics: number[];
}

type Optional = "penalty" | "gradNorm" | "weightNorm";
const OPTIONAL: readonly Optional[] = ["penalty", "gradNorm", "weightNorm"];

export class StepValueLayout {
  /** The optional values every step of this run records. */
  private readonly present: Optional[];

  constructor(
    recorded: Record<Optional, boolean>,
    readonly metricNames: readonly string[],
  ) {
    this.present = OPTIONAL.filter((name) => recorded[name]);
  }

  /** Values per packed step. */
  get width(): number {
    return 1 + this.present.length + this.metricNames.length;
  }

  /**
   * One tensor holding `values` (which must have exactly the values this layout records): one
   * kernel on cpu and wasm, norms included (backend/fused/packValues.ts).
   */
  pack(values: StepTensors): tf.Tensor1D {
    const slots: PackSlot[] = [values.loss];
    for (const name of this.present) {
      const value = values[name];
      if (!value) throw new Error(`StepValueLayout.pack: missing ${name}`);
      slots.push(value);
    }
    if (values.metrics.length !== this.metricNames.length) throw new Error("StepValueLayout.pack: metric count");
    return fusedPackValues([...slots, ...values.metrics]);
  }

  /** `values` as one packed row (float32, as {@link pack}'s tensor holds them), for steps computed off tfjs. */
  row(values: StepNumbers): Float32Array {
    const row = new Float32Array(this.width);
    row[0] = values.loss;
    let at = 1;
    for (const name of this.present) {
      const value = values[name];
      if (value === undefined) throw new Error(`StepValueLayout.row: missing ${name}`);
      row[at++] = value;
    }
    if (values.metrics.length !== this.metricNames.length) throw new Error("StepValueLayout.row: metric count");
    row.set(values.metrics, at);
    return row;
  }

  /** The values of one packed row, by name. */
  unpack(row: ArrayLike<number>): StepNumbers {
    const numbers: StepNumbers = { loss: row[0], metrics: [] };
    let at = 1;
    for (const name of this.present) numbers[name] = row[at++];
    for (let i = 0; i < this.metricNames.length; i++) numbers.metrics.push(row[at++]);
    return numbers;
  }
}
