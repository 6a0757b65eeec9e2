/**
 * Every optimizer whose chain is made of per-element formulas runs a step as one fused kernel
 * dispatch, writing the new state and parameters in place, and gives the bits of its links run
 * one by one (each link's own kernel, then `p + u` as tf.add), on cpu and wasm.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ELEMENTWISE_KERNEL, registerCpuFusedKernels } from "../../src/backend/fused";
import * as optim from "../../src/optim";
import * as T from "../../src/transforms";
import { countKernel, setUpWasm, uniform } from "../wasmKernels/helpers";

const SHAPES = [[9, 5], [5], [5, 2], [2]];

const CONFIGS: [string, () => optim.ChainOptimizer][] = [
  ["SGD", () => new optim.SGD({ lr: 0.1 })],
  ["SGD momentum dampening", () => new optim.SGD({ lr: 0.1, momentum: 0.9, dampening: 0.3 })],
  [
    "SGD nesterov weightDecay maximize",
    () => new optim.SGD({ lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.01, maximize: true }),
  ],
  ["Adam weightDecay amsgrad", () => new optim.Adam({ lr: 0.01, weightDecay: 0.05, amsgrad: true })],
  ["AdamW", () => new optim.AdamW({ lr: 0.01 })],
  ["RMSprop centered momentum", () => new optim.RMSprop({ lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.1 })],
  ["RMSprop", () => new optim.RMSprop({ lr: 0.01 })],
  ["Adagrad lrDecay", () => new optim.Adagrad({ lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
  ["Adadelta", () => new optim.Adadelta({ lr: 1 })],
  ["Adamax", () => new optim.Adamax({ lr: 0.01 })],
  ["NAdam", () => new optim.NAdam({ lr: 0.01 })],
  ["RAdam", () => new optim.RAdam({ lr: 0.01, weightDecay: 0.1 })],
];

function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

for (const backend of ["cpu", "wasm"]) {
  for (const [name, make] of CONFIGS) {
    test(`${backend}: ${name} runs one fused dispatch per step, the bits of its links one by one`, async () => {
      await setUpWasm();
      registerCpuFusedKernels();
      assert.ok(await tf.setBackend(backend));
      const optimizer = make();
      const links = make().transform.links.map((l) => l.transform);
      const variables = SHAPES.map((s, i) =>
        tf.variable(tf.tensor(uniform(sizeOf(s), 7 + i), s), true, `fused${backend}${name}${i}`),
      );
      let copies = variables.map((v) => tf.clone(v).add(0));
      let states = links.map((l) => l.init(copies));
      for (let step = 0; step < 5; step++) {
        const grads = SHAPES.map((s, i) => tf.tensor(uniform(sizeOf(s), 50 * step + i, -1, 1), s));
        const named = Object.fromEntries(variables.map((v, i) => [v.name, grads[i]]));
        const before = tf.memory().numTensors;
        assert.equal(
          countKernel(ELEMENTWISE_KERNEL, () => optimizer.applyGradients(named)),
          1,
          "one dispatch",
        );
        if (step > 0) assert.equal(tf.memory().numTensors, before, "in place: no new tensors");
        // The reference: each link's own update, then p + u.
        let next: T.TransformState[] = [];
        let params: tf.Tensor[] = [];
        tf.tidy(() => {
          let updates: tf.Tensor[] = grads;
          next = links.map((link, l) => {
            const [out, state] = link.update(updates, states[l], copies);
            updates = out;
            for (const t of T.stateTensors(state)) tf.keep(t);
            return state;
          });
          params = copies.map((c, i) => tf.keep(tf.add(c, updates[i])));
        });
        for (const state of states) tf.dispose(T.stateTensors(state));
        tf.dispose([...copies, ...grads]);
        states = next;
        copies = params;
        variables.forEach((v, i) => assert.deepEqual(bits(v), bits(copies[i]), `step ${step}, parameter ${i}`));
      }
      optimizer.dispose();
      for (const state of states) tf.dispose(T.stateTensors(state));
      tf.dispose([...variables, ...copies]);
    });
  }
}

for (const backend of ["cpu", "wasm"]) {
  test(`${backend}: hyperparameters written between steps (momentum off and on, betas) are the ones each step uses`, async () => {
    await setUpWasm();
    registerCpuFusedKernels();
    assert.ok(await tf.setBackend(backend));
    const cases: [string, () => optim.ChainOptimizer, (o: optim.ChainOptimizer, step: number) => void][] = [
      [
        "SGD momentum 0.9 → 0 → 0.5",
        () => new optim.SGD({ lr: 0.1, momentum: 0.9 }),
        (o, step) => {
          if (step === 2) (o as optim.SGD).momentum = 0;
          if (step === 4) (o as optim.SGD).momentum = 0.5;
        },
      ],
      [
        "Adam betas",
        () => new optim.Adam({ lr: 0.01 }),
        (o, step) => {
          if (step === 2) o.paramGroups[0].betas = [0.5, 0.9];
        },
      ],
    ];
    for (const [name, make, change] of cases) {
      const optimizer = make();
      const variables = SHAPES.map((s, i) =>
        tf.variable(tf.tensor(uniform(sizeOf(s), 70 + i), s), true, `hyper${backend}${name}${i}`),
      );
      let copies = variables.map((v) => tf.clone(v).add(0));
      // The reference runs the optimizer's current links one by one on its own state, by link name.
      let states: Record<string, T.TransformState> = {};
      for (let step = 0; step < 6; step++) {
        change(optimizer, step);
        const grads = SHAPES.map((s, i) => tf.tensor(uniform(sizeOf(s), 90 * step + i, -1, 1), s));
        optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, grads[i]])));
        const next: Record<string, T.TransformState> = {};
        let params: tf.Tensor[] = [];
        tf.tidy(() => {
          let updates: tf.Tensor[] = grads;
          for (const { name: link, transform } of optimizer.transform.links) {
            const [out, state] = transform.update(updates, states[link] ?? transform.init(copies), copies);
            updates = out;
            for (const t of T.stateTensors(state)) tf.keep(t);
            next[link] = state;
          }
          params = copies.map((c, i) => tf.keep(tf.add(c, updates[i])));
        });
        const kept = new Set(Object.values(next).flatMap((s) => T.stateTensors(s)));
        tf.dispose(Object.values(states).flatMap((s) => T.stateTensors(s).filter((t) => !kept.has(t))));
        tf.dispose([...copies, ...grads]);
        states = next;
        copies = params;
        variables.forEach((v, i) =>
          assert.deepEqual(bits(v), bits(copies[i]), `${name}, step ${step}, parameter ${i}`),
        );
      }
      optimizer.dispose();
      tf.dispose([...variables, ...copies, ...Object.values(states).flatMap((s) => T.stateTensors(s))]);
    }
  });
}
