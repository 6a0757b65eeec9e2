/**
 * optimlab: PyTorch-exact optimization and regularization on TensorFlow.js, for tutorials.
 *
 * Data flows one way: data → models → losses → gradient transforms → optimizers (update),
 * and library objects → display protocol → the kernel.
 */
import * as tf from "@tensorflow/tfjs";

export { tf };
export * as transforms from "./transforms";
export * as optim from "./optim";
export * as losses from "./losses";
export * as regularize from "./regularize";
export * as backend from "./backend";
export { seed } from "./backend";
export * as data from "./data";
export * as models from "./models";
export * as train from "./train";
export * as surfaces from "./surfaces";
export * as tune from "./tune";
export * as plot from "./plot";
export * as i18n from "./i18n";
export * as widgets from "./widgets";
export * from "./display";
export { warmUp, lastWarmUp, type WarmUpOptions, type WarmUpReport } from "./warmUp";

// A training History shows its loss curves (plot draws train's records; train cannot import plot).
import { setHistoryFigure } from "./train/history";
import { historyFigure } from "./plot/historyFigure";
setHistoryFigure(historyFigure);

// A Chinese notebook runs the English code: its printed sentences go through the phrase catalog.
import { translatePrintedOutput } from "./i18n/output";
translatePrintedOutput();
