/**
 * The optimizer kernel's sums of squares (`elementwiseGroups`' `squares`): taken in the step's own
 * pass, they must be the bits of the separate Σ x² pass (`wasmSumOfSquares.ts`), whose order —
 * four f64x2 accumulators over float pairs, (a0 + a1) + (a2 + a3), lanes, then the n mod 8 tail in
 * order — is what `train.fit`'s recorded norms have always had.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { elementwiseGroups, squaredValueMessage, type SumsOfSquares } from "../../src/backend/fused/elementwise";
import { normOfSumsOfSquares, sumOfSquaresOf } from "../../src/backend/fused/globalNorm";
import { fusedGlobalNorm, fusedPackValues, registerCpuFusedKernels } from "../../src/backend/fused";
import { sumOfSquaresOn } from "../../src/backend/fused/wasmSumOfSquares";
import { tensorData, wasmMemory, type WasmBackend } from "../../src/backend/wasmKernels/wasmBackend";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

/** Sizes around the 4- and 8-element blocks (tails of 0…7), and a layer's. */
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15, 16, 17, 23, 100, 1027, 784 * 13 + 5];

/** Values where the summation order shows: magnitudes from 1e-4 to 1e4, both signs. */
function wideRange(count: number, seed: number): Float32Array {
  const u = uniform(count, seed);
  const e = uniform(count, seed + 99, -4, 4);
  return u.map((x, i) => x * 10 ** Math.round(e[i]));
}

/** Σ x² as the separate wasm pass takes it (the reference). */
function separatePass(t: tf.Tensor): number {
  const wasm = tf.backend() as unknown as WasmBackend;
  const memory = wasmMemory(wasm) as WebAssembly.Memory;
  return sumOfSquaresOn(memory)(tensorData(wasm, t).memoryOffset, t.size);
}

/** Σ x² in doubles one element after the other: the obvious order, which differs in the last bits. */
function inOrder(values: Float32Array): number {
  let sum = 0;
  for (const x of values) sum += x * x;
  return sum;
}

/** An Adam-like step (div and sqrt, like the optimizer's) that writes `param` and reads `u`. */
function step(groups: { u: tf.Tensor; p: tf.Tensor; m: tf.Tensor }[], squares?: SumsOfSquares) {
  return elementwiseGroups(
    groups,
    ({ u, p, m }) => {
      const mu = m.mul(0.9).add(u.mul(0.1));
      return { mu, param: p.sub(mu.div(u.square().sqrt().add(1e-8)).mul(0.001)) };
    },
    { squares },
  );
}

test("the step's Σ x² of an input and an output are the separate pass's bits, for every tail length (wasm)", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const before = tf.memory().numTensors;
  let orderShows = 0;
  for (const values of [uniform, wideRange]) {
    const groups = SIZES.map((n, i) => ({
      u: tf.tensor1d(values(n, 10 + i)),
      p: tf.tensor1d(values(n, 50 + i)),
      m: tf.tensor1d(uniform(n, 90 + i)),
    }));
    const squares: SumsOfSquares = { inputs: ["u"], outputs: ["param"] };
    const outputs = step(groups, squares);
    const plain = step(groups);
    const sums = squares.sums;
    assert.ok(sums !== undefined, "the wasm kernel takes the sums");
    assert.equal(sums.length, 2 * SIZES.length);
    SIZES.forEach((n, g) => {
      const { param, mu } = outputs[g];
      // The outputs themselves are unchanged by taking the sums (the loop runs by eight instead of four).
      assert.deepEqual(param.dataSync(), plain[g].param.dataSync(), `param n=${n}`);
      assert.deepEqual(mu.dataSync(), plain[g].mu.dataSync(), `mu n=${n}`);
      assert.ok(Object.is(sums[2 * g], separatePass(groups[g].u)), `Σ u² n=${n}: ${sums[2 * g]}`);
      assert.ok(Object.is(sums[2 * g + 1], separatePass(param)), `Σ param² n=${n}: ${sums[2 * g + 1]}`);
      if (inOrder(groups[g].u.dataSync() as Float32Array) !== sums[2 * g]) orderShows++;
    });
    tf.dispose([...groups.flatMap((g) => [g.u, g.p, g.m]), ...outputs.flatMap((o) => [o.mu, o.param])]);
    tf.dispose(plain.flatMap((o) => [o.mu, o.param]));
  }
  // Negative control: these values tell summation orders apart (so a kernel summing in another order fails above).
  assert.ok(orderShows > 5, `only ${orderShows} cases where the in-order sum differs`);
  assert.equal(tf.memory().numTensors, before);
});

test("the sums give fusedGlobalNorm's bits when packed, and a request without the kernel's SIMD pass leaves them undefined", async () => {
  await setUpWasm();
  registerCpuFusedKernels();
  assert.ok(await tf.setBackend("wasm"));
  const groups = [1027, 13, 7].map((n, i) => ({
    u: tf.tensor1d(wideRange(n, i)),
    p: tf.tensor1d(wideRange(n, 7 + i)),
    m: tf.tensor1d(uniform(n, 3)),
  }));
  const squares: SumsOfSquares = { inputs: ["u"], outputs: ["param"] };
  const outputs = step(groups, squares);
  const sums = squares.sums as Float64Array;
  const gradSums = groups.map((_, g) => sums[2 * g]);
  const gradients = groups.map((g) => g.u);
  const infos = gradients.map((t) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
  assert.ok(Object.is(normOfSumsOfSquares(gradSums), Math.sqrt(sumOfSquaresOf("wasm", tf.backend(), infos))));
  const packed = fusedPackValues([{ sumOfSquares: gradSums }, { normOf: gradients }]);
  const reference = fusedGlobalNorm(gradients);
  const [fromSums, fromTensors] = Array.from(packed.dataSync());
  assert.equal(fromSums, fromTensors);
  assert.equal(fromSums, reference.dataSync()[0]);

  // cpu: the kernel runs, the sums are not taken (the caller sums the tensors itself).
  assert.ok(await tf.setBackend("cpu"));
  const onCpu = groups.map((g) => ({
    u: tf.tensor1d(g.u.dataSync()),
    p: tf.tensor1d(g.p.dataSync()),
    m: tf.tensor1d(g.m.dataSync()),
  }));
  const cpuOutputs = step(onCpu, squares);
  assert.equal(squares.sums, undefined);
  const cpuPacked = fusedPackValues([{ sumOfSquares: [3 * 3, 4 * 4] }]);
  assert.deepEqual(Array.from(cpuPacked.dataSync()), [5]);
  tf.dispose([...onCpu.flatMap((g) => [g.u, g.p, g.m]), ...cpuOutputs.flatMap((o) => [o.mu, o.param]), cpuPacked]);
  assert.ok(await tf.setBackend("wasm"));
  tf.dispose([
    ...groups.flatMap((g) => [g.u, g.p, g.m]),
    ...outputs.flatMap((o) => [o.mu, o.param]),
    packed,
    reference,
  ]);
});

test("a request for a value the body does not have is refused with what was asked", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const t = tf.tensor1d([1, 2, 3]);
  assert.throws(() => step([{ u: t, p: t, m: t }], { inputs: ["g"], outputs: [] }), {
    message: squaredValueMessage("input", "g"),
  });
  assert.throws(() => step([{ u: t, p: t, m: t }], { inputs: [], outputs: ["theta"] }), {
    message: squaredValueMessage("output", "theta"),
  });
  t.dispose();
});
