import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Adam, lrScheduler, SGD } from "../../src/optim";
import { scaleByLearningRate } from "../../src/transforms";
import { assertSequenceClose, loadSchedulerCases } from "./fixtures";

describe("schedulers drive optimlab's optimizers", () => {
  it("the torch OneCycleLR/Adam fixture holds on optim.Adam: lr and beta1", () => {
    const c = loadSchedulerCases().find((k) => k.name === "OneCycleLR Adam beta1");
    assert.ok(c && c.beta1, "fixture present");
    const adam = new Adam({ lr: c.lr });
    const sched = new lrScheduler.OneCycleLR(adam, c.chain[0].options as unknown as lrScheduler.OneCycleLROptions);
    const lrs = [adam.lr];
    const beta1 = [adam.betas[0]];
    for (let i = 0; i < c.steps; i++) {
      sched.step();
      lrs.push(adam.lr);
      beta1.push(adam.betas[0]);
    }
    assertSequenceClose(lrs, c.lrs, "lr");
    assertSequenceClose(beta1, c.beta1, "beta1");
    assert.equal(adam.betas[1], 0.999, "beta2 untouched");
    adam.dispose();
  });

  it("the scheduled lr is the one optim.SGD applies at each step", () => {
    // loss = Σx has gradient 1, so plain SGD moves x by −lr per step.
    const x = tf.variable(tf.zeros([1]), true, "sched/x");
    const sgd = new SGD({ lr: 0.5 });
    const sched = new lrScheduler.StepLR(sgd, { stepSize: 2, gamma: 0.1 });
    const used: number[] = [];
    for (let i = 0; i < 5; i++) {
      used.push(sgd.lr);
      const { value, grads } = tf.variableGrads(() => tf.sum(x) as tf.Scalar);
      sgd.applyGradients(grads);
      tf.dispose([value, grads]);
      sched.step();
    }
    assertSequenceClose(used, [0.5, 0.5, 0.05, 0.05, 0.005], "lr per step");
    const expected = -used.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(x.dataSync()[0] - expected) < 1e-6, `x = ${x.dataSync()[0]}, expected ${expected}`);
    sgd.dispose();
    x.dispose();
  });

  it("a pure schedule plugs into the lr of a chain (count → lr)", () => {
    const schedule = lrScheduler.CosineAnnealingLR.schedule({ lr: 1, tMax: 4 });
    const curve = lrScheduler.CosineAnnealingLR.curve({ lr: 1, tMax: 4 }, 5);
    assert.deepEqual([0, 1, 2, 3, 4].map(schedule), curve);
    assert.ok(Math.abs(schedule(2) - 0.5) < 1e-12, "halfway down the cosine");
    assert.ok(Math.abs(schedule(4)) < 1e-12, "reaches etaMin = 0 at tMax");
  });

  it("a pure schedule drives transforms.scaleByLearningRate: update t is scaled by −schedule(t)", () => {
    const options = { maxLr: 0.4, totalSteps: 6, threePhase: true };
    const schedule = lrScheduler.OneCycleLR.schedule(options);
    const expected = lrScheduler.OneCycleLR.curve(options, 7);
    const transform = scaleByLearningRate(schedule);
    const params = { x: tf.ones([2]) };
    let state = transform.init(params);
    const before = tf.memory().numTensors;
    for (let t = 0; t < 7; t++) {
      const grads = { x: tf.ones([2]) };
      const [updates, next] = transform.update(grads, state);
      state = next;
      const scale = updates.x.dataSync()[0];
      assert.ok(Math.abs(scale + expected[t]) < 1e-7, `update ${t}: ${scale} vs −${expected[t]}`);
      tf.dispose([grads, updates]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(params);
  });
});
