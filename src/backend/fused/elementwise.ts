/**
 * `elementwise(inputs, body)`: runs a per-element formula over same-shaped float32 tensors as ONE
 * kernel — one dispatch and one pass over memory — where tfjs would run one kernel and one pass
 * per operation. Adam's moment update is ~12 tfjs ops per parameter; here it is one.
 *
 * ```ts
 * const { mu, nu } = elementwise({ g, m, v }, ({ g, m, v }) => ({
 *   mu: m.mul(beta1).add(g.mul(1 - beta1)),
 *   nu: v.mul(beta2).add(g.square().mul(1 - beta2)),
 * }));
 * ```
 *
 * The body is the single definition of the math. It is traced into a small program, compiled on
 * "wasm" to a WebAssembly SIMD loop over tfjs's heap (wasmSimd.ts) and on "cpu" to a JavaScript
 * loop (loop.ts); both round every step to float32, so results are bit-identical to the same tfjs
 * ops run one by one. On any other backend (tfjs-node, WebGL), and while a gradient is recorded
 * (`tf.grad`, `variableGrads`: the ops are differentiable), the same program runs as those tfjs
 * ops. The result never depends on which path ran.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { float32Arrays, type ArrayBackendName } from "./arrays";
import { Ew, Recorder } from "./expression";
import { loopFor } from "./loop";
import { simdRunFor } from "./wasmSimd";
import { wasmSimdSupported } from "../wasmCode/simd";
import { tensorData, wasmMemory, type WasmBackend } from "../wasmKernels/wasmBackend";
import { isUnary, type BinaryOp, type OpName, type Program, type UnaryOp } from "./program";

export const ELEMENTWISE_KERNEL = "OptimlabElementwise";

type Symbols<I extends string> = { readonly [K in I]: Ew };
type Tensors<K extends string> = { [P in K]: tf.Tensor };

export function elementwiseInputMessage(name: string, problem: string): string {
  return `elementwise: input "${name}" ${problem}`;
}

/** Runs `body` over `inputs` (float32, all the same shape) and returns its outputs as new tensors of that shape. */
export function elementwise<I extends string, O extends string>(
  inputs: { readonly [K in I]: tf.Tensor },
  body: (x: Symbols<I>) => { readonly [K in O]: Ew },
): Tensors<O> {
  return elementwiseGroups([inputs], body)[0];
}

/**
 * {@link elementwise} over several groups of inputs at once (e.g. an optimizer's gradient and
 * moments of each parameter): one traced program, one kernel dispatch for all groups. Within a
 * group the tensors have one shape; groups may differ. Each group's outputs are what
 * `elementwise` would return for it alone, bit for bit.
 */
export function elementwiseGroups<I extends string, O extends string>(
  groups: readonly { readonly [K in I]: tf.Tensor }[],
  body: (x: Symbols<I>) => { readonly [K in O]: Ew },
): Tensors<O>[] {
  if (groups.length === 0) return [];
  const names = Object.keys(groups[0]) as I[];
  if (names.length === 0) throw new Error("elementwise: no inputs (give at least one tensor)");
  const tensors: tf.Tensor[] = [];
  for (const inputs of groups) tensors.push(...checkedGroup(names, inputs));

  const { recorder, result } = trace(names, body);
  const outNames = Object.keys(result) as O[];
  if (outNames.length === 0) throw new Error("elementwise: the body returned no outputs (return a record of values)");
  const program = recorder.finish(outNames.map((name) => result[name]));
  const scalars = new Float64Array(recorder.scalarValues.length);
  recorder.scalarValues.forEach((v, i) => (scalars[i] = Math.fround(v)));

  // While a gradient is being recorded, run the ops: they have gradients, the fused kernel has none.
  const fused = !tf.engine().isTapeOn() && tf.getKernel(ELEMENTWISE_KERNEL, tf.getBackend()) !== undefined;
  const k = names.length;
  const outputs = fused
    ? (tf.engine().runKernel(ELEMENTWISE_KERNEL, inputMap(tensors), {
        program,
        scalars,
        groups: groups.length,
      } as unknown as NamedAttrMap) as tf.Tensor[])
    : groups.flatMap((_, g) => evaluateWithOps(program, recorder.scalarValues, tensors.slice(g * k, (g + 1) * k)));
  const m = outNames.length;
  return groups.map((_, g) => {
    const out = {} as Tensors<O>;
    outNames.forEach((name, o) => (out[name] = outputs[g * m + o]));
    return out;
  });
}

/** One group's tensors in `names` order, checked: float32, not disposed, one shape. */
function checkedGroup<I extends string>(names: readonly I[], inputs: { readonly [K in I]: tf.Tensor }): tf.Tensor[] {
  const tensors = names.map((name) => inputs[name]);
  const shape = tensors[0]?.shape;
  names.forEach((name, i) => {
    const t = tensors[i];
    if (!(t instanceof tf.Tensor)) throw new Error(elementwiseInputMessage(name, `is not a tensor (got ${typeof t})`));
    if (t.isDisposed) throw new Error(elementwiseInputMessage(name, "is disposed"));
    if (t.dtype !== "float32")
      throw new Error(elementwiseInputMessage(name, `has dtype ${t.dtype} (expected float32; cast it first)`));
    if (!tf.util.arraysEqual(t.shape, shape)) {
      throw new Error(
        elementwiseInputMessage(
          name,
          `has shape [${t.shape.join(",")}], but "${names[0]}" has [${shape.join(",")}] (no broadcasting: pass same-shaped tensors)`,
        ),
      );
    }
  });
  return tensors;
}

/** The output names `body` returns, found by tracing it (no tensors needed). */
export function elementwiseOutputNames<I extends string, O extends string>(
  inputNames: readonly I[],
  body: (x: Symbols<I>) => { readonly [K in O]: Ew },
): O[] {
  return Object.keys(trace(inputNames, body).result) as O[];
}

/** Runs `body` on one symbolic value per input name, recording the program. */
function trace<I extends string, O extends string>(
  inputNames: readonly I[],
  body: (x: Symbols<I>) => { readonly [K in O]: Ew },
): { recorder: Recorder; result: { readonly [K in O]: Ew } } {
  const recorder = new Recorder(inputNames.length);
  const symbols = {} as Record<I, Ew>;
  inputNames.forEach((name, i) => (symbols[name] = recorder.input(i)));
  return { recorder, result: body(symbols) };
}

/** The kernel's input names x0, x1, …, made once (a training step passes dozens every step). */
const INPUT_NAMES: string[] = [];
export function inputName(i: number): string {
  for (let k = INPUT_NAMES.length; k <= i; k++) INPUT_NAMES.push(`x${k}`);
  return INPUT_NAMES[i];
}

function inputMap(tensors: readonly tf.Tensor[]): tf.NamedTensorMap {
  const map: tf.NamedTensorMap = {};
  tensors.forEach((t, i) => (map[inputName(i)] = t));
  return map;
}

/** The same program as separate tfjs ops (backends without the fused kernel). */
function evaluateWithOps(program: Program, scalarValues: readonly number[], inputs: readonly tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const values: tf.Tensor[] = [...inputs];
    const operand = (o: Program["instructions"][number]["args"][number]) =>
      o.kind === "value" ? values[o.index] : scalarValues[o.index];
    for (const { op, args } of program.instructions) {
      const a = operand(args[0]) as tf.Tensor;
      const b = args.length > 1 ? operand(args[1]) : undefined;
      values.push(applyOp(op, a, b));
    }
    // A program may return an input unchanged: hand back a new tensor all the same (the caller owns outputs).
    return program.outputs.map((v) => (v < program.inputs ? tf.clone(values[v]) : values[v]));
  });
}

/** Each operation as the tfjs op it stands for (the fallback runs these one by one). */
const TF_BINARY: Record<BinaryOp, (a: tf.Tensor, b: tf.Tensor | number) => tf.Tensor> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  maximum: tf.maximum,
  minimum: tf.minimum,
};
const TF_UNARY: Record<UnaryOp, (a: tf.Tensor) => tf.Tensor> = {
  sqrt: tf.sqrt,
  square: tf.square,
  neg: tf.neg,
  abs: tf.abs,
};

function applyOp(op: OpName, a: tf.Tensor, b: tf.Tensor | number | undefined): tf.Tensor {
  return isUnary(op) ? TF_UNARY[op](a) : TF_BINARY[op](a, b as tf.Tensor | number);
}

/**
 * The fused kernel for a backend whose float32 memory JavaScript can read ("cpu", "wasm"). With
 * `groups` > 1 the inputs are that many groups of the program's inputs, one after the other, and
 * the outputs come group by group.
 */
export function elementwiseKernel(backendName: ArrayBackendName): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const {
      program,
      scalars,
      groups = 1,
    } = attrs as unknown as { program: Program; scalars: Float64Array; groups?: number };
    const named = inputs as Record<string, TensorInfo>;
    const k = program.inputs;
    const infosOf = (g: number) => {
      const infos: TensorInfo[] = [];
      for (let i = 0; i < k; i++) infos.push(named[inputName(g * k + i)]);
      return infos;
    };
    if (backendName === "wasm") {
      const wasm = backend as unknown as WasmBackend;
      const memory = wasmMemory(wasm);
      if (memory !== undefined && wasmSimdSupported()) {
        const run = simdRunFor(program, memory);
        const all: TensorInfo[] = [];
        for (let g = 0; g < groups; g++) {
          const infos = infosOf(g);
          const shape = infos[0].shape;
          const outs = program.outputs.map(() => wasm.makeOutput(shape, "float32"));
          const pointers = [...infos, ...outs].map((info) => tensorData(wasm, info).memoryOffset);
          run(...pointers, ...scalars, tf.util.sizeFromShape(shape));
          all.push(...outs);
        }
        return all;
      }
    }
    const loop = loopFor(program);
    const all: TensorInfo[] = [];
    for (let g = 0; g < groups; g++) {
      const infos = infosOf(g);
      const shape = infos[0].shape;
      const arrays = float32Arrays(
        backendName,
        backend,
        infos,
        program.outputs.map(() => shape),
      );
      const n = arrays.outputs[0]?.length ?? 0;
      loop(arrays.inputs, arrays.outputs, scalars, n);
      all.push(...arrays.infos);
    }
    return all;
  };
}

export function elementwiseKernelConfig(backendName: ArrayBackendName): KernelConfig {
  return { kernelName: ELEMENTWISE_KERNEL, backendName, kernelFunc: elementwiseKernel(backendName) };
}
