/**
 * Expands shorthand properties (`{ lr }` → `{ lr: lr }`) in a cell before tslab compiles it.
 *
 * Why: tslab rewrites every reference to a variable declared in an earlier cell into
 * `exports.name`, but its rewrite skips shorthand properties, so `new optim.SGD({ lr })` with `lr`
 * from a previous cell fails at run time with "lr is not defined". The expansion is exactly
 * equivalent TypeScript (also in destructuring assignments, `{ a = 1 } = o` → `{ a: a = 1 } = o`)
 * and adds no lines, so diagnostics keep their line numbers.
 */
import * as ts from "@tslab/typescript-for-tslab";

export function expandShorthandProperties(source: string): string {
  if (!source.includes("{")) return source;
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const insertions: { at: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) {
      insertions.push({ at: node.name.getEnd(), text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const { at, text } of insertions.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
