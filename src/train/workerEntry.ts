/**
 * How `fit`'s worker threads start their module (replicaWorker.ts, splitWorker.ts, beside this
 * file): the compiled .js, or the .ts source through tsx when optimlab itself runs under tsx (the
 * tests), where a worker cannot load TypeScript by itself.
 */
import * as path from "node:path";

/** `new Worker(entry.code, { eval: entry.eval })` starts the module `name` of this folder. */
export function workerEntry(name: string): { code: string; eval: boolean } {
  const extension = path.extname(__filename);
  const file = path.join(__dirname, `${name}${extension}`);
  if (extension !== ".ts") return { code: file, eval: false };
  return { code: `require("tsx/cjs"); require(${JSON.stringify(file)});`, eval: true };
}
