/**
 * `is_complete_request`: should a console run the code on Enter, or wait for more lines?
 * TypeScript's parser decides (tslab's `isCompleteCode`): unterminated blocks, strings or expressions
 * are "incomplete" and get an indent hint.
 */
export interface IsCompleteReply {
  status: "complete" | "incomplete";
  indent?: string;
}

export function isComplete(code: string): IsCompleteReply {
  // Loaded lazily: it pulls in the TypeScript compiler.
  const { isCompleteCode } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
  const result = isCompleteCode(code);
  return result.completed ? { status: "complete" } : { status: "incomplete", indent: result.indent ?? "" };
}
