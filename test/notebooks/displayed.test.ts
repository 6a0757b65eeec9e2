import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

// A notebook cell shows only its last expression. A table or figure built by a top-level `plot.…(…);` statement
// that is not the cell's last one is thrown away unless it is wrapped in `display(…)` — the reader never sees it,
// although the prose may point to it (05's λ sweep, 09's constant-rate sweep, 11's lr sweep, 08's check table did).
// From the sources (test/notebooks) or from the build (dist/test/notebooks).
const root = [resolve(__dirname, "..", ".."), resolve(__dirname, "..", "..", "..")].find((dir) =>
  existsSync(join(dir, "notebooks", "00-start-here.ipynb")),
)!;
const notebooks = join(root, "notebooks");

/** Index just past the statement that opens at `start`: parentheses, brackets and braces balanced, strings skipped. */
function statementEnd(code: string, start: number): number {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === "\\") i++;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return code.length;
}

/** The top-level `plot.…(…);` statements of a cell that are followed by more code (so their value is discarded). */
function discardedPlots(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/^plot\.\w+\(/gm)) {
    const end = statementEnd(code, (match.index ?? 0) + match[0].length - 1);
    const rest = code.slice(end);
    const afterSemicolon = /^\s*;/.test(rest) ? rest.replace(/^\s*;/, "") : undefined;
    const remaining = afterSemicolon?.replace(/\/\/.*$/gm, "").trim();
    if (remaining)
      found.push(
        code
          .slice(match.index ?? 0, end)
          .split("\n")[0]
          .slice(0, 80),
      );
  }
  return found;
}

test("the discarded-plot check: a mid-cell plot statement is found; a last one or one inside display(…) is not", () => {
  assert.deepEqual(discardedPlots("plot.table(rows);\nconst x = 1;\nx"), ["plot.table(rows)"]);
  assert.deepEqual(discardedPlots('plot.table(rows.map((r) => ({ a: ")" })));\nx'), [
    'plot.table(rows.map((r) => ({ a: ")" })))',
  ]);
  assert.deepEqual(discardedPlots("const x = 1;\nplot.table(rows)"), []);
  assert.deepEqual(discardedPlots("plot.table(rows);\n// a comment"), []);
  assert.deepEqual(discardedPlots("display(plot.table(rows));\nx"), []);
});

test("no notebook builds a table or figure mid-cell without display(…)", () => {
  const problems: string[] = [];
  for (const file of readdirSync(notebooks)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()) {
    const notebook = JSON.parse(readFileSync(join(notebooks, file), "utf8")) as {
      cells: { cell_type: string; id: string; source: string[] | string }[];
    };
    for (const cell of notebook.cells) {
      if (cell.cell_type !== "code") continue;
      const code = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const statement of discardedPlots(code)) problems.push(`${file} ${cell.id}: ${statement}`);
    }
  }
  assert.deepEqual(problems, [], "wrap each in display(…), or make it the cell's last expression");
});
