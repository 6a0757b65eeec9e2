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
import { registerView, releaseView, tensorData, wasmMemory, type WasmBackend } from "../wasmKernels/wasmBackend";
import { isUnary, type BinaryOp, type OpName, type Program, type UnaryOp } from "./program";

export const ELEMENTWISE_KERNEL = "OptimlabElementwise";

// tfjs's functions, looked up once: an optimizer step calls them every step, and a namespace
// import reaches each through a getter.
const { engine, env, getKernel, getBackend, backend: currentBackend, util, Tensor } = tf;

type Symbols<I extends string> = { readonly [K in I]: Ew };
type Tensors<K extends string> = { [P in K]: tf.Tensor };

export function elementwiseInputMessage(name: string, problem: string): string {
  return `elementwise: input "${name}" ${problem}`;
}

/**
 * What a caller that runs the same formula again and again keeps between calls: the last traced
 * program, reused while the body traces to the same structure (its scalars are read afresh at
 * every call, so a changed learning rate or bias correction never needs a new program).
 */
export interface TraceCache {
  program?: Program;
}

/** Options of {@link elementwiseGroups}. */
export interface ElementwiseOptions<I extends string, O extends string> {
  /**
   * Outputs that may be written over an input of their group (`{ mu: "m" }`: the new moment over
   * the old one), which is then returned as that output instead of a new tensor. Only done where
   * nothing else can see the overwritten values: the fused kernel runs (not while a gradient is
   * recorded), and the input's data belongs to that one tensor (no clone, no `tf.variable(t)`
   * copy, no other input shares it); otherwise the output is a new tensor as without the option.
   * For owners of the inputs (an optimizer's own state variables); never pass tensors a user holds.
   */
  readonly overwrite?: { readonly [K in O]?: I };
  /** Keeps the traced program between calls (see {@link TraceCache}). */
  readonly cache?: TraceCache;
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
  options: ElementwiseOptions<I, O> = {},
): Tensors<O>[] {
  if (groups.length === 0) return [];
  const names = Object.keys(groups[0]) as I[];
  if (names.length === 0) throw new Error("elementwise: no inputs (give at least one tensor)");
  const tensors: tf.Tensor[] = [];
  for (const inputs of groups) checkedGroup(names, inputs, tensors);

  const { recorder, result } = trace(names, body);
  const outNames = Object.keys(result) as O[];
  if (outNames.length === 0) throw new Error("elementwise: the body returned no outputs (return a record of values)");
  const program = recorder.finish(
    outNames.map((name) => result[name]),
    options.cache?.program,
  );
  if (options.cache !== undefined) options.cache.program = program;
  const scalars = new Float64Array(recorder.scalarValues.length);
  recorder.scalarValues.forEach((v, i) => (scalars[i] = Math.fround(v)));

  // While a gradient is being recorded, run the ops: they have gradients, the fused kernel has none.
  const tfEngine = engine();
  const kernel = tfEngine.isTapeOn() ? undefined : getKernel(ELEMENTWISE_KERNEL, getBackend());
  const k = names.length;
  const m = outNames.length;
  const into =
    kernel !== undefined && options.overwrite !== undefined
      ? overwriteSlots(names, outNames, options.overwrite, tensors, groups.length)
      : undefined;
  const attrs = { program, scalars, groups: groups.length, into } as unknown as NamedAttrMap;
  let outputs: tf.Tensor[] = [];
  if (kernel === undefined) {
    outputs = groups.flatMap((_, g) =>
      evaluateWithOps(program, recorder.scalarValues, tensors.slice(g * k, (g + 1) * k)),
    );
  } else if (into !== undefined && !into.includes(-1) && !tfEngine.state.profiling && !env().getBool("DEBUG")) {
    // Every output written in place: no tensor to make, so the engine's dispatch (scopes, tensor
    // tracking) has nothing to do; call the kernel itself. Profiling and debug mode keep the engine.
    kernel.kernelFunc({ inputs: inputMap(tensors), attrs, backend: currentBackend() });
  } else {
    outputs = tfEngine.runKernel(ELEMENTWISE_KERNEL, inputMap(tensors), attrs) as tf.Tensor[];
  }
  let next = 0;
  return groups.map((_, g) => {
    const out = {} as Tensors<O>;
    for (let o = 0; o < m; o++) {
      const slot = into === undefined ? -1 : into[g * m + o];
      out[outNames[o]] = slot >= 0 ? tensors[g * k + slot] : outputs[next++];
    }
    return out;
  });
}

/**
 * For each group and output, the input slot the kernel writes that output over, or -1 for a new
 * tensor: an input slot takes at most one output, and only where its data has one owner (the
 * backend's reference count is 1, so no other tensor object shares it, and the tensor itself is
 * not passed twice).
 */
function overwriteSlots<I extends string, O extends string>(
  names: readonly I[],
  outNames: readonly O[],
  overwrite: { readonly [K in O]?: I },
  tensors: readonly tf.Tensor[],
  groupCount: number,
): Int32Array | undefined {
  const backend = currentBackend() as unknown as { refCount?: (dataId: object) => number };
  if (typeof backend.refCount !== "function") return undefined;
  const k = names.length;
  const m = outNames.length;
  const slots: number[] = [];
  let any = false;
  for (const name of outNames) {
    const input = overwrite[name];
    const slot = input === undefined ? -1 : names.indexOf(input);
    const free = slot >= 0 && !slots.includes(slot);
    slots.push(free ? slot : -1);
    any ||= free;
  }
  if (!any) return undefined;
  const into = new Int32Array(groupCount * m).fill(-1);
  for (let g = 0; g < groupCount; g++) {
    for (let o = 0; o < m; o++) {
      if (slots[o] < 0) continue;
      const target = tensors[g * k + slots[o]];
      if (backend.refCount(target.dataId) !== 1 || occurrences(tensors, target) !== 1) continue;
      into[g * m + o] = slots[o];
    }
  }
  return into;
}

function occurrences(tensors: readonly tf.Tensor[], target: tf.Tensor): number {
  let count = 0;
  for (const t of tensors) if (t.dataId === target.dataId) count++;
  return count;
}

/** Appends one group's tensors in `names` order to `into`, checked: float32, not disposed, one shape. */
function checkedGroup<I extends string>(
  names: readonly I[],
  inputs: { readonly [K in I]: tf.Tensor },
  into: tf.Tensor[],
): void {
  const first = inputs[names[0]] as tf.Tensor | undefined;
  const shape = first instanceof Tensor ? first.shape : [];
  for (const name of names) {
    const t = inputs[name];
    if (!(t instanceof Tensor)) throw new Error(elementwiseInputMessage(name, `is not a tensor (got ${typeof t})`));
    if (t.isDisposed) throw new Error(elementwiseInputMessage(name, "is disposed"));
    if (t.dtype !== "float32")
      throw new Error(elementwiseInputMessage(name, `has dtype ${t.dtype} (expected float32; cast it first)`));
    if (t.shape !== shape && !util.arraysEqual(t.shape, shape)) {
      throw new Error(
        elementwiseInputMessage(
          name,
          `has shape [${t.shape.join(",")}], but "${names[0]}" has [${shape.join(",")}] (no broadcasting: pass same-shaped tensors)`,
        ),
      );
    }
    into.push(t);
  }
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
 * the outputs come group by group. `into` (groups × outputs) names the input slot an output is
 * written over (-1: a new tensor, the only ones returned): each element's inputs are all read
 * before its outputs are written, so writing over an input is safe.
 */
export function elementwiseKernel(backendName: ArrayBackendName): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const {
      program,
      scalars,
      groups = 1,
      into,
    } = attrs as unknown as { program: Program; scalars: Float64Array; groups?: number; into?: Int32Array };
    const named = inputs as Record<string, TensorInfo>;
    const k = program.inputs;
    const m = program.outputs.length;
    const infosOf = (g: number) => {
      const infos: TensorInfo[] = [];
      for (let i = 0; i < k; i++) infos.push(named[inputName(g * k + i)]);
      return infos;
    };
    const slotOf = (g: number, o: number) => (into === undefined ? -1 : into[g * m + o]);
    const created: TensorInfo[] = [];
    if (backendName === "wasm") {
      const wasm = backend as unknown as WasmBackend;
      const memory = wasmMemory(wasm);
      if (memory !== undefined && wasmSimdSupported()) {
        const run = simdRunFor(program, memory);
        const args: number[] = new Array<number>(k + m + scalars.length + 1);
        for (let s = 0; s < scalars.length; s++) args[k + m + s] = scalars[s];
        for (let g = 0; g < groups; g++) {
          const infos = infosOf(g);
          const shape = infos[0].shape;
          for (let i = 0; i < k; i++) args[i] = tensorData(wasm, infos[i]).memoryOffset;
          for (let o = 0; o < m; o++) {
            const slot = slotOf(g, o);
            if (slot >= 0) {
              args[k + o] = args[slot];
            } else {
              const out = wasm.makeOutput(shape, "float32");
              created.push(out);
              args[k + o] = tensorData(wasm, out).memoryOffset;
            }
          }
          // makeOutput may grow the heap: pointers stay valid (offsets), so read them after it.
          const size = util.sizeFromShape(shape);
          args[k + m + scalars.length] = size;
          run(...args);
          for (let o = 0; o < m; o++) {
            const slot = slotOf(g, o);
            if (slot >= 0) renewId(wasm, infos[slot], size);
          }
        }
        return created;
      }
    }
    const loop = loopFor(program);
    for (let g = 0; g < groups; g++) {
      const infos = infosOf(g);
      const shape = infos[0].shape;
      const fresh: number[][] = [];
      for (let o = 0; o < m; o++) if (slotOf(g, o) < 0) fresh.push(shape);
      const arrays = float32Arrays(backendName, backend, infos, fresh);
      let next = 0;
      const outputs: Float32Array[] = [];
      for (let o = 0; o < m; o++) {
        const slot = slotOf(g, o);
        outputs.push(slot >= 0 ? arrays.inputs[slot] : arrays.outputs[next++]);
      }
      const size = util.sizeFromShape(shape);
      loop(arrays.inputs, outputs, scalars, size);
      created.push(...arrays.infos);
      if (backendName === "wasm") {
        for (let o = 0; o < m; o++) {
          const slot = slotOf(g, o);
          if (slot >= 0) renewId(backend as unknown as WasmBackend, infos[slot], size);
        }
      }
    }
    return created;
  };
}

/**
 * Gives a tensor written in place a fresh id on the C++ side, as a new tensor would have:
 * tfjs-backend-wasm treats tensor data as immutable and caches derived data under the id (XNNPACK
 * keeps a product's packed right operand, i.e. a layer's weights, per id). Dropping the old id
 * drops those caches; the memory, the dataId and the JavaScript record stay.
 */
function renewId(wasm: WasmBackend, info: TensorInfo, size: number): void {
  const data = tensorData(wasm, info);
  releaseView(wasm, data.id);
  data.id = registerView(wasm, data.memoryOffset, size);
}

export function elementwiseKernelConfig(backendName: ArrayBackendName): KernelConfig {
  return { kernelName: ELEMENTWISE_KERNEL, backendName, kernelFunc: elementwiseKernel(backendName) };
}
