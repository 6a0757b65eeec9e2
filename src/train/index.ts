/** Training: `fit` (our loop), `compare` (several configs from one start), History, progress. */
export * from "./fit";
export * from "./records";
export {
  History,
  setHistoryFigure,
  unknownKeyMessage,
  invalidBestModeMessage,
  invalidHistoryJSONMessage,
  invalidHistoryNumberMessage,
  type HistoryJSON,
  type JSONNumber,
  type WithJSONNumbers,
  type RunInfo,
  type HistoryFigure,
} from "./history";
export { DivergenceError, divergenceMessage, firstStepDivergenceMessage } from "./divergence";
export {
  accuracy,
  probabilityAccuracy,
  unknownMetricMessage,
  metricsNotListMessage,
  type Metric,
  type MetricFn,
} from "./metrics";
export { evaluateModel } from "./evaluate";
export { globalNorm } from "../transforms/globalNorm";
export { Progress, progressLine, type ProgressOptions, type ProgressState } from "./progress";
export {
  compare,
  noConfigsMessage,
  duplicateOptimizerMessage,
  type CompareConfig,
  type CompareOptions,
} from "./compare";
