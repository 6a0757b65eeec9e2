/**
 * Compiles a {@link Program} into one JavaScript loop over float32 arrays.
 *
 * Every operation is wrapped in `Math.fround`, so each intermediate is rounded to float32 exactly
 * as the separate tfjs kernels round it: for +, −, ×, ÷ and √ a double result rounded to float32
 * is the correctly rounded float32 result (53 ≥ 2·24 + 2 bits), so the fused loop is bit-identical
 * to running the ops one by one on the cpu or wasm backend. V8 compiles such loops to float32
 * machine arithmetic.
 */
import { isUnary, type Operand, type OpName, type Program } from "./program";

/** (inputs, outputs, scalar values, element count) → fills the outputs. */
export type Loop = (
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  scalars: Float64Array,
  n: number,
) => void;

function expression(op: OpName, a: string, b: string): string {
  switch (op) {
    case "add":
      return `f(${a} + ${b})`;
    case "sub":
      return `f(${a} - ${b})`;
    case "mul":
      return `f(${a} * ${b})`;
    case "div":
      return `f(${a} / ${b})`;
    case "maximum":
      return `Math.max(${a}, ${b})`;
    case "minimum":
      return `Math.min(${a}, ${b})`;
    case "sqrt":
      return `f(Math.sqrt(${a}))`;
    case "square":
      return `f(${a} * ${a})`;
    case "neg":
      return `-${a}`;
    case "abs":
      return `Math.abs(${a})`;
  }
}

function operandName(operand: Operand): string {
  return operand.kind === "value" ? `v${operand.index}` : `s${operand.index}`;
}

/** The loop's source; exported for the tests and for curious readers. */
export function loopSource(program: Program): string {
  const lines: string[] = [];
  for (let i = 0; i < program.inputs; i++) lines.push(`const x${i} = inputs[${i}];`);
  program.outputs.forEach((_, o) => lines.push(`const y${o} = outputs[${o}];`));
  for (let s = 0; s < program.scalars; s++) lines.push(`const s${s} = scalars[${s}];`);
  lines.push("for (let j = 0; j < n; j++) {");
  for (let i = 0; i < program.inputs; i++) lines.push(`  const v${i} = x${i}[j];`);
  program.instructions.forEach((ins, i) => {
    const [a, b] = ins.args.map(operandName);
    if (isUnary(ins.op) !== (b === undefined))
      throw new Error(`elementwise: ${ins.op} got ${ins.args.length} operands`);
    lines.push(`  const v${program.inputs + i} = ${expression(ins.op, a, b ?? "")};`);
  });
  program.outputs.forEach((value, o) => lines.push(`  y${o}[j] = v${value};`));
  lines.push("}");
  return lines.join("\n");
}

/** Compiled loops by program structure; the 256 most recent are kept. */
const compiled = new Map<string, Loop>();
const LIMIT = 256;

/** The compiled loop of `program`, cached by its structure. */
export function loopFor(program: Program): Loop {
  let loop = compiled.get(program.key);
  if (loop === undefined) {
    // The source is generated from a closed set of operation names and integer indices only.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated loop, no user text
    const make = new Function(
      "f",
      `"use strict"; return function fusedLoop(inputs, outputs, scalars, n) {\n${loopSource(program)}\n};`,
    );
    loop = (make as (fround: typeof Math.fround) => Loop)(Math.fround);
    compiled.set(program.key, loop);
    if (compiled.size > LIMIT) compiled.delete(compiled.keys().next().value as string);
  }
  return loop;
}
