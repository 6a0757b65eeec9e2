/**
 * The Chinese notebooks correct the articles by quoting them: every “…” quotation with Chinese text
 * in a "> **原文**" box of the translation store must appear verbatim in one of the five seed articles
 * (pieces separated by "……" each verbatim). The seed texts live outside the repository; set
 * OPTIMLAB_SEEDS to their folder (default /work/shared/seeds), else the test says so and skips.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../publish/paths";

function seedsDir(): string | undefined {
  return [process.env.OPTIMLAB_SEEDS, "/work/shared/seeds"].find((dir): dir is string => !!dir && fs.existsSync(dir));
}

/** The “…” quotations with Han characters inside the "原文" boxes of a store file. */
export function articleQuotes(store: string): string[] {
  const quotes: string[] = [];
  let inBox = false;
  for (const line of store.split("\n")) {
    if (!line.startsWith(">")) inBox = false;
    else if (/^>\s*\*\*原文/.test(line)) inBox = true;
    else if (/^>\s*\*\*实际情况/.test(line)) inBox = false;
    if (!inBox) continue;
    for (const match of line.matchAll(/“([^”]*)”/g)) if (/\p{Script=Han}/u.test(match[1])) quotes.push(match[1]);
  }
  return quotes;
}

/** Quotations not found verbatim in `articles`. */
export function misquoted(quotes: readonly string[], articles: string): string[] {
  return quotes.filter((quote) =>
    quote
      .split("……")
      .map((piece) => piece.trim())
      .some((piece) => piece !== "" && !articles.includes(piece)),
  );
}

test("every Chinese quotation in a 原文 box is verbatim from the seed articles", (t) => {
  const seeds = seedsDir();
  if (!seeds) return t.skip("seed articles not found (set OPTIMLAB_SEEDS)");
  const articles = fs
    .readdirSync(seeds)
    .filter((name) => name.endsWith(".txt"))
    .map((name) => fs.readFileSync(path.join(seeds, name), "utf8"))
    .join("\n");
  const storeDir = path.join(repoRoot(), "i18n", "zh");
  let count = 0;
  const wrong: string[] = [];
  for (const file of fs.readdirSync(storeDir).filter((name) => name.endsWith(".md"))) {
    const quotes = articleQuotes(fs.readFileSync(path.join(storeDir, file), "utf8"));
    count += quotes.length;
    for (const quote of misquoted(quotes, articles)) wrong.push(`${file}: “${quote}”`);
  }
  assert.ok(count >= 20, `expected the boxes to quote the articles, found ${count} quotations`);
  assert.deepEqual(wrong, []);
  // Negative control: one character changed in a real quotation is caught.
  const real = articleQuotes(fs.readFileSync(path.join(storeDir, "06-dropout.md"), "utf8"))[0];
  assert.deepEqual(misquoted([real.replace(/的/, "得")], articles).length, 1);
});
