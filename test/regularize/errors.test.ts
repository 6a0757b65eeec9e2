import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as regularize from "../../src/regularize";

function assertThrowsClean(f: () => unknown, message: string): void {
  const before = tf.memory().numTensors;
  assert.throws(f, { message });
  assert.equal(tf.memory().numTensors, before, "no tensors leaked on the error path");
}

describe("regularizers reject bad inputs with exact messages", () => {
  const w = tf.variable(
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
    true,
    "errors/w",
  );
  const b = tf.variable(tf.tensor1d([1, 2]), true, "errors/bias");
  const g = tf.tensor1d([1, 2, 3]);

  it("negative penalty coefficient", () => {
    assertThrowsClean(() => regularize.l2Penalty({ w }, -1), "l2Penalty: coef must be a finite number >= 0, got -1");
    assertThrowsClean(
      () => regularize.elasticNet({ w }, { l1: 0.1, l2: NaN }),
      "elasticNet: l2 must be a finite number >= 0, got NaN",
    );
  });

  it("something that is not a tensor", () => {
    assertThrowsClean(
      () => regularize.l1Penalty({ w: [1, 2] as unknown as tf.Tensor }, 0.1),
      'l1Penalty: "w" is not a tf.Tensor (pass a {name: tensor} map, as tf.variableGrads returns, or an array of tensors)',
    );
    assertThrowsClean(
      () => regularize.clipGradNorm([g, 3 as unknown as tf.Tensor], 1),
      "clipGradNorm: gradient 1 is not a tf.Tensor (pass a {name: tensor} map, as tf.variableGrads returns, or an array of tensors)",
    );
  });

  it("clipGradNorm: bad normType and maxNorm", () => {
    assertThrowsClean(
      () => regularize.clipGradNorm([g], 1, { normType: 0 }),
      "clipGradNorm: normType must be a positive number or Infinity, got 0",
    );
    assertThrowsClean(
      () => regularize.clipGradNorm([g], -1),
      "clipGradNorm: maxNorm must be a finite number >= 0, got -1",
    );
  });

  it("clipGradNorm: errorIfNonfinite uses torch's message", () => {
    const bad = tf.tensor1d([1, NaN]);
    assertThrowsClean(
      () => regularize.clipGradNorm([bad], 1, { errorIfNonfinite: true }),
      "The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`",
    );
    const inf = tf.tensor1d([1, Infinity]);
    assertThrowsClean(
      () => regularize.clipGradNorm([inf], 1, { normType: Infinity, errorIfNonfinite: true }),
      "The total norm of order inf for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`",
    );
    // Without the option, torch scales by the non-finite norm anyway.
    const scaled = regularize.clipGradNorm([inf], 1);
    assert.equal(scaled.totalNorm.dataSync()[0], Infinity);
    tf.dispose([bad, inf, scaled.grads, scaled.totalNorm]);
  });

  it("clipGradNorm of no gradients has total norm 0, like torch", () => {
    const none = regularize.clipGradNorm({}, 1);
    assert.deepEqual(none.grads, {});
    assert.equal(none.totalNorm.dataSync()[0], 0);
    none.totalNorm.dispose();
  });

  it("clipGradValue: negative clip value", () => {
    assertThrowsClean(
      () => regularize.clipGradValue([g], -0.5),
      "clipGradValue: clipValue must be a finite number >= 0, got -0.5",
    );
  });

  it("maxNorm: axis out of range, bad maxValue, non-variable in applyMaxNorm", () => {
    assertThrowsClean(
      () => regularize.maxNorm(w, 1, { axis: 2 }),
      "maxNorm: axis 2 is out of range for a weight of rank 2",
    );
    assertThrowsClean(() => regularize.maxNorm(w, -1), "maxNorm: maxValue must be a finite number >= 0, got -1");
    const t = tf.ones([2, 2]);
    assertThrowsClean(
      () => regularize.applyMaxNorm({ t }, 1),
      'applyMaxNorm: "t" is not a tf.Variable; pruning and max-norm rewrite weights in place, so pass variables',
    );
    t.dispose();
  });

  it("Pruner: bad amount, scope, unknown name, use after dispose", () => {
    const pruner = new regularize.Pruner({ w, b });
    assert.deepEqual(pruner.names, ["w"], "the bias is excluded by default");
    assertThrowsClean(() => pruner.prune(1.5), "Pruner.prune: amount must be a fraction in [0, 1], got 1.5");
    assertThrowsClean(() => pruner.mask("b"), 'Pruner: no pruned weight named "b" (pruned weights: w)');
    assert.throws(() => new regularize.Pruner({ w }, { scope: "model" as "global" }), {
      message: 'Pruner: scope must be "global" or "layer", got "model"',
    });
    pruner.dispose();
    assert.throws(() => pruner.apply(), { message: "Pruner: this pruner was disposed; create a new one" });
  });
});

describe("weight selection", () => {
  it("excludes rank-≤1 weights whose name's last segment mentions bias, keeps everything else", () => {
    const vec = tf.zeros([3]);
    const mat = tf.zeros([3, 3]);
    assert.equal(regularize.isBiasLike("dense_Dense1/bias", vec), true);
    assert.equal(regularize.isBiasLike("b_bias", vec), true);
    assert.equal(regularize.isBiasLike("bias/w", vec), false, "only the last segment counts");
    assert.equal(regularize.isBiasLike("w", vec), false, "a rank-1 weight vector is kept");
    assert.equal(regularize.isBiasLike("bias", mat), false, "rank 2 is never a bias");
    assert.equal(regularize.isBiasLike("b", vec), true, "the { w, b } convention");
    assert.equal(regularize.isBiasLike("beta", vec), false);
    const named = tf.variable(tf.zeros([3]), true, "layer/bias");
    assert.equal(regularize.isBiasLike("offset", named), true, "the variable's own name counts too");
    tf.dispose([vec, mat, named]);
  });

  it("a custom filter replaces the bias rule", () => {
    tf.tidy(() => {
      const weights = { "a/kernel": tf.ones([2, 2]), "a/bias": tf.ones([2]), "b/kernel": tf.fill([2], 3) };
      assert.equal(regularize.l1Penalty(weights, 1).dataSync()[0], 4 + 6);
      assert.equal(regularize.l1Penalty(weights, 1, { filter: (name) => name.startsWith("a/") }).dataSync()[0], 4 + 2);
    });
  });
});

describe("regularizers in a training loop", () => {
  it("penalties work inside tf.variableGrads with the right gradient and leak nothing", () => {
    const w = tf.variable(
      tf.tensor2d([
        [1, -2],
        [3, 0.5],
      ]),
      true,
      "loop/w",
    );
    const bias = tf.variable(tf.tensor1d([5, 5]), true, "loop/bias");
    const f = () => tf.add(regularize.l2Penalty({ w, bias }, 0.5), regularize.l1Penalty([w, bias], 0.1)) as tf.Scalar;
    const first = tf.variableGrads(f);
    // d/dw [0.5·Σw² + 0.1·Σ|w|] = w + 0.1·sign(w); the bias gets no penalty.
    assert.deepEqual(
      Array.from(first.grads["loop/w"].dataSync()).map((v) => Math.round(v * 1e5) / 1e5),
      [1.1, -2.1, 3.1, 0.6],
    );
    assert.equal(first.grads["loop/bias"], undefined, "no gradient path to the bias");
    tf.dispose([first.value, ...Object.values(first.grads)]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(f);
      const clipped = regularize.clipGradNorm(grads, 1);
      const valued = regularize.clipGradValue(grads, 0.5);
      tf.dispose([value, grads, clipped.grads, clipped.totalNorm, valued]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([w, bias]);
  });

  it("a pruner keeps pruned entries at zero through optimizer steps", () => {
    const w = tf.variable(
      tf.tensor2d([
        [0.1, -2],
        [3, -0.05],
      ]),
      true,
      "loop/pruned",
    );
    const pruner = new regularize.Pruner([w]);
    pruner.prune(0.5);
    assert.deepEqual(Array.from(pruner.mask("loop/pruned").dataSync()), [0, 1, 1, 0]);
    const opt = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar);
      const masked = pruner.maskGradients(grads);
      assert.deepEqual(
        Array.from(masked["loop/pruned"].dataSync()).map((v) => v === 0),
        [true, false, false, true],
      );
      opt.applyGradients(masked);
      pruner.apply();
      tf.dispose([value, grads, masked]);
    }
    const values = Array.from(w.dataSync());
    assert.ok(values[0] === 0 && values[3] === 0, "pruned entries stay zero");
    assert.ok(values[1] !== -2 && values[2] !== 3, "kept entries train");
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(pruner.sparsity(), { layers: { "loop/pruned": 0.5 }, total: 0.5 });
    pruner.dispose();
    opt.dispose();
    w.dispose();
  });

  it("maxNorm, applyMaxNorm, penalties, Pruner and sparsity leak nothing across repeated calls", () => {
    const kernel = tf.variable(
      tf.tensor2d([
        [3, 0.1],
        [4, 0.2],
      ]),
      true,
      "leak/kernel",
    );
    const bias = tf.variable(tf.tensor1d([1, 1]), true, "leak/bias");
    const pruner = new regularize.Pruner({ kernel });
    const round = () => {
      regularize.maxNorm(kernel, 1).dispose();
      regularize.applyMaxNorm({ kernel, bias }, 2);
      regularize.elasticNet({ kernel, bias }, { l1: 0.1, l2: 0.1 }).dispose();
      pruner.prune(0.25);
      pruner.apply();
      pruner.sparsity();
    };
    round();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) round();
    assert.equal(tf.memory().numTensors, before);
    // Column norms were 5 and ~0.22: the first column is rescaled to norm 2, the second kept.
    const [a, , c] = Array.from(kernel.dataSync());
    assert.ok(Math.abs(Math.hypot(a, c) - 2) < 1e-5);
    pruner.dispose();
    tf.dispose([kernel, bias]);
  });
});

describe('messages quote a string value, so that "0.1" does not read as the number 0.1', () => {
  it("regularizers, losses, data, models, tune", async () => {
    const { messages: regularizeMessages } = await import("../../src/regularize");
    const { messages: lossMessages } = await import("../../src/losses");
    const { invalidBatchSizeMessage } = await import("../../src/data/loader");
    const { invalidFractionMessage } = await import("../../src/data/preprocess");
    const { invalidTrialsMessage } = await import("../../src/tune/search");
    const w = tf.ones([2]);
    assert.throws(() => regularize.l2Penalty({ w }, "0.1" as never), {
      message: 'l2Penalty: coef must be a finite number >= 0, got "0.1"',
    });
    w.dispose();
    assert.equal(
      regularizeMessages.dropoutProbability("0.5"),
      'dropout probability has to be between 0 and 1, but got "0.5"',
    );
    assert.equal(lossMessages.labelSmoothingRange("0.1"), 'labelSmoothing must be between 0.0 and 1.0. Got: "0.1"');
    assert.equal(lossMessages.nonPositiveDelta("1"), 'huber does not support non-positive values for delta (got "1")');
    assert.match(invalidBatchSizeMessage("32"), /^Invalid batchSize: "32" /);
    assert.match(invalidFractionMessage("0.2"), /^Invalid validation fraction: "0.2" /);
    assert.match(invalidTrialsMessage("5"), /^Invalid trials: "5" /);
  });
});
