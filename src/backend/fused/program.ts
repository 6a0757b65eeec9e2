/**
 * A fused element-wise program: the straight-line arithmetic of one optimizer step (or any
 * per-element formula), recorded once so it can run as a single loop over memory instead of one
 * kernel dispatch and one pass per operation.
 *
 * Values are numbered: inputs first (`x0…`), then one value per instruction in order. Scalars
 * (β1, a bias correction, the step size) are slots filled at each call, so a step whose constants
 * change reuses the same compiled loop.
 */

/** The operations a program may use; each one rounds to float32, exactly like the tfjs op of the same name. */
export const UNARY_OPS = ["sqrt", "square", "neg", "abs"] as const;
export const BINARY_OPS = ["add", "sub", "mul", "div", "maximum", "minimum"] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type OpName = UnaryOp | BinaryOp;

/** What an instruction reads: a tensor value (input or earlier result) or a scalar slot. */
export type Operand =
  { readonly kind: "value"; readonly index: number } | { readonly kind: "scalar"; readonly index: number };

export interface Instruction {
  readonly op: OpName;
  readonly args: readonly Operand[];
}

export interface Program {
  /** Number of tensor inputs (values 0 … inputs-1). */
  readonly inputs: number;
  /** Instruction i defines value `inputs + i`. */
  readonly instructions: readonly Instruction[];
  /** The values written out, in output order. */
  readonly outputs: readonly number[];
  /** Number of scalar slots. */
  readonly scalars: number;
  /** Identifies the program's structure (not its scalar values): the cache key of compiled loops. */
  readonly key: string;
}

export function isUnary(op: OpName): op is UnaryOp {
  return (UNARY_OPS as readonly string[]).includes(op);
}

export function operandKey(operand: Operand): string {
  return operand.kind === "value" ? `v${operand.index}` : `s${operand.index}`;
}
