import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as regularize from "../../src/regularize";
import { assertAllClose, flatten, loadRegularizeFixtures, tensorOf } from "./fixtures";

const fx = loadRegularizeFixtures();

describe("penalties match torch sums (biases excluded by default)", () => {
  const weights: tf.NamedTensorMap = Object.fromEntries(fx.penalties.weights.map((e) => [e.name, tensorOf(e)]));
  const { l1, l2, elasticNet } = fx.penalties;
  const check = (t: tf.Scalar, expected: number, label: string) => {
    assert.equal(t.rank, 0);
    assertAllClose(t.dataSync(), [expected], label);
    t.dispose();
  };

  it("l1Penalty", () => {
    check(regularize.l1Penalty(weights, l1.coef), l1.value, "l1");
    check(regularize.l1Penalty(weights, l1.coef, { includeBiases: true }), l1.withBiases, "l1 with biases");
  });

  it("l2Penalty", () => {
    check(regularize.l2Penalty(weights, l2.coef), l2.value, "l2");
    check(regularize.l2Penalty(weights, l2.coef, { includeBiases: true }), l2.withBiases, "l2 with biases");
  });

  it("elasticNet", () => {
    check(regularize.elasticNet(weights, { l1: elasticNet.l1, l2: elasticNet.l2 }), elasticNet.value, "elastic net");
  });

  it("accepts arrays of named variables like a map", () => {
    const variables = fx.penalties.weights.map((e) => tf.variable(tensorOf(e), true, `m/${e.name}`));
    check(regularize.l2Penalty(variables, l2.coef), l2.value, "array of variables");
    tf.dispose(variables);
  });
});

describe("clipGradNorm matches torch.nn.utils.clip_grad_norm_", () => {
  const grads = fx.clipGradNorm.grads.map(tensorOf);
  for (const c of fx.clipGradNorm.cases) {
    const normType = c.normType === "Infinity" ? Infinity : c.normType;
    it(`normType ${normType}, maxNorm ${c.maxNorm} (array and map)`, () => {
      const before = tf.memory().numTensors;
      const fromArray = regularize.clipGradNorm(grads, c.maxNorm, { normType });
      assertAllClose(fromArray.totalNorm.dataSync(), [c.totalNorm], "totalNorm");
      fromArray.grads.forEach((g, i) => assertAllClose(g.dataSync(), flatten(c.clipped[i]), `grad ${i}`));
      const map = Object.fromEntries(grads.map((g, i) => [`g${i}`, g]));
      const fromMap = regularize.clipGradNorm(map, c.maxNorm, { normType });
      assert.deepEqual(Object.keys(fromMap.grads), ["g0", "g1", "g2"]);
      Object.values(fromMap.grads).forEach((g, i) =>
        assertAllClose(g.dataSync(), flatten(c.clipped[i]), `map grad ${i}`),
      );
      tf.dispose([fromArray.grads, fromArray.totalNorm, fromMap.grads, fromMap.totalNorm]);
      assert.equal(tf.memory().numTensors, before, "no tensors leaked");
    });
  }
});

describe("clipGradValue matches torch.nn.utils.clip_grad_value_", () => {
  const grads = fx.clipGradNorm.grads.map(tensorOf);
  for (const c of fx.clipGradValue.cases) {
    it(`clipValue ${c.clipValue}`, () => {
      const clipped = regularize.clipGradValue(grads, c.clipValue);
      clipped.forEach((g, i) => assertAllClose(g.dataSync(), flatten(c.clipped[i]), `grad ${i}`));
      tf.dispose(clipped);
    });
  }
});

describe("maxNorm matches torch.renorm on torch's layout", () => {
  const dense = tensorOf(fx.maxNorm.dense);
  const conv = tensorOf(fx.maxNorm.conv);
  for (const c of fx.maxNorm.cases) {
    it(`maxValue ${c.maxValue}: dense kernel [in, out] over axis 0, conv kernel over [0, 1, 2]`, () => {
      tf.tidy(() => {
        assertAllClose(regularize.maxNorm(dense, c.maxValue).dataSync(), flatten(c.dense), "dense");
        assertAllClose(regularize.maxNorm(conv, c.maxValue, { axis: [0, 1, 2] }).dataSync(), flatten(c.conv), "conv");
        assertAllClose(
          regularize.maxNorm(conv, c.maxValue, { axis: [-4, -3, -2] }).dataSync(),
          flatten(c.conv),
          "negative axes",
        );
      });
    });
  }
  it("p = 1", () => {
    tf.tidy(() =>
      assertAllClose(regularize.maxNorm(dense, 2, { p: 1 }).dataSync(), flatten(fx.maxNorm.denseP1MaxValue2), "p=1"),
    );
  });
  it("applyMaxNorm rewrites variables in place and skips biases", () => {
    const kernel = tf.variable(dense.clone(), true, "dense/kernel");
    const bias = tf.variable(tf.tensor1d([10, -10, 10, 10]), true, "dense/bias");
    regularize.applyMaxNorm({ kernel, bias }, fx.maxNorm.cases[0].maxValue);
    assertAllClose(kernel.dataSync(), flatten(fx.maxNorm.cases[0].dense), "kernel");
    assert.deepEqual(Array.from(bias.dataSync()), [10, -10, 10, 10]);
    tf.dispose([kernel, bias]);
  });
});

describe("Pruner masks equal torch.nn.utils.prune's", () => {
  for (const scope of ["layer", "global"] as const) {
    it(`${scope}: two rounds of pruning (amounts compound on the remaining entries)`, () => {
      const a = tf.variable(tensorOf(fx.pruning.a), true, `${scope}/a`);
      const b = tf.variable(tensorOf(fx.pruning.b), true, `${scope}/b`);
      const pruner = new regularize.Pruner({ a, b }, { scope });
      const expected = fx.pruning[scope];
      expected.amounts.forEach((amount, round) => {
        const report = pruner.prune(amount);
        for (const name of ["a", "b"]) {
          const mask = flatten(expected.masks[round][name]);
          assert.deepEqual(Array.from(pruner.mask(name).dataSync()), mask, `${scope} round ${round} mask ${name}`);
          const zeros = mask.filter((m) => m === 0).length;
          assert.equal(report.layers[name], zeros / mask.length);
        }
        const allMasks = [...flatten(expected.masks[round].a), ...flatten(expected.masks[round].b)];
        assert.equal(report.total, allMasks.filter((m) => m === 0).length / allMasks.length);
      });
      // Pruned entries are zero in the variables themselves.
      const finalA = flatten(expected.masks[1].a);
      Array.from(a.dataSync()).forEach((v, i) => {
        if (finalA[i] === 0)
          assert.ok(v === 0, `entry ${i} is pruned`); // -0 counts: torch gives -0 too
        else assert.notEqual(v, 0);
      });
      pruner.dispose();
      tf.dispose([a, b]);
    });
  }
});
