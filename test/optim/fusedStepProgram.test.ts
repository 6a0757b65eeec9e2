/**
 * `ChainOptimizer.fusedStepProgram` hands out a step as a traced element-wise program and its
 * scalars, for a caller that runs the update itself (worker threads on a shared memory). Run here
 * by the project's JavaScript loop (backend/fused/loop.ts) over host Float32Array copies, written
 * in place as `writesOver` says, then `commit()`: the parameters, the state and the counters are
 * the bits of `applyGradients` on an identical model, on cpu and wasm.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ELEMENTWISE_KERNEL, registerCpuFusedKernels } from "../../src/backend/fused";
import { loopFor } from "../../src/backend/fused/loop";
import * as optim from "../../src/optim";
import type { FusedStepProgram } from "../../src/optim/fusedStepProgram";
import { stateSlots } from "../../src/optim/stateStore";
import type { TransformState } from "../../src/transforms/types";
import { countKernel, setUpWasm, uniform } from "../wasmKernels/helpers";

const SHAPES = [[3, 4], [4]];
const BACKENDS = ["cpu", "wasm"] as const;
const STEPS = 5;

const CONFIGS: [string, () => optim.ChainOptimizer][] = [
  ["Adam", () => new optim.Adam({ lr: 0.01 })],
  ["Adam weightDecay", () => new optim.Adam({ lr: 0.01, weightDecay: 0.05 })],
  ["Adam amsgrad", () => new optim.Adam({ lr: 0.01, amsgrad: true })],
  [
    "Adam weightDecay amsgrad maximize",
    () => new optim.Adam({ lr: 0.01, weightDecay: 0.05, amsgrad: true, maximize: true }),
  ],
  ["AdamW", () => new optim.AdamW({ lr: 0.01 })],
  ["SGD momentum nesterov", () => new optim.SGD({ lr: 0.1, momentum: 0.9, nesterov: true })],
  ["SGD", () => new optim.SGD({ lr: 0.1 })],
  ["RMSprop", () => new optim.RMSprop({ lr: 0.01 })],
  ["RMSprop centered momentum", () => new optim.RMSprop({ lr: 0.01, centered: true, momentum: 0.5 })],
];

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function bitsOf(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.slice().buffer));
}

function bits(t: tf.Tensor): number[] {
  return bitsOf(t.dataSync() as Float32Array);
}

async function onBackend(backend: (typeof BACKENDS)[number]): Promise<void> {
  await setUpWasm();
  registerCpuFusedKernels();
  assert.ok(await tf.setBackend(backend));
}

function makeVariables(prefix: string): tf.Variable[] {
  return SHAPES.map((s, i) => tf.variable(tf.tensor(uniform(sizeOf(s), 7 + i), s), true, `${prefix}/${i}`));
}

function gradsAt(step: number): tf.Tensor[] {
  return SHAPES.map((s, i) => tf.tensor(uniform(sizeOf(s), 100 * step + 11 + i, -2, 2), s));
}

function named(variables: tf.Variable[], grads: tf.Tensor[]): tf.NamedTensorMap {
  return Object.fromEntries(variables.map((v, i) => [v.name, grads[i]]));
}

/** The counters of a state (step counts) by path, and its tensors by path and variable index. */
function describe(state: TransformState | undefined, variables: tf.Variable[]) {
  assert.ok(state !== undefined);
  const { numbers, leaves } = stateSlots(state);
  const counters = numbers.map(({ path, value }) => `${path.join("/")}=${value}`);
  const tensors = leaves.map(({ path, key, tensor }) => {
    const index = variables.findIndex((v) => v.name === key);
    assert.ok(index >= 0, `state key ${key} is one of the variables`);
    return { label: `${path.join("/")}[${index}]`, bits: bits(tensor) };
  });
  tensors.sort((a, b) => (a.label < b.label ? -1 : 1));
  return { counters, tensors };
}

/**
 * The caller's side: host copies of the parameters and the state, the program run over them
 * variable by variable with the project's float32 loop, each output written over its input.
 */
class HostStep {
  readonly params: Float32Array[];
  private readonly state = new Map<tf.Variable, Float32Array>();

  constructor(private readonly variables: tf.Variable[]) {
    this.params = variables.map((v) => (v.dataSync() as Float32Array).slice());
  }

  run(step: FusedStepProgram, grads: tf.Tensor[]): void {
    assert.equal(step.inputs.length, step.program.inputs);
    assert.equal(step.writesOver.length, step.program.outputs.length);
    assert.equal(step.scalars.length, step.program.scalars);
    const loop = loopFor(step.program);
    this.variables.forEach((variable, i) => {
      const gradient = (grads[i].dataSync() as Float32Array).slice();
      const inputs = step.inputs.map((input) => {
        if (input.kind === "gradient") return gradient;
        if (input.kind === "parameter") return this.params[i];
        const stateVariable = input.tensors.get(variable);
        assert.ok(stateVariable !== undefined, `${input.name} has a tensor for ${variable.name}`);
        let values = this.state.get(stateVariable);
        if (values === undefined) {
          values = (stateVariable.dataSync() as Float32Array).slice();
          this.state.set(stateVariable, values);
        }
        return values;
      });
      loop(
        inputs,
        step.writesOver.map((slot) => inputs[slot]),
        step.scalars,
        gradient.length,
      );
    });
  }

  /** Writes the host values back into the variables (the caller's job once its threads are done). */
  writeBack(): void {
    this.variables.forEach((v, i) => v.assign(tf.tensor(this.params[i], v.shape)));
    for (const [variable, values] of this.state) variable.assign(tf.tensor(values, variable.shape));
  }
}

for (const backend of BACKENDS) {
  for (const [label, make] of CONFIGS) {
    test(`${backend} ${label}: the program run by hand, then commit(), gives applyGradients' bits`, async () => {
      await onBackend(backend);
      const tag = `${backend}${label.replace(/\W/g, "")}`;
      const reference = makeVariables(`fspReference${tag}`);
      const variables = makeVariables(`fsp${tag}`);
      const stepped = make();
      const fused = make();
      const host = new HostStep(variables);
      let previousScalars: Float64Array | undefined;
      const programs: unknown[] = [];
      for (let step = 0; step < STEPS; step++) {
        if (step === 3) {
          stepped.lr = stepped.lr * 0.3;
          fused.lr = fused.lr * 0.3;
        }
        const grads = gradsAt(step);
        stepped.applyGradients(named(reference, grads));

        const program = fused.fusedStepProgram(variables);
        assert.ok(program !== undefined, "eligible");
        programs.push(program.program);
        // Asking again without commit() advances nothing: the same program and scalars.
        const tensorsBefore = tf.memory().numTensors;
        let again: FusedStepProgram | undefined;
        assert.equal(
          countKernel(ELEMENTWISE_KERNEL, () => (again = fused.fusedStepProgram(variables))),
          0,
        );
        assert.equal(tf.memory().numTensors, tensorsBefore, "no tensor made by a second call");
        assert.ok(again !== undefined);
        assert.equal(again.program, program.program, "same program object");
        assert.deepEqual(Array.from(again.scalars), Array.from(program.scalars), "same scalars without commit()");
        scalarsAreFloat32(program.scalars);
        if (label.startsWith("Adam") && previousScalars !== undefined)
          assert.notDeepEqual(Array.from(program.scalars), Array.from(previousScalars), "bias corrections moved on");
        previousScalars = program.scalars;

        host.run(program, grads);
        program.commit();
        tf.dispose(grads);

        host.params.forEach((values, i) =>
          assert.deepEqual(bitsOf(values), bits(reference[i]), `step ${step}: parameter ${i} bit for bit`),
        );
        assert.deepEqual(
          describe(fused.state, variables).counters,
          describe(stepped.state, reference).counters,
          `step ${step}: counters`,
        );
        assert.equal(fused.step, stepped.step, `step ${step}: iterations`);
      }
      // The traced structure is kept: one object while it does not change (SGD's momentum differs at step 1 only).
      assert.equal(programs[STEPS - 1], programs[2], "the program object is reused across steps");

      host.writeBack();
      const ours = describe(fused.state, variables);
      const theirs = describe(stepped.state, reference);
      assert.deepEqual(ours, theirs, "state tensors and counters bit for bit");
      variables.forEach((v, i) => assert.deepEqual(bits(v), bits(reference[i]), `parameter ${i} written back`));

      // One more step each way, now through the fused kernel: the written-back state carries on.
      const grads = gradsAt(STEPS);
      stepped.applyGradients(named(reference, grads));
      fused.applyGradients(named(variables, grads));
      tf.dispose(grads);
      assert.deepEqual(describe(fused.state, variables), describe(stepped.state, reference), "after one more step");
      variables.forEach((v, i) => assert.deepEqual(bits(v), bits(reference[i]), `parameter ${i} after one more step`));

      stepped.dispose();
      fused.dispose();
      tf.dispose([...reference, ...variables]);
    });
  }
}

function scalarsAreFloat32(scalars: Float64Array): void {
  for (const s of scalars) assert.equal(s, Math.fround(s), "scalars are float32 values");
}

test("no tfjs kernel runs: neither to trace a step nor to commit it", async () => {
  await onBackend("wasm");
  const variables = makeVariables("fspNoKernel");
  const optimizer = new optim.Adam({ lr: 0.01, amsgrad: true });
  optimizer.fusedStepProgram(variables)?.commit(); // creates the state (zeros: kernels)
  const profile = await tf.profile(() => {
    const step = optimizer.fusedStepProgram(variables);
    assert.ok(step !== undefined);
    step.commit();
  });
  assert.deepEqual(
    profile.kernels.map((k) => k.name),
    [],
  );
  assert.equal(profile.newTensors, 0);
  optimizer.dispose();
  tf.dispose(variables);
});

test("inputs, outputs and writesOver name the gradient, the parameter and each state tensor", async () => {
  await onBackend("cpu");
  const variables = makeVariables("fspInputs");
  const optimizer = new optim.Adam({ lr: 0.01 });
  const step = optimizer.fusedStepProgram(variables);
  assert.ok(step !== undefined);
  assert.deepEqual(
    step.inputs.map((input) => (input.kind === "state" ? `state ${input.name}` : input.kind)),
    ["state 0/m", "state 0/v", "gradient", "parameter"],
  );
  // mu over m, nu over v, the parameter over p.
  assert.deepEqual(step.writesOver, [0, 1, 3]);
  const state = optimizer.state as {
    scaleByAdam: { mu: Record<string, tf.Variable>; nu: Record<string, tf.Variable> };
  };
  const [m, v] = step.inputs;
  assert.ok(m.kind === "state" && v.kind === "state");
  for (const variable of variables) {
    assert.equal(m.tensors.get(variable), state.scaleByAdam.mu[variable.name]);
    assert.equal(v.tensors.get(variable), state.scaleByAdam.nu[variable.name]);
  }
  optimizer.dispose();
  tf.dispose(variables);
});

test("commit() twice, or after the optimizer stepped otherwise, throws: the handle is stale", async () => {
  await onBackend("cpu");
  const variables = makeVariables("fspStale");
  const optimizer = new optim.Adam({ lr: 0.01 });
  const step = optimizer.fusedStepProgram(variables);
  assert.ok(step !== undefined);
  step.commit();
  assert.throws(() => step.commit(), /stale/);
  const next = optimizer.fusedStepProgram(variables);
  assert.ok(next !== undefined);
  const grads = gradsAt(0);
  optimizer.applyGradients(named(variables, grads));
  tf.dispose(grads);
  assert.throws(() => next.commit(), /stale/);
  assert.equal(optimizer.step, 2);
  assert.equal((optimizer.state as { scaleByAdam: { count: number } }).scaleByAdam.count, 2);
  optimizer.dispose();
  tf.dispose(variables);
});

test("undefined where the step is not one in-place program of one group", async () => {
  await onBackend("cpu");
  const variables = makeVariables("fspIneligible");
  const [a, b] = variables;
  const twoGroups = new optim.Adam({ lr: 0.01, paramGroups: [{ params: [a], lr: 0.1 }] });
  assert.equal(twoGroups.fusedStepProgram(variables), undefined, "variables of two groups");
  assert.ok(twoGroups.fusedStepProgram([a]) !== undefined, "one group's variables");
  assert.ok(twoGroups.fusedStepProgram([b]) !== undefined, "the default group's variables");
  assert.equal(twoGroups.fusedStepProgram([a, a]), undefined, "a variable twice");
  assert.equal(twoGroups.fusedStepProgram([]), undefined, "no variables");
  twoGroups.dispose();

  const overlapping = new optim.Adam({ paramGroups: [{ params: () => true }, { params: (n) => n.endsWith("/0") }] });
  assert.equal(overlapping.fusedStepProgram([a]), undefined, "two groups' predicates pick it: no error");
  overlapping.dispose();

  const filtered = new optim.Adam({ weightDecay: 0.1, weightDecayFilter: (name) => name.endsWith("/0") });
  assert.equal(filtered.fusedStepProgram(variables), undefined, "a weight decay filter: no one formula");
  filtered.dispose();

  const rprop = new optim.Rprop({ lr: 0.01 });
  assert.equal(rprop.fusedStepProgram(variables), undefined, "Rprop has no per-element formula");
  rprop.dispose();

  const unregistered = tf.variable(tf.zeros([2]), true, "fspIneligible/disposed");
  unregistered.dispose();
  const sgd = new optim.SGD({ lr: 0.1 });
  assert.equal(sgd.fusedStepProgram([unregistered]), undefined, "a disposed variable");
  sgd.dispose();
  tf.dispose(variables);
});
