/**
 * The errata table of docs/notebooks.md against the notebooks: the stated row count matches the table, every
 * row's Chinese quote (原文「…」) appears verbatim in a notebook it names (and in the seed article, when the seed
 * texts are available), and every notebook named exists. Each check is also run on a tampered copy, where it must fail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";

interface Row {
  index: number;
  seed: string;
  quote: string;
  notebooks: string[];
}

/** Splits a markdown table line on the pipes that are not escaped as `\|`. */
function tableCells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The "Article mistakes corrected" section: the stated count and the parsed rows. */
export function parseErrata(doc: string): { stated: number | undefined; rows: Row[] } {
  const start = doc.indexOf("## Article mistakes corrected");
  if (start < 0) return { stated: undefined, rows: [] };
  const section = doc.slice(start);
  const stated = /The table has \*\*(\d+) rows\*\*/.exec(section);
  const lines = section.split("\n").filter((line) => line.trim().startsWith("|"));
  const rows = lines.slice(2).map((line, i) => {
    const cells = tableCells(line);
    return {
      index: i + 1,
      seed: /`([0-9]{3}_[0-9a-f]+\.txt)`/.exec(cells[1] ?? "")?.[1] ?? "",
      quote: /「(.*)」/.exec(cells[3] ?? "")?.[1] ?? "",
      notebooks: (cells[cells.length - 1] ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    };
  });
  return { stated: stated ? Number(stated[1]) : undefined, rows };
}

/** All markdown and code of a notebook, as one string. */
function notebookText(file: string): string {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { source: string | string[] }[] };
  return nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
}

function seedsDir(): string | undefined {
  const candidates = [process.env.OPTIMLAB_SEEDS, "/work/shared/seeds"].filter((d): d is string => !!d);
  return candidates.find((d) => fs.existsSync(d));
}

/** Every problem found in the errata table (an empty list means the table and the notebooks agree). */
export function errataProblems(doc: string, notebooksDir: string, seeds: string | undefined): string[] {
  const problems: string[] = [];
  const { stated, rows } = parseErrata(doc);
  if (stated === undefined) problems.push('the doc does not state the row count ("The table has **N rows**")');
  else if (stated !== rows.length) problems.push(`the doc says ${stated} rows, the table has ${rows.length}`);
  const files = fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb"));
  let lastSeed = "";
  for (const row of rows) {
    if (row.seed) lastSeed = row.seed;
    if (!row.quote) {
      problems.push(`row ${row.index}: no quote 「…」`);
      continue;
    }
    if (row.notebooks.length === 0) problems.push(`row ${row.index}: no notebook named`);
    const texts = row.notebooks.map((nb) => {
      const file = files.find((f) => f.startsWith(`${nb}-`));
      if (!file) problems.push(`row ${row.index}: notebook ${nb} does not exist`);
      return file ? notebookText(path.join(notebooksDir, file)) : "";
    });
    if (!texts.some((t) => t.includes(row.quote)))
      problems.push(`row ${row.index}: 「${row.quote}」 is in none of ${row.notebooks.join(", ")}`);
    if (seeds && row.seed) {
      const seedText = fs.readFileSync(path.join(seeds, row.seed), "utf8");
      if (!seedText.includes(row.quote)) problems.push(`row ${row.index}: 「${row.quote}」 is not in ${row.seed}`);
    }
  }
  if (!lastSeed) problems.push("no seed file named in the table");
  return problems;
}

const root = repoRoot();
const doc = fs.readFileSync(path.join(root, "docs", "notebooks.md"), "utf8");
const notebooksDir = path.join(root, "notebooks");

test("the errata table states its row count, and every quote is in the notebooks it names", (t) => {
  const seeds = seedsDir();
  if (!seeds) t.diagnostic("seed articles not found (set OPTIMLAB_SEEDS): quotes checked against the notebooks only");
  const { stated, rows } = parseErrata(doc);
  assert.ok(rows.length >= 36, `expected at least 36 rows, found ${rows.length}`);
  assert.equal(stated, rows.length);
  assert.deepEqual(errataProblems(doc, notebooksDir, seeds), []);
});

test("negative controls: a wrong count, a quote missing from its notebook and a missing notebook are reported", () => {
  const wrongCount = doc.replace(
    /The table has \*\*(\d+) rows\*\*/,
    (_, n: string) => `The table has **${Number(n) + 1} rows**`,
  );
  assert.ok(errataProblems(wrongCount, notebooksDir, undefined).some((p) => p.includes("rows, the table has")));
  const firstQuote = parseErrata(doc).rows[0].quote;
  const wrongQuote = doc.replace(`「${firstQuote}」`, "「这句话不在任何笔记本里」");
  assert.ok(errataProblems(wrongQuote, notebooksDir, undefined).some((p) => p.startsWith("row 1:")));
  const lines = doc.split("\n");
  const rowLine = lines.findIndex((l) => /^\|\s*1\s*\|/.test(l)); // the table may be padded (prettier)
  lines[rowLine] = lines[rowLine].replace(/\|\s*([0-9, ]+)\s*\|\s*$/, "| 99 |");
  assert.ok(
    errataProblems(lines.join("\n"), notebooksDir, undefined).some((p) => p.includes("notebook 99 does not exist")),
  );
});

test("the notebooks table names every tutorial notebook that exists", () => {
  const section = doc.slice(doc.indexOf("## The notebooks"), doc.indexOf("## Rules for every lesson"));
  const named = [...section.matchAll(/^\|\s*`(\d\d-[a-z0-9-]+)`/gm)].map((m) => m[1]);
  for (const name of named)
    assert.ok(fs.existsSync(path.join(notebooksDir, `${name}.ipynb`)), `${name}.ipynb is named but missing`);
  for (const nb of ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"])
    assert.ok(
      named.some((n) => n.startsWith(`${nb}-`)),
      `notebook ${nb} is not in the table`,
    );
});
