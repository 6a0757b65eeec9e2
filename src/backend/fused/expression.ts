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
  /** The program's structural key, built as instructions are recorded (it is looked up at every step). */
  private key = "";
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

  finish(outputs: readonly Ew[]): Program {
    const outputIndices = outputs.map((o) => this.operand(o).index);
    const scalars = this.scalarValues.length;
    return {
      inputs: this.inputCount,
      instructions: this.instructions,
      outputs: outputIndices,
      scalars,
      key: `${this.inputCount}|${scalars}|${this.key}|${outputIndices.join(",")}`,
    };
  }

  private push(op: Instruction["op"], args: Operand[]): Ew {
    this.instructions.push({ op, args });
    this.key += `${op}(${args.map(operandKey).join(",")});`;
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
