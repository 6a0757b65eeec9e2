/**
 * The values `fit` records per step, by name. They travel as one small tensor per step (so the
 * loop reads the device in batches, not every step); `StepValueLayout` is the one place that
 * knows the order they are packed in.
 */
import * as tf from "@tensorflow/tfjs";

/** One step's recorded values, on the device. */
export interface StepTensors {
  loss: tf.Scalar;
  penalty?: tf.Scalar;
  gradNorm?: tf.Scalar;
  weightNorm?: tf.Scalar;
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

  /** One tensor holding `values` (which must have exactly the values this layout records). */
  pack(values: StepTensors): tf.Tensor1D {
    const slots: tf.Tensor[] = [values.loss];
    for (const name of this.present) {
      const value = values[name];
      if (!value) throw new Error(`StepValueLayout.pack: missing ${name}`);
      slots.push(value);
    }
    if (values.metrics.length !== this.metricNames.length) throw new Error("StepValueLayout.pack: metric count");
    return tf.stack([...slots, ...values.metrics]) as tf.Tensor1D;
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
