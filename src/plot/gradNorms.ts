/**
 * Gradient norms over training: the global L2 norm per step (what clipping acts on), or one curve
 * per layer to see which layers explode or vanish.
 */
import { isHistory } from "./adapters";
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { HistoryLike } from "./inputs";
import { baseLayout, runColour } from "./style";

export interface GradNormsOptions extends LanguageOption {
  /** One curve per layer from `steps[i].gradNorms` (default false: the global norm). */
  perLayer?: boolean;
  /** Logarithmic norm axis (default true: norms span orders of magnitude). */
  log?: boolean;
  /** Draw a clipping threshold (e.g. `maxNorm` of clipGradNorm) as a dotted line. */
  clipAt?: number;
  title?: string;
}

export const noGradNormsMessage = (what: string): string =>
  `gradNorms: the history has no ${what} in its steps. Record them while training (train.fit's gradient-norm option) or pass a history that has them.`;

/** What `gradNorms` got instead of one history: a list (it plots one run), or something else. */
export function notOneHistoryMessage(value: unknown): string {
  if (Array.isArray(value))
    return `gradNorms plots one training history, got a list of ${value.length}: pass the history itself (gradNorms(history)), one figure per run`;
  const got =
    value === null ? "null" : typeof value === "object" ? "an object without steps and epochs arrays" : typeof value;
  return `gradNorms: expected a training history (what train.fit returns, with \`steps\` and \`epochs\` arrays), got ${got}`;
}

/** Gradient-norm curves of one history. */
export function gradNorms(history: HistoryLike, options: GradNormsOptions = {}): Figure {
  if (!isHistory(history)) throw new TypeError(notOneHistoryMessage(history));
  const log = options.log ?? true;
  const data: Trace[] = [];
  if (options.perLayer) {
    const layers = [...new Set(history.steps.flatMap((s) => Object.keys(s.gradNorms ?? {})))];
    if (layers.length === 0) throw new Error(noGradNormsMessage("per-layer `gradNorms`"));
    layers.forEach((layer, index) => {
      const steps = history.steps.filter((s) => s.gradNorms?.[layer] !== undefined);
      data.push({
        type: "scatter",
        mode: "lines",
        name: layer,
        x: steps.map((s) => s.step),
        y: steps.map((s) => s.gradNorms?.[layer] ?? null),
        line: { color: runColour(index), width: 1.5 },
      });
    });
  } else {
    const steps = history.steps.filter((s) => s.gradNorm !== undefined);
    if (steps.length === 0) throw new Error(noGradNormsMessage("`gradNorm`"));
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${history.name ?? "run"}: global norm`,
      x: steps.map((s) => s.step),
      y: steps.map((s) => s.gradNorm ?? null),
      line: { color: runColour(0), width: 1.5 },
    });
  }
  if (options.clipAt !== undefined) {
    const xs = history.steps.map((s) => s.step);
    data.push({
      type: "scatter",
      mode: "lines",
      name: `clip threshold (${options.clipAt})`,
      x: [Math.min(...xs), Math.max(...xs)],
      y: [options.clipAt, options.clipAt],
      line: { color: "#444", dash: "dot", width: 1.5 },
    });
  }
  const title =
    options.title ?? `Gradient norms${options.perLayer ? " per layer" : ""}${history.name ? `: ${history.name}` : ""}`;
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(
      title,
      { title: "training step (iterations)" },
      { title: `gradient L2 norm ‖g‖₂${log ? " (log scale)" : ""}`, log },
    ),
  });
}
