import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../../src/optim";
import * as T from "../../src/transforms";
import { ELEMENTWISE_KERNEL, registerCpuFusedKernels } from "../../src/backend/fused";
import { countKernel, setUpWasm, uniform } from "../wasmKernels/helpers";

function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
}

test("Adam's fused step (scaleByAdam → scaleByLearningRate → p + u in one dispatch) is the link-by-link path, bit for bit", async () => {
  await setUpWasm();
  registerCpuFusedKernels();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    for (const amsgrad of [false, true]) {
      const shapes = [[37, 5], [5], [5, 3], [3]];
      const start = shapes.map((s, i) =>
        uniform(
          s.reduce((a, b) => a * b, 1),
          10 + i,
        ),
      );
      const variables = shapes.map((s, i) =>
        tf.variable(tf.tensor(start[i], s), true, `fusedStep${backend}${amsgrad}${i}`),
      );
      const copies = shapes.map((s, i) => tf.tensor(start[i], s));
      const optimizer = new Adam({ lr: 0.01, amsgrad });
      const links = [T.scaleByAdam({ amsgrad }), T.scaleByLearningRate(0.01)] as T.GradientTransformation[];
      let states: T.TransformState[] = links.map((l) => l.init(copies));
      for (let step = 0; step < 4; step++) {
        const grads = shapes.map((s, i) =>
          tf.tensor(
            uniform(
              s.reduce((a, b) => a * b, 1),
              100 * step + i,
              -2,
              2,
            ),
            s,
          ),
        );
        const dispatches = countKernel(ELEMENTWISE_KERNEL, () =>
          optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, grads[i]]))),
        );
        if (step > 0) assert.equal(dispatches, 1, `${backend}: one elementwise dispatch per step`);
        // The old path: each link on its own (one kernel per link and leaf), then tf.add per leaf.
        let updates: tf.Tensor[] = grads;
        const next: T.TransformState[] = [];
        links.forEach((link, l) => {
          const [out, state] = link.update(updates, states[l]);
          if (updates !== grads) tf.dispose(updates);
          updates = out;
          next.push(state);
        });
        for (const state of states) tf.dispose(T.stateTensors(state));
        states = next;
        copies.forEach((c, i) => {
          copies[i] = tf.add(c, updates[i]);
          c.dispose();
        });
        tf.dispose([...grads, ...updates]);
        variables.forEach((v, i) =>
          assert.deepEqual(bits(v), bits(copies[i]), `${backend} amsgrad=${amsgrad} step ${step}`),
        );
      }
      optimizer.dispose();
      for (const state of states) tf.dispose(T.stateTensors(state));
      tf.dispose([...variables, ...copies]);
    }
  }
});
