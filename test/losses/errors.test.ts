import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as losses from "../../src/losses";

const { messages } = losses;

/** Runs `f` and asserts both the exact error message and that no tensors were left behind. */
function assertThrowsClean(f: () => unknown, message: string): void {
  const before = tf.memory().numTensors;
  assert.throws(f, { message });
  assert.equal(tf.memory().numTensors, before, "no tensors leaked on the error path");
}

describe("losses reject bad inputs with exact messages", () => {
  const a = tf.zeros([2, 3]);
  const b = tf.zeros([2, 4]);
  const logits = tf.zeros([3, 4]);

  for (const name of ["mse", "l1", "huber", "bce", "bceWithLogits"] as const) {
    it(`${name}: shape mismatch`, () => {
      const fn = losses[name] as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
      assertThrowsClean(() => fn(a, b), `${name}: target shape [2,4] must equal input shape [2,3]`);
    });
  }

  it("shape-mismatch message text", () => {
    assert.equal(messages.shapeMismatch("mse", [2, 3], [3]), "mse: target shape [3] must equal input shape [2,3]");
  });

  it("invalid reduction", () => {
    assertThrowsClean(
      () => losses.mse(a, a, { reduction: "avg" } as unknown as { reduction: "mean" }),
      'avg is not a valid value for reduction (use "mean", "sum" or "none")',
    );
  });

  it("integer input", () => {
    const ints = tf.zeros([2, 3], "int32");
    assertThrowsClean(() => losses.l1(ints, a), "l1: input must be a float32 tensor, got int32");
    ints.dispose();
  });

  it("huber: non-positive delta", () => {
    assertThrowsClean(
      () => losses.huber(a, a, { delta: 0 }),
      "huber does not support non-positive values for delta (got 0)",
    );
  });

  it("crossEntropy: logits of rank 3", () => {
    const cube = tf.zeros([2, 3, 4]);
    const labels = tf.tensor1d([0, 1], "int32");
    assertThrowsClean(
      () => losses.crossEntropy(cube, labels),
      "crossEntropy: logits must have shape [N, C] (batch, classes) or [C], got [2,3,4]",
    );
    tf.dispose([cube, labels]);
  });

  it("crossEntropy: labels of the wrong length", () => {
    const labels = tf.tensor1d([0, 1], "int32");
    assertThrowsClean(
      () => losses.crossEntropy(logits, labels),
      "crossEntropy: class-index labels must have shape [3] (one per row of logits), got [2]",
    );
    labels.dispose();
  });

  it("crossEntropy: float labels given as class indices", () => {
    const labels = tf.tensor1d([0, 1, 2]);
    assertThrowsClean(
      () => losses.crossEntropy(logits, labels),
      'crossEntropy: labels of shape [3] must be int32 class indices, got float32; create them with tf.tensor1d(labels, "int32")',
    );
    labels.dispose();
  });

  it("crossEntropy: probability targets of the wrong shape", () => {
    const targets = tf.zeros([3, 5]);
    assertThrowsClean(
      () => losses.crossEntropy(logits, targets),
      "crossEntropy: probability targets must have the logits' shape [3,4], got [3,5]",
    );
    targets.dispose();
  });

  it("crossEntropy: label out of range", () => {
    const labels = tf.tensor1d([0, 4, 1], "int32");
    assertThrowsClean(
      () => losses.crossEntropy(logits, labels),
      "crossEntropy: Target 4 is out of bounds (class indices must be in [0, 4) or equal ignoreIndex -100)",
    );
    labels.dispose();
  });

  it("crossEntropy: class weight of the wrong length", () => {
    const labels = tf.tensor1d([0, 1, 1], "int32");
    assertThrowsClean(
      () => losses.crossEntropy(logits, labels, { weight: [1, 2, 3] }),
      "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]",
    );
    labels.dispose();
  });

  it("crossEntropy: label smoothing out of range", () => {
    const labels = tf.tensor1d([0, 1, 1], "int32");
    assertThrowsClean(
      () => losses.crossEntropy(logits, labels, { labelSmoothing: 1.5 }),
      "labelSmoothing must be between 0.0 and 1.0. Got: 1.5",
    );
    labels.dispose();
  });

  it("crossEntropy: ignoreIndex with probability targets", () => {
    const targets = tf.zeros([3, 4]);
    assertThrowsClean(
      () => losses.crossEntropy(logits, targets, { ignoreIndex: 0 }),
      "crossEntropy: ignoreIndex is not supported for probability targets",
    );
    targets.dispose();
  });

  it("bce: probabilities outside [0, 1]", () => {
    const probs = tf.tensor1d([0.2, 1.5]);
    const targets = tf.tensor1d([0, 1]);
    assertThrowsClean(
      () => losses.bce(probs, targets),
      "bce: all elements of input should be between 0 and 1 (pass probabilities; for logits use bceWithLogits)",
    );
    tf.dispose([probs, targets]);
  });

  it("bceWithLogits: posWeight that does not broadcast", () => {
    assertThrowsClean(
      () => losses.bceWithLogits(a, a, { posWeight: [1, 2] }),
      "bceWithLogits: posWeight of shape [2] does not broadcast to input shape [2,3]",
    );
  });
});

describe("losses in training code", () => {
  it("return scalars usable with tf.variableGrads, and leak nothing across repeated calls", () => {
    const w = tf.variable(
      tf.tensor2d([
        [0.5, -0.2],
        [0.1, 0.3],
      ]),
      true,
      "w",
    );
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const labels = tf.tensor1d([1, 0, 1], "int32");
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const closures: (() => tf.Scalar)[] = [
      () => losses.crossEntropy(tf.matMul(x, w), labels, { labelSmoothing: 0.1 }),
      () => losses.bceWithLogits(tf.matMul(x, w), y, { posWeight: [2, 1] }),
      () => losses.bce(tf.sigmoid(tf.matMul(x, w)), y),
      () => losses.mse(tf.matMul(x, w), y),
      () => losses.l1(tf.matMul(x, w), y, { reduction: "sum" }),
      () => losses.huber(tf.matMul(x, w), y, { delta: 0.5 }),
    ];
    for (const f of closures) {
      const warmup = tf.variableGrads(f);
      tf.dispose([warmup.value, ...Object.values(warmup.grads)]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        const { value, grads } = tf.variableGrads(f);
        assert.equal(value.rank, 0);
        assert.deepEqual(grads.w.shape, [2, 2]);
        tf.dispose([value, ...Object.values(grads)]);
      }
      assert.equal(tf.memory().numTensors, before);
    }
    tf.dispose([w, x, labels, y]);
  });

  it("crossEntropy: an unbatched sample equals the same sample in a batch of one", () => {
    tf.tidy(() => {
      const single = losses.crossEntropy(tf.tensor1d([1, 2, 0.5]), tf.scalar(1, "int32")).dataSync()[0];
      const batch = losses.crossEntropy(tf.tensor2d([[1, 2, 0.5]]), tf.tensor1d([1], "int32")).dataSync()[0];
      assert.equal(single, batch);
      const expected = -(2 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)));
      assert.ok(Math.abs(single - expected) < 1e-6);
    });
  });
});

describe("losses reject unknown options (torch: TypeError … unexpected keyword argument), naming the valid ones", () => {
  const input = tf.zeros([2, 3]);
  const logits = tf.zeros([2, 3]);
  const labels = tf.tensor1d([0, 1], "int32");
  it("crossEntropy: torch's snake_case name, with the camelCase one suggested", () => {
    assertThrowsClean(
      () => losses.crossEntropy(logits, labels, { label_smoothing: 0.5 } as never),
      "crossEntropy() got an unexpected option 'label_smoothing' (did you mean 'labelSmoothing'?); its options are weight, ignoreIndex, labelSmoothing, reduction",
    );
    assert.throws(() => losses.crossEntropy(logits, labels, { label_smoothing: 0.5 } as never), TypeError);
  });
  it("mse: a misspelling", () => {
    assertThrowsClean(
      () => losses.mse(input, input, { reductio: "sum" } as never),
      "mse() got an unexpected option 'reductio' (did you mean 'reduction'?); its options are reduction",
    );
  });
  const cases: [string, () => unknown, string][] = [
    ["l1", () => losses.l1(input, input, { weight: [1] } as never), "weight"],
    ["huber", () => losses.huber(input, input, { beta: 1 } as never), "beta"],
    ["bce", () => losses.bce(input, input, { pos_weight: [1] } as never), "pos_weight"],
    ["bceWithLogits", () => losses.bceWithLogits(input, input, { pos_weight: [1] } as never), "pos_weight"],
  ];
  for (const [name, f, option] of cases)
    it(`${name}: unknown option '${option}'`, () => {
      assert.throws(f, (error: Error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, new RegExp(`^${name}\\(\\) got an unexpected option '${option}'`));
        return true;
      });
    });
  it("the valid options still work, undefined included", () => {
    const value = losses.crossEntropy(logits, labels, { labelSmoothing: 0.1, reduction: undefined });
    assert.equal(value.rank, 0);
    value.dispose();
  });
});
