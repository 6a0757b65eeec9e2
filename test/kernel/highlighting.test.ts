/**
 * TypeScript syntax highlighting in classic Notebook 6.4 (Debian's python3-notebook) with Chromium:
 * a new notebook opened with our kernel (the tree page's "New" does `?kernel_name=optimlab`) takes
 * its CodeMirror mode from the kernel's `language_info.codemirror_mode`. With "typescript" the cell
 * editor runs CodeMirror's TypeScript mode (`interface` is a keyword, `number` a type); with the
 * old "text/typescript" the mode file 404ed and cells stayed plain text.
 * Skips, with the reason, without Chromium or the Notebook server.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { temporaryJupyter } from "../../kernel/temporaryJupyter";
import { findChromium, launchChromium } from "../publish/chromium";
import { notebookServerMissing, startNotebookServer, type NotebookServer } from "./notebookServer";

const CELL = "interface Point { x: number }\nconst origin: Point = { x: 0 };";

describe("TypeScript highlighting in classic Notebook", { timeout: 300_000 }, () => {
  it("a new notebook with the optimlab kernel highlights cells in CodeMirror's TypeScript mode", async (t) => {
    const reason = notebookServerMissing();
    if (reason) return t.skip(reason);
    const { root, env } = temporaryJupyter();
    const notebooks = path.join(root, "notebooks");
    fs.mkdirSync(notebooks);
    let server: NotebookServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await startNotebookServer({ notebookDir: notebooks, env });
      const { base, token } = server;

      // What the tree page's New menu does: an empty notebook, opened with ?kernel_name=.
      const created = await fetch(`${base}/api/contents?token=${token}`, {
        method: "POST",
        body: JSON.stringify({ type: "notebook" }),
      });
      const body = await created.text();
      assert.equal(created.status, 201, body);
      const { path: notebookPath } = JSON.parse(body) as { path: string };

      browser = await launchChromium(findChromium() as string);
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on("response", (response) => {
        if (response.status() === 404 && response.url().includes("codemirror")) failed.push(response.url());
      });
      await page.goto(`${base}/notebooks/${notebookPath}?kernel_name=optimlab&token=${token}`);
      // The notebook sets the cells' mode once the kernel's kernel_info_reply is in.
      await page.waitForFunction("window.Jupyter?.notebook?.metadata?.language_info !== undefined", undefined, {
        timeout: 180_000,
      });
      await page.click(".CodeMirror");
      await page.keyboard.type(CELL);
      // A string, not a function: the test may run through tsx, whose helpers do not exist in the page.
      const seen = (await page.evaluate(`(() => {
        const spans = (style) => [...document.querySelectorAll(".CodeMirror-code .cm-" + style)].map((s) => s.textContent);
        const editor = Jupyter.notebook.get_cell(0).code_mirror;
        const mode = editor.getMode();
        return {
          codemirrorMode: Jupyter.notebook.metadata.language_info.codemirror_mode,
          modeName: mode.name,
          option: editor.getOption("mode"),
          keywords: spans("keyword"),
          types: spans("type"),
        };
      })()`)) as {
        codemirrorMode: unknown;
        modeName: string;
        option: unknown;
        keywords: string[];
        types: string[];
      };
      assert.deepEqual(failed, [], "no CodeMirror mode file may 404");
      assert.equal(seen.codemirrorMode, "typescript");
      assert.equal(seen.modeName, "javascript");
      assert.match(JSON.stringify(seen.option), /typescript/, `CodeMirror runs ${JSON.stringify(seen)}`);
      assert.ok(seen.keywords.includes("interface"), `interface is a keyword: ${JSON.stringify(seen)}`);
      assert.ok(seen.keywords.includes("const"), `const is a keyword: ${JSON.stringify(seen)}`);
      assert.ok(seen.types.includes("number"), `number is a type: ${JSON.stringify(seen)}`);
    } finally {
      await browser?.close();
      await server?.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
