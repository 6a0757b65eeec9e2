/**
 * The repository's own translation: every English notebook has a current, complete Chinese notebook
 * generated from the store, whose code cells are the English ones, and every figure title, axis label,
 * legend name and printed sentence of the code has a catalog entry. Run `npx optimlab i18n check` for
 * the same list with instructions, `npx optimlab i18n todo` for the text to translate.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { checkTranslations } from "../../publish/i18n/project";
import { repoRoot } from "../publish/paths";

test("notebooks/zh: every notebook translated, current, built from the English code, with every visible phrase in the catalog", () => {
  const root = repoRoot();
  const problems = checkTranslations({ notebooksDir: path.join(root, "notebooks"), storeDir: path.join(root, "i18n"), lang: "zh" });
  assert.deepEqual(
    problems.map((p) => p.message),
    [],
  );
});
