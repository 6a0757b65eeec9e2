/**
 * The figure a training History shows in a notebook, above its summary table: its loss curves.
 * train cannot import plot (plot draws train's records), so the package entry (src/index.ts)
 * hands this function to `train.setHistoryFigure`; importing plot itself has no side effects.
 */
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/protocol";
import type { History } from "../train/history";
import { lossCurves } from "./lossCurves";

export function historyFigure(history: History): MimeBundle | undefined {
  return history.steps.length > 0 ? lossCurves([history])[JUPYTER_DISPLAY]() : undefined;
}
