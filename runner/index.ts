/**
 * The notebook runner's programmatic API (used by the site builder and by `optimlab test|run`).
 *
 *     import { executeNotebook } from "optimlab/dist/runner";
 *     const { notebook, cells, ok } = await executeNotebook("notebooks/sgd.ipynb", {
 *       timeout: 60,
 *       onCellExecuted: (cell, result) => console.log(result.number, result.status),
 *     });
 */
export {
  executeNotebook,
  prepareNotebook,
  resolveKernel,
  availableKernelNames,
  executeMessages,
  DEFAULT_CELL_TIMEOUT,
  DEFAULT_STARTUP_TIMEOUT,
  DEFAULT_INTERRUPT_GRACE,
  type CellResult,
  type CellStatus,
  type CellFailure,
  type NotebookResult,
  type ExecuteOptions,
  type ExecutionHooks,
} from "./execute";
export { runNotebooks, outputPath, batchMessages, type BatchOptions } from "./batch";
export { discoverNotebooks, parseShard, selectShard, discoverMessages } from "./discover";
export {
  abortedMessage,
  cellErrorMessage,
  cellTimeoutMessage,
  deadlineAtStartupMessage,
  kernelDiedMessage,
  noExceptionMessage,
  noExecuteReplyMessage,
  notebookTimeoutMessage,
  notRunMessage,
  outputMismatchMessage,
  startTimeoutMessage,
  wrongExceptionMessage,
  type FailureKind,
} from "./failure";
export {
  readNotebook,
  parseNotebook,
  writeNotebook,
  serializeNotebook,
  normalizeNotebook,
  NotebookError,
  notebookMessages,
  type Notebook,
  type Cell,
  type CodeCell,
  type Output,
} from "./notebook";
export {
  parseParamArgument,
  readParamsFile,
  injectParameters,
  parameterSource,
  parameterMessages,
  type Parameters,
} from "./parameters";
export { parseSanitizers, readSanitizers, compareOutputs, type Sanitizer } from "./regression";
export {
  formatSummary,
  formatNotebook,
  formatTotals,
  formatJunit,
  formatRunLine,
  plainText,
  type RunEntry,
  type NotebookInputError,
} from "./report";
export { killAllKernels } from "./cleanup";
export { delay, MAX_TIMER_MS } from "./timers";
