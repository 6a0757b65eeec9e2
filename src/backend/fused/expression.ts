/**
 * Tracing: the body of `elementwise` runs once per call on symbolic values (`Ew`) whose methods
 * mirror tfjs's chain API (`m.mul(beta1).add(g.mul(1 - beta1))`) and record a {@link Program}.
 */
import { operandKey, type BinaryOp, type Instruction, type Operand, type Program, type UnaryOp } from "./program";

/** A symbolic float32 tensor inside an `elementwise` body. Numbers are float32 scalars, as in tfjs. */
export class Ew {
  /** @internal */
  constructor(
    private readonly recorder: Recorder,
    /** @internal the value number in the program */
    readonly index: number,
  ) {}

  add(other: Ew | number): Ew {
    return this.recorder.binary("add", this, other);
  }
  sub(other: Ew | number): Ew {
    return this.recorder.binary("sub", this, other);
  }
  mul(other: Ew | number): Ew {
    return this.recorder.binary("mul", this, other);
  }
  div(other: Ew | number): Ew {
    return this.recorder.binary("div", this, other);
  }
  maximum(other: Ew | number): Ew {
    return this.recorder.binary("maximum", this, other);
  }
  minimum(other: Ew | number): Ew {
    return this.recorder.binary("minimum", this, other);
  }
  sqrt(): Ew {
    return this.recorder.unary("sqrt", this);
  }
  square(): Ew {
    return this.recorder.unary("square", this);
  }
  neg(): Ew {
    return this.recorder.unary("neg", this);
  }
  abs(): Ew {
    return this.recorder.unary("abs", this);
  }
}

/** Records the instructions and scalar values of one traced body. */
export class Recorder {
  private readonly instructions: Instruction[] = [];
  /** Scalar slot values, in slot order. */
  readonly scalarValues: number[] = [];

  constructor(readonly inputCount: number) {}

  input(i: number): Ew {
    return new Ew(this, i);
  }

  unary(op: UnaryOp, x: Ew): Ew {
    return this.push(op, [this.operand(x)]);
  }

  binary(op: BinaryOp, a: Ew, b: Ew | number): Ew {
    return this.push(op, [this.operand(a), this.operand(b)]);
  }

  /**
   * The recorded program. When `previous` has exactly the recorded structure (the same
   * instructions, operands and outputs; scalar values may differ) it is returned itself, so a
   * caller that traces the same formula every step keeps one program object (and its compiled
   * loops) without building and hashing its key again.
   */
  finish(outputs: readonly Ew[], previous?: Program): Program {
    const outputIndices = outputs.map((o) => this.operand(o).index);
    const scalars = this.scalarValues.length;
    if (previous !== undefined && this.sameStructure(previous, outputIndices, scalars)) return previous;
    const key = this.instructions.map(({ op, args }) => `${op}(${args.map(operandKey).join(",")});`).join("");
    return {
      inputs: this.inputCount,
      instructions: this.instructions,
      outputs: outputIndices,
      scalars,
      key: `${this.inputCount}|${scalars}|${key}|${outputIndices.join(",")}`,
    };
  }

  private sameStructure(program: Program, outputs: readonly number[], scalars: number): boolean {
    const mine = this.instructions;
    const theirs = program.instructions;
    if (program.inputs !== this.inputCount || program.scalars !== scalars) return false;
    if (theirs.length !== mine.length || program.outputs.length !== outputs.length) return false;
    for (let i = 0; i < outputs.length; i++) if (program.outputs[i] !== outputs[i]) return false;
    for (let i = 0; i < mine.length; i++) {
      const a = mine[i];
      const b = theirs[i];
      if (a.op !== b.op || a.args.length !== b.args.length) return false;
      for (let j = 0; j < a.args.length; j++)
        if (a.args[j].kind !== b.args[j].kind || a.args[j].index !== b.args[j].index) return false;
    }
    return true;
  }

  private push(op: Instruction["op"], args: Operand[]): Ew {
    this.instructions.push({ op, args });
    return new Ew(this, this.inputCount + this.instructions.length - 1);
  }

  private operand(x: Ew | number): Operand {
    if (typeof x === "number") {
      this.scalarValues.push(x);
      return { kind: "scalar", index: this.scalarValues.length - 1 };
    }
    if (!(x instanceof Ew) || (x as unknown as { recorder: Recorder }).recorder !== this) {
      throw new TypeError(
        "elementwise: an operand is neither a number nor a value of this elementwise body " +
          "(tensors cannot be used inside the body: pass them in the inputs record)",
      );
    }
    return { kind: "value", index: x.index };
  }
}
