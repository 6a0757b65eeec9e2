import * as tf from "@tensorflow/tfjs";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/protocol";
import * as messages from "./messages";
import { pythonRound } from "./pythonRound";
import { selectWeights, WeightSelection, WeightsInput } from "./weights";

/** Options of {@link Pruner}. */
export interface PrunerOptions extends WeightSelection {
  /**
   * "layer" (default): each weight loses `amount` of its own remaining entries
   * (torch.nn.utils.prune.l1_unstructured per weight). "global": the smallest entries of all
   * selected weights together (prune.global_unstructured), so layers end up unevenly sparse.
   */
  scope?: "global" | "layer";
}

/** Sparsity report: the fraction of pruned (masked) entries. */
export interface SparsityReport {
  /** Per pruned weight, by name. */
  layers: Record<string, number>;
  /** Over all pruned weights together (entry-weighted). */
  total: number;
}

interface PrunedWeight {
  readonly name: string;
  readonly variable: tf.Variable;
  /** 1 = kept, 0 = pruned; same shape as the variable. */
  mask: tf.Tensor;
}

/**
 * Magnitude (L1) pruning with persistent masks, following torch.nn.utils.prune's rules: each
 * `prune(amount)` removes `round(amount · remaining)` of the still-unpruned entries with the
 * smallest |w| (iterative pruning compounds, as torch's PruningContainer does), per weight or
 * globally. Rounding is Python's (halves to even), so mask counts equal torch's.
 *
 * Masks live here, not in the model: call `apply()` after every optimizer step so pruned entries
 * stay zero while training continues, and optionally `maskGradients(grads)` before the step so
 * optimizer state (momentum, Adam moments) never builds up on pruned entries — together they are
 * equivalent to torch's `weight = weight_orig * weight_mask` reparametrisation.
 *
 * ```ts
 * const pruner = new regularize.Pruner({ w1, w2 }, { scope: "global" });
 * pruner.prune(0.5);             // zeroes the 50% smallest weights
 * // each step: opt.applyGradients(pruner.maskGradients(grads)); pruner.apply();
 * pruner.sparsity();             // { layers: { w1: 0.43, w2: 0.61 }, total: 0.5 }
 * ```
 */
export class Pruner {
  private readonly weights: PrunedWeight[];
  private readonly scope: "global" | "layer";
  private disposed = false;

  /**
   * @param weights variables to prune (a `{name: variable}` map, an array of variables, or a
   *   model's `trainableWeights`); biases are excluded by default (see `WeightSelection`)
   */
  constructor(weights: WeightsInput, options: PrunerOptions = {}) {
    const scope = options.scope ?? "layer";
    if (scope !== "global" && scope !== "layer") throw new RangeError(messages.invalidPruneScope(scope));
    this.scope = scope;
    const selected = selectWeights("Pruner", weights, options);
    for (const [name, w] of selected) {
      if (!(w instanceof tf.Variable)) throw new TypeError(messages.notAVariable("Pruner", name));
    }
    this.weights = selected.map(([name, w]) => ({ name, variable: w as tf.Variable, mask: tf.onesLike(w) }));
  }

  /** Names of the pruned weights, in order. */
  get names(): string[] {
    return this.weights.map((w) => w.name);
  }

  /**
   * Prunes `amount` (a fraction in [0, 1]) of the entries still unpruned, by smallest magnitude,
   * then applies the masks. Returns the sparsity afterwards.
   */
  prune(amount: number): SparsityReport {
    this.checkAlive();
    if (typeof amount !== "number" || !(amount >= 0 && amount <= 1)) throw new RangeError(messages.pruneAmount(amount));
    const groups = this.scope === "global" ? [this.weights] : this.weights.map((w) => [w]);
    for (const group of groups) this.pruneGroup(group, amount);
    this.apply();
    return this.sparsity();
  }

  /** Re-zeroes the pruned entries (call after each optimizer step). */
  apply(): void {
    this.checkAlive();
    for (const w of this.weights) tf.tidy(() => w.variable.assign(tf.mul(w.variable, w.mask)));
  }

  /**
   * Gradients with pruned entries zeroed, for the weights this pruner holds (matched by the name
   * given to the pruner or by the variable's own name, as `tf.variableGrads` keys them); other
   * gradients are copied unchanged. Returns new tensors; the inputs are not disposed.
   */
  maskGradients(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    this.checkAlive();
    return tf.tidy(() => {
      const out: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(grads)) {
        const w = this.weights.find((p) => p.name === name || p.variable.name === name);
        out[name] = w ? tf.mul(g, w.mask) : g.clone();
      }
      return out;
    });
  }

  /** The mask of one pruned weight (1 kept, 0 pruned). Owned by the pruner: do not dispose. */
  mask(name: string): tf.Tensor {
    this.checkAlive();
    const w = this.weights.find((p) => p.name === name);
    if (!w) throw new Error(messages.unknownPrunedWeight(name, this.names));
    return w.mask;
  }

  /** Fraction of pruned entries per weight and in total. */
  sparsity(): SparsityReport {
    this.checkAlive();
    const layers: Record<string, number> = {};
    let pruned = 0;
    let size = 0;
    for (const w of this.weights) {
      const kept = tf.tidy(() => tf.sum(w.mask).dataSync()[0]);
      layers[w.name] = w.mask.size === 0 ? 0 : (w.mask.size - kept) / w.mask.size;
      pruned += w.mask.size - kept;
      size += w.mask.size;
    }
    return { layers, total: size === 0 ? 0 : pruned / size };
  }

  /** Frees the masks. The variables are untouched. */
  dispose(): void {
    if (this.disposed) return;
    for (const w of this.weights) w.mask.dispose();
    this.disposed = true;
  }

  /** A sparsity table in notebooks. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const report = this.sparsity();
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const rows = Object.entries(report.layers);
    const text = [
      `Pruner (${this.scope}), total sparsity ${pct(report.total)}`,
      ...rows.map(([n, s]) => `  ${n}: ${pct(s)}`),
    ].join("\n");
    const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const html =
      `<table><thead><tr><th>weight</th><th>sparsity</th></tr></thead><tbody>` +
      rows.map(([n, s]) => `<tr><td>${escape(n)}</td><td>${pct(s)}</td></tr>`).join("") +
      `<tr><th>total (${this.scope})</th><th>${pct(report.total)}</th></tr></tbody></table>`;
    return { "text/plain": text, "text/html": html };
  }

  /** torch's L1Unstructured inside a PruningContainer, over one group of weights. */
  private pruneGroup(group: PrunedWeight[], amount: number): void {
    const candidates: { weight: number; index: number; magnitude: number }[] = [];
    const maskValues = group.map((w) => w.mask.dataSync());
    group.forEach((w, weight) => {
      const values = w.variable.dataSync();
      maskValues[weight].forEach((m, index) => {
        if (m === 1) candidates.push({ weight, index, magnitude: Math.abs(values[index]) });
      });
    });
    const count = pythonRound(amount * candidates.length);
    if (count === 0) return;
    // Smallest magnitudes first; ties keep their order (torch.topk's tie order is unspecified).
    candidates.sort((a, b) => a.magnitude - b.magnitude);
    const next = maskValues.map((m) => Float32Array.from(m));
    for (const c of candidates.slice(0, count)) next[c.weight][c.index] = 0;
    group.forEach((w, i) => {
      w.mask.dispose();
      w.mask = tf.tensor(next[i], w.variable.shape, "float32");
    });
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error(messages.prunerDisposedMessage());
  }
}
