/**
 * The fused optimizer step writes the new state and parameters over the old tensors, but only
 * where nothing else holds their data: a clone (`tf.clone` shares the data), a `tf.variable(t)`
 * made from them, or an early-stopping snapshot must keep the values it had. Either way the
 * results are the bits of the link-by-link path, and a learning rate written before every step
 * (a scheduler) is the one that step uses, although the traced program is kept between steps.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { registerCpuFusedKernels } from "../../src/backend/fused";
import { Adam, SGD, type ChainOptimizer } from "../../src/optim";
import * as T from "../../src/transforms";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

const SHAPES = [[13, 7], [7], [7, 3], [3]];
const BACKENDS = ["cpu", "wasm"] as const;

function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

async function onBackend(backend: (typeof BACKENDS)[number]): Promise<void> {
  await setUpWasm();
  registerCpuFusedKernels();
  assert.ok(await tf.setBackend(backend));
}

function makeVariables(prefix: string): tf.Variable[] {
  return SHAPES.map((s, i) => tf.variable(tf.tensor(uniform(sizeOf(s), 3 + i), s), true, `${prefix}/${i}`));
}

function gradsAt(step: number): tf.Tensor[] {
  return SHAPES.map((s, i) => tf.tensor(uniform(sizeOf(s), 1000 * step + i, -2, 2), s));
}

function named(variables: tf.Variable[], grads: tf.Tensor[]): tf.NamedTensorMap {
  return Object.fromEntries(variables.map((v, i) => [v.name, grads[i]]));
}

function adamMoments(optimizer: ChainOptimizer, variable: tf.Variable): tf.Tensor[] {
  const state = optimizer.state as { scaleByAdam: { mu: Record<string, tf.Tensor>; nu: Record<string, tf.Tensor> } };
  return [state.scaleByAdam.mu[variable.name], state.scaleByAdam.nu[variable.name]];
}

for (const backend of BACKENDS) {
  test(`${backend}: the step writes over the parameters and moments in place, with no new tensors`, async () => {
    await onBackend(backend);
    const variables = makeVariables(`inPlace${backend}`);
    const optimizer = new Adam({ lr: 0.01 });
    for (let step = 0; step < 4; step++) {
      const grads = gradsAt(step);
      const dataIds =
        step === 0 ? [] : variables.flatMap((v) => [v, ...adamMoments(optimizer, v)].map((t) => t.dataId));
      const before = tf.memory().numTensors;
      optimizer.applyGradients(named(variables, grads));
      if (step > 0) {
        assert.equal(tf.memory().numTensors, before, "no tensor made or freed");
        const after = variables.flatMap((v) => [v, ...adamMoments(optimizer, v)].map((t) => t.dataId));
        after.forEach((id, i) => assert.equal(id, dataIds[i], `tensor ${i} keeps its data (written in place)`));
      }
      tf.dispose(grads);
    }
    optimizer.dispose();
    tf.dispose(variables);
  });

  test(`${backend}: clones, tf.variable copies and snapshots of parameters and state keep their values`, async () => {
    await onBackend(backend);
    const variables = makeVariables(`held${backend}`);
    const reference = makeVariables(`heldReference${backend}`);
    const optimizer = new Adam({ lr: 0.01, amsgrad: true });
    const plain = new Adam({ lr: 0.01, amsgrad: true });
    for (let step = 0; step < 5; step++) {
      const grads = gradsAt(step);
      // Held at various steps: a clone of a parameter, of each moment, a variable made from a parameter.
      const held: tf.Tensor[] = [];
      if (step >= 1) {
        held.push(tf.clone(variables[0]));
        for (const t of adamMoments(optimizer, variables[1])) held.push(tf.clone(t));
        held.push(tf.variable(variables[2], false));
      }
      const values = held.map(bits);
      optimizer.applyGradients(named(variables, grads));
      plain.applyGradients(named(reference, grads));
      held.forEach((t, i) => assert.deepEqual(bits(t), values[i], `step ${step}: held tensor ${i} unchanged`));
      variables.forEach((v, i) => assert.deepEqual(bits(v), bits(reference[i]), `step ${step}: parameter ${i}`));
      variables.forEach((v, i) => {
        const [mu, nu] = adamMoments(optimizer, v);
        const [muRef, nuRef] = adamMoments(plain, reference[i]);
        assert.deepEqual(bits(mu), bits(muRef), `step ${step}: mu ${i}`);
        assert.deepEqual(bits(nu), bits(nuRef), `step ${step}: nu ${i}`);
      });
      tf.dispose([...grads, ...held]);
    }
    tf.dispose([...variables, ...reference]);
    optimizer.dispose();
    plain.dispose();
  });

  test(`${backend}: a learning rate written before every step is the one that step uses (kept trace, fresh scalars)`, async () => {
    await onBackend(backend);
    const lrs = [0.1, 0.03, 0.5, 0.002, 0.25, 0.07];
    for (const [name, make, links] of [
      ["Adam", () => new Adam({ lr: lrs[0] }), () => [T.scaleByAdam(), T.scaleByLearningRate((t) => lrs[t])]],
      [
        "SGD with momentum",
        () => new SGD({ lr: lrs[0], momentum: 0.9 }),
        () => [T.traceMomentum({ momentum: 0.9 }), T.scaleByLearningRate((t) => lrs[t])],
      ],
    ] as const) {
      const variables = makeVariables(`lr${name}${backend}`);
      const optimizer = make();
      const chain = T.chain(...links());
      let copies = variables.map((v) => tf.clone(v));
      let state = chain.init(copies);
      lrs.forEach((lr, step) => {
        optimizer.lr = lr;
        const grads = gradsAt(step);
        optimizer.applyGradients(named(variables, grads));
        let nextState = state;
        let nextCopies = copies;
        tf.tidy(() => {
          const [updates, stepState] = chain.update(grads, state);
          for (const t of T.stateTensors(stepState)) tf.keep(t);
          nextState = stepState;
          nextCopies = copies.map((c, i) => tf.keep(tf.add(c, updates[i])));
        });
        tf.dispose([...T.stateTensors(state), ...copies, ...grads]);
        state = nextState;
        copies = nextCopies;
        variables.forEach((v, i) => assert.deepEqual(bits(v), bits(copies[i]), `${name} step ${step} lr ${lr}`));
      });
      tf.dispose([...variables, ...copies, ...T.stateTensors(state)]);
      optimizer.dispose();
    }
  });
}

for (const simd of [true, false]) {
  test(`wasm${simd ? "" : " without SIMD"}: a layer's weights written in place are not met by XNNPACK's packing cached for the old values`, async () => {
    await onBackend("wasm");
    const run = () => {
      const variables = makeVariables(`packed${simd}`);
      const x = tf.tensor(uniform(5 * 13, 77), [5, 13]);
      const optimizer = new Adam({ lr: 0.1 });
      for (let step = 0; step < 3; step++) {
        // The product packs the weights (its right operand) and caches the packing under the tensor's id.
        tf.dispose(tf.matMul(x, variables[0]));
        const grads = gradsAt(step);
        optimizer.applyGradients(named(variables, grads));
        const product = tf.matMul(x, variables[0]);
        const fresh = tf.tensor(variables[0].dataSync(), variables[0].shape);
        const expected = tf.matMul(x, fresh);
        assert.deepEqual(bits(product), bits(expected), `step ${step}: the product sees the new weights`);
        tf.dispose([product, fresh, expected, ...grads]);
      }
      optimizer.dispose();
      tf.dispose([x, ...variables]);
    };
    if (simd) run();
    else withoutWasmSimd(run);
  });
}
