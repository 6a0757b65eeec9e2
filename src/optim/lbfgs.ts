/**
 * L-BFGS, identical to `torch.optim.LBFGS` (torch 1.13), with `step(closure)` and the optional
 * strong Wolfe line search (`lineSearchFn: "strong_wolfe"`).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \theta_0,\ f(\theta),\ m \text{ (history size)},\
 *   K \text{ (max iter)},\ \textit{line search} \\
 * &\textbf{for each } \texttt{step(closure)}:\ \textbf{for } k = 1 \ldots K \textbf{ do} \\
 * &\quad g_k \leftarrow \nabla f(\theta_{k-1});\ \textbf{if } \max |g_k| \le \text{tol}_g:\ \textbf{stop} \\
 * &\quad \textbf{if first iteration ever}:\ d_k \leftarrow -g_k \\
 * &\quad \textbf{else}:\ y \leftarrow g_k - g_{k-1},\ s \leftarrow t_{k-1} d_{k-1};\
 *   \textbf{if } y^\top s > 10^{-10}:\ \text{push } (y, s, 1/y^\top s),\ H \leftarrow y^\top s / y^\top y \\
 * &\qquad d_k \leftarrow -\tilde H g_k \text{ by the two-loop recursion over the last } m \text{ pairs} \\
 * &\quad t_k \leftarrow \min(1, 1/\|g_1\|_1)\,\gamma \text{ on the very first iteration, else } \gamma \\
 * &\quad \textbf{if } g_k^\top d_k > -\text{tol}_\Delta:\ \textbf{stop} \\
 * &\quad \textbf{if strong Wolfe}:\ t_k \leftarrow \text{line search along } d_k \text{ (closure evaluations)} \\
 * &\quad \theta_k \leftarrow \theta_{k-1} + t_k d_k \\
 * &\quad \textbf{stop if } \text{evaluations} \ge \text{max eval},\ \max|t_k d_k| \le \text{tol}_\Delta
 *   \text{ or } |f_k - f_{k-1}| < \text{tol}_\Delta \\
 * &\textbf{return } f(\theta_0) \text{ (the loss before the step)}
 * \end{aligned}
 * $$
 *
 * Why not a chain of transforms: L-BFGS re-evaluates the loss and gradients several times per
 * step (inner iterations, line search), so it needs the closure, not one gradient. Its state
 * (history of `(y, s)` pairs) is kept on the host as float32 arrays; the arithmetic follows
 * torch's float32 tensors, with scalars rounded to float32 where torch keeps them as tensors.
 * Like torch's, it has one parameter group.
 */
import * as tf from "@tensorflow/tfjs";
import { lbfgsNeedsClosureMessage, unknownLbfgsWeightMessage, unknownLineSearchMessage } from "./errors";
import { requireLr, withDefaults } from "./validate";
import { f32, py, strongWolfe } from "./strongWolfe";
import type { Evaluation, Scalar } from "./strongWolfe";
import { addScaled, dot, flatParams, maxAbs, scale, setFlatParams, sumAbs } from "./flatVectors";

/** Options of `LBFGS` (torch names and defaults). */
export interface LBFGSOptions {
  /** Learning rate: the step length (default 1). */
  readonly lr?: number;
  /** Iterations per `step` (default 20). */
  readonly maxIter?: number;
  /** Closure evaluations per `step` (default maxIter · 5/4, rounded down). */
  readonly maxEval?: number;
  /** Stop when max |gradient| ≤ this (default 1e-7). */
  readonly toleranceGrad?: number;
  /** Stop when the step or the loss change is below this (default 1e-9). */
  readonly toleranceChange?: number;
  /** Pairs (y, s) kept (default 100). */
  readonly historySize?: number;
  /** `"strong_wolfe"`, or none (a fixed step `lr`). */
  readonly lineSearchFn?: "strong_wolfe" | null;
}

export interface LBFGSHyperparameters {
  readonly lr: number;
  readonly maxIter: number;
  readonly maxEval: number;
  readonly toleranceGrad: number;
  readonly toleranceChange: number;
  readonly historySize: number;
  readonly lineSearchFn: "strong_wolfe" | null;
}

function resolve(options: LBFGSOptions): LBFGSHyperparameters {
  const given = withDefaults(
    { lr: 1, maxIter: 20, maxEval: 0, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: "" },
    { ...options, lineSearchFn: options.lineSearchFn ?? "" },
  );
  requireLr(given.lr);
  if (given.lineSearchFn !== "" && given.lineSearchFn !== "strong_wolfe")
    throw new Error(unknownLineSearchMessage(given.lineSearchFn));
  return {
    ...given,
    maxEval: options.maxEval ?? Math.floor((given.maxIter * 5) / 4),
    lineSearchFn: given.lineSearchFn === "" ? null : "strong_wolfe",
  };
}

/** What L-BFGS carries from one `step` to the next (torch's `state`). */
interface LbfgsState {
  funcEvals: number;
  nIter: number;
  d?: Float32Array;
  t?: number;
  oldDirs: Float32Array[];
  oldStps: Float32Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad?: Float32Array;
  prevLoss?: number;
}

/** Limited-memory BFGS (see the file header). Call `step(closure)`, or `minimize(f)`. */
export class LBFGS extends tf.Optimizer {
  static className = "optimlab.LBFGS";
  private hyper: LBFGSHyperparameters;
  private state: LbfgsState = { funcEvals: 0, nIter: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1 };
  private variables: tf.Variable[] | undefined;

  constructor(options: LBFGSOptions = {}) {
    super();
    this.hyper = resolve(options);
  }

  /** The step length; a scheduler may write it. */
  get lr(): number {
    return this.hyper.lr;
  }

  set lr(value: number) {
    requireLr(value);
    this.hyper = { ...this.hyper, lr: value };
  }

  /** The resolved options. */
  get hyperparameters(): Readonly<LBFGSHyperparameters> {
    return this.hyper;
  }

  /** Total closure evaluations and iterations so far (torch's `func_evals`, `n_iter`). */
  get counters(): { funcEvals: number; nIter: number } {
    return { funcEvals: this.state.funcEvals, nIter: this.state.nIter };
  }

  /**
   * One L-BFGS step: up to `maxIter` iterations, each evaluating `closure` (the loss; gradients
   * are taken here) once or, with the line search, several times. `varList` defaults to every
   * trainable variable and is fixed at the first step. Returns the loss before the step.
   */
  step(closure: () => tf.Scalar, varList?: tf.Variable[]): number {
    if (typeof closure !== "function") throw new TypeError(lbfgsNeedsClosureMessage());
    const h = this.hyper;
    const st = this.state;
    const vars = this.parameters(varList);
    const evaluate = (): Evaluation => {
      const { value, grads } = tf.variableGrads(closure, vars);
      const loss = value.dataSync()[0];
      const grad = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
      let offset = 0;
      for (const v of vars) {
        const g = grads[v.name];
        if (g !== undefined) grad.set(g.dataSync(), offset);
        offset += v.size;
      }
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, grad };
    };

    const first = evaluate();
    const origLoss = first.loss;
    let loss = first.loss;
    let flatGrad = first.grad;
    let currentEvals = 1;
    st.funcEvals += 1;
    // torch compares its float32 tensors with the tolerances cast to float32.
    const toleranceGrad = Math.fround(h.toleranceGrad);
    const toleranceChange = Math.fround(h.toleranceChange);
    if (maxAbs(flatGrad) <= toleranceGrad) return origLoss;

    let { d, t } = st;
    let nIter = 0;
    while (nIter < h.maxIter) {
      nIter += 1;
      st.nIter += 1;
      if (st.nIter === 1) {
        d = scale(flatGrad, -1);
        st.oldDirs = [];
        st.oldStps = [];
        st.ro = [];
        st.hDiag = 1;
      } else {
        d = this.direction(flatGrad, d as Float32Array, t as number);
      }
      st.prevFlatGrad = Float32Array.from(flatGrad);
      st.prevLoss = loss;
      // torch: min(1, 1/‖g‖₁)·lr on the very first iteration, a float32 tensor when 1/‖g‖₁ < 1.
      let tTyped: Scalar = py(h.lr);
      if (st.nIter === 1) {
        const inverse = Math.fround(1 / sumAbs(flatGrad));
        if (inverse < 1) tTyped = f32(inverse * Math.fround(h.lr));
      }
      t = tTyped.v;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (h.lineSearchFn === "strong_wolfe") {
        const x0 = flatParams(vars);
        const objective = (step: number, direction: Float32Array): Evaluation => {
          setFlatParams(vars, addScaled(x0, step, direction));
          const result = evaluate();
          setFlatParams(vars, x0);
          return result;
        };
        const found = strongWolfe(objective, tTyped, d, loss, flatGrad, gtd, h.toleranceChange);
        loss = found.loss;
        flatGrad = found.grad;
        t = found.t.v;
        lsEvals = found.evals;
        setFlatParams(vars, addScaled(x0, t, d));
      } else {
        setFlatParams(vars, addScaled(flatParams(vars), t, d));
        if (nIter !== h.maxIter) {
          const next = evaluate();
          loss = next.loss;
          flatGrad = next.grad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      st.funcEvals += lsEvals;
      if (nIter === h.maxIter) break;
      if (currentEvals >= h.maxEval) break;
      if (maxAbs(flatGrad) <= toleranceGrad) break;
      if (maxAbs(scale(d, t)) <= toleranceChange) break;
      if (Math.abs(loss - st.prevLoss) < h.toleranceChange) break;
    }
    st.d = d;
    st.t = t;
    this.incrementIterations();
    return origLoss;
  }

  /** `step(f)`; the cost returned is the loss before the step. */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const loss = this.step(f, varList);
    return returnCost ? tf.scalar(loss) : null;
  }

  /** L-BFGS needs to re-evaluate the loss: use `step(closure)` or `minimize(f)`. */
  override applyGradients(): void {
    throw new Error(lbfgsNeedsClosureMessage());
  }

  /**
   * `iter`, then the state torch's `state_dict()` holds, as tensors named `lbfgs/<field>`:
   * counters, `t`, `hDiag`, `prevLoss`, the last direction `d`, the previous gradient and the
   * history pairs `oldDirs/i`, `oldStps/i` with `ro`. Empty before the first step.
   */
  override async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    const st = this.state;
    const weights = [await this.saveIterations()];
    if (st.d === undefined || st.prevFlatGrad === undefined) return weights;
    const scalar = (name: string, value: number) =>
      weights.push({ name: `lbfgs/${name}`, tensor: tf.tensor1d([value], "float32") });
    const vector = (name: string, value: Float32Array) =>
      weights.push({ name: `lbfgs/${name}`, tensor: tf.tensor1d(value, "float32") });
    scalar("funcEvals", st.funcEvals);
    scalar("nIter", st.nIter);
    scalar("t", st.t ?? this.hyper.lr);
    scalar("hDiag", st.hDiag);
    scalar("prevLoss", st.prevLoss ?? NaN);
    vector("d", st.d);
    vector("prevFlatGrad", st.prevFlatGrad);
    vector("ro", Float32Array.from(st.ro));
    st.oldDirs.forEach((y, i) => vector(`oldDirs/${i}`, y));
    st.oldStps.forEach((s, i) => vector(`oldStps/${i}`, s));
    return weights;
  }

  /** Restores what `getWeights()` returned; unknown names throw. */
  override async setWeights(weightValues: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    const values = new Map<string, Float32Array>();
    for (const { name, tensor } of weightValues) {
      if (name === "iter") {
        this.iterations_ = (await tensor.data())[0];
        continue;
      }
      if (!/^lbfgs\/(funcEvals|nIter|t|hDiag|prevLoss|d|prevFlatGrad|ro|oldDirs\/\d+|oldStps\/\d+)$/.test(name)) {
        throw new Error(unknownLbfgsWeightMessage(name));
      }
      values.set(name.slice("lbfgs/".length), Float32Array.from(await tensor.data()));
    }
    const fresh: LbfgsState = { funcEvals: 0, nIter: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1 };
    if (values.size > 0) {
      const one = (field: string): number => {
        const v = values.get(field);
        if (v === undefined) throw new Error(unknownLbfgsWeightMessage(`lbfgs/${field} (missing)`));
        return v[0];
      };
      const ro = Array.from(values.get("ro") ?? []);
      Object.assign(fresh, {
        funcEvals: one("funcEvals"),
        nIter: one("nIter"),
        t: one("t"),
        hDiag: one("hDiag"),
        prevLoss: one("prevLoss"),
        d: values.get("d"),
        prevFlatGrad: values.get("prevFlatGrad"),
        ro,
        oldDirs: ro.map((_, i) => values.get(`oldDirs/${i}`) as Float32Array),
        oldStps: ro.map((_, i) => values.get(`oldStps/${i}`) as Float32Array),
      });
    }
    this.state = fresh;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { lineSearchFn, ...numbers } = this.hyper;
    return { ...numbers, lineSearchFn };
  }

  override dispose(): void {
    this.state = { funcEvals: 0, nIter: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1 };
    super.dispose();
  }

  /** The two-loop recursion: the new direction from the gradient and the history, updated first. */
  private direction(flatGrad: Float32Array, dPrev: Float32Array, tPrev: number): Float32Array {
    const st = this.state;
    const y = addScaled(flatGrad, -1, st.prevFlatGrad as Float32Array);
    const s = scale(dPrev, tPrev);
    const ys = dot(y, s);
    if (ys > Math.fround(1e-10)) {
      if (st.oldDirs.length === this.hyper.historySize) {
        st.oldDirs.shift();
        st.oldStps.shift();
        st.ro.shift();
      }
      st.oldDirs.push(y);
      st.oldStps.push(s);
      st.ro.push(Math.fround(1 / ys));
      st.hDiag = Math.fround(ys / dot(y, y));
    }
    const count = st.oldDirs.length;
    const al = new Array<number>(count);
    let q = scale(flatGrad, -1);
    for (let i = count - 1; i >= 0; i--) {
      al[i] = Math.fround(dot(st.oldStps[i], q) * st.ro[i]);
      q = addScaled(q, -al[i], st.oldDirs[i]);
    }
    let r = scale(q, st.hDiag);
    for (let i = 0; i < count; i++) {
      const be = Math.fround(dot(st.oldDirs[i], r) * st.ro[i]);
      r = addScaled(r, Math.fround(al[i] - be), st.oldStps[i]);
    }
    return r;
  }

  private parameters(varList: tf.Variable[] | undefined): tf.Variable[] {
    if (this.variables === undefined) {
      const registered = tf.engine().registeredVariables;
      this.variables = varList ?? Object.values(registered).filter((v) => v.trainable);
    }
    return this.variables;
  }
}

tf.serialization.registerClass(LBFGS);
