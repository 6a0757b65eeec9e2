/**
 * `fit`'s per-step gradNorm taken in the optimizer's own kernel pass (wasm; off by default, see
 * `normsFromOptimizerPass`): the History (loss,
 * gradNorm, weightNorm) and the trained weights must be the bits of the separate norm pass
 * (`normsFromOptimizerPass` off), for the MLP and LeNet with Adam, SGD with momentum and AdamW;
 * with clipping (the gradient norm is the clip's, taken before the update: the optimizer is not
 * asked) and with an optimizer that runs link by link (no sums: today's pass) as well. No tensor
 * is left behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { fit, type FitOptions } from "../../src/train/fit";
import type { History } from "../../src/train/history";
import { normsFromOptimizerPass } from "../../src/train/trainStep";
import { lenet, mlp } from "../../src/models/builders";
import { crossEntropy } from "../../src/losses";
import { Adam } from "../../src/optim/adam";
import { AdamW } from "../../src/optim/adamw";
import { SGD } from "../../src/optim/sgd";
import { Rprop } from "../../src/optim/rprop";
import { ChainOptimizer } from "../../src/optim/chainOptimizer";
import type { StepSquares } from "../../src/transforms/elementwiseStep";
import { sumOfSquaresOn } from "../../src/backend/fused/wasmSumOfSquares";
import { tensorData, wasmMemory, type WasmBackend } from "../../src/backend/wasmKernels/wasmBackend";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

const CLASSES = 10;

function dataset(n: number, features: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return {
    x: tf.tensor2d(uniform(n * features, seed, 0, 1), [n, features]),
    y: tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 7 + seed) % CLASSES),
      "int32",
    ),
  };
}

/** Σ x² as the separate wasm pass takes it (the order the recorded norms have always had). */
function separatePass(t: tf.Tensor): number {
  const wasm = tf.backend() as unknown as WasmBackend;
  const memory = wasmMemory(wasm) as WebAssembly.Memory;
  return sumOfSquaresOn(memory)(tensorData(wasm, t).memoryOffset, t.size);
}

/**
 * Counts the steps whose kernel handed out the sums (and the variables it took them for), and
 * checks each sum, as a double, against the separate pass over the gradient (the float32 norm
 * alone would rarely show a different order).
 */
async function countingSquares<T>(run: () => Promise<T>): Promise<{ result: T; taken: number[] }> {
  const proto = ChainOptimizer.prototype;
  const original = proto.applyGradientsTakingSquares;
  const taken: number[] = [];
  proto.applyGradientsTakingSquares = function (this: ChainOptimizer, grads: tf.NamedTensorMap, squares: StepSquares) {
    original.call(this, grads, squares);
    taken.push(squares.gradients.size);
    for (const [name, sum] of squares.gradients) assert.ok(Object.is(sum, separatePass(grads[name])), `Σ g² ${name}`);
  };
  try {
    return { result: await run(), taken };
  } finally {
    proto.applyGradientsTakingSquares = original;
  }
}

interface Run {
  history: unknown;
  weights: Float32Array[];
  taken: number[];
}

/** The recorded values without timings. */
function values(history: History): unknown {
  return {
    steps: history.steps.map(({ time: _time, ...rest }) => rest),
    epochs: history.epochs.map(({ time: _time, samplesPerSecond: _rate, ...rest }) => rest),
  };
}

async function train(
  make: () => tf.LayersModel,
  initial: tf.Tensor[],
  optimizer: () => tf.Optimizer,
  data: { x: tf.Tensor; y: tf.Tensor },
  options: Partial<FitOptions>,
  fromOptimizer: boolean,
): Promise<Run> {
  const model = make();
  model.setWeights(initial);
  const opt = optimizer();
  const setting = normsFromOptimizerPass.enabled;
  normsFromOptimizerPass.enabled = fromOptimizer;
  try {
    const { result: history, taken } = await countingSquares(() =>
      fit(model, {
        optimizer: opt,
        loss: crossEntropy,
        train: data,
        epochs: 2,
        batchSize: 16,
        seed: 3,
        progress: false,
        ...options,
      }),
    );
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    return { history: values(history), weights, taken };
  } finally {
    normsFromOptimizerPass.enabled = setting;
    opt.dispose();
    model.dispose();
  }
}

const MODELS = [
  { what: "MLP 37-19-10", make: () => mlp({ sizes: [37, 19, CLASSES], seed: 5 }), features: 37, n: 85 },
  { what: "LeNet", make: () => lenet({ seed: 5 }), features: 28 * 28, n: 40 },
];
const OPTIMIZERS = [
  { what: "Adam", make: () => new Adam({ lr: 0.01 }) },
  { what: "SGD momentum", make: () => new SGD({ lr: 0.05, momentum: 0.9 }) },
  { what: "AdamW", make: () => new AdamW({ lr: 0.01, weightDecay: 0.05 }) },
];

for (const model of MODELS) {
  test(`fit on wasm, ${model.what}: the norms from the optimizer's pass are the separate passes' bits`, async () => {
    await setUpWasm();
    assert.ok(await tf.setBackend("wasm"));
    // taken: per step, how many gradients' sums the optimizer handed out (undefined: it was not asked).
    type Taken = "all" | "none" | "not asked";
    const cases: { what: string; optimizer: () => tf.Optimizer; options: Partial<FitOptions>; taken: Taken }[] = [
      ...OPTIMIZERS.map((o) => ({ what: o.what, optimizer: o.make, options: {}, taken: "all" as Taken })),
      {
        what: "Adam + clipGradNorm",
        optimizer: OPTIMIZERS[0].make,
        options: { clipGradNorm: 0.5 },
        taken: "not asked",
      },
      { what: "Adam, norms per epoch", optimizer: OPTIMIZERS[0].make, options: { norms: "epoch" }, taken: "not asked" },
      { what: "Rprop (link by link)", optimizer: () => new Rprop({ lr: 0.01 }), options: {}, taken: "none" },
    ];
    for (const c of cases) {
      const data = dataset(model.n, model.features, 11);
      const initial = tf.tidy(() =>
        model
          .make()
          .getWeights()
          .map((w) => w.clone()),
      );
      const before = tf.memory().numTensors;
      const fused = await train(model.make, initial, c.optimizer, data, c.options, true);
      const fusedTensors = tf.memory().numTensors;
      const separate = await train(model.make, initial, c.optimizer, data, c.options, false);
      assert.equal(fusedTensors, before, `${c.what}: no tensor left by the run`);
      assert.equal(tf.memory().numTensors, before, `${c.what}: no tensor left by the reference run`);
      const steps = 2 * Math.ceil(model.n / 16);
      const variables = initial.length;
      // The fused run really took the sums for every variable at every step (or, link by link, none).
      const expected = c.taken === "not asked" ? [] : new Array<number>(steps).fill(c.taken === "all" ? variables : 0);
      assert.deepEqual(fused.taken, expected, c.what);
      assert.deepEqual(separate.taken, [], `${c.what}: the reference run takes the separate passes`);
      assert.deepEqual(fused.history, separate.history, `${c.what}: History`);
      assert.deepEqual(fused.weights, separate.weights, `${c.what}: final weights`);
      const recorded = (fused.history as { steps: { gradNorm?: number; weightNorm?: number }[] }).steps;
      const normsPerStep = c.options.norms === undefined;
      assert.ok(
        recorded.every((s) => (s.gradNorm! > 0 && s.weightNorm! > 0) === normsPerStep),
        `${c.what}: norms recorded per step or not`,
      );
      tf.dispose([...initial, data.x, data.y]);
    }
  });
}
