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
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { temporaryJupyter } from "../../kernel/temporaryJupyter";
import { CHROMIUM_MISSING, findChromium, launchChromium } from "../publish/chromium";

const PYTHON = "/usr/bin/python3";
const CELL = "interface Point { x: number }\nconst origin: Point = { x: 0 };";
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function missing(): string | undefined {
  if (!findChromium()) return CHROMIUM_MISSING;
  if (spawnSync(PYTHON, ["-c", "import notebook"]).status !== 0)
    return "the classic Notebook server is not installed (apt-get install python3-notebook)";
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`the notebook server exited with ${server.exitCode}: ${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the notebook server did not answer within 60 s: ${log()}`);
}

describe("TypeScript highlighting in classic Notebook", { timeout: 300_000 }, () => {
  it("a new notebook with the optimlab kernel highlights cells in CodeMirror's TypeScript mode", async (t) => {
    const reason = missing();
    if (reason) return t.skip(reason);
    const { root, env } = temporaryJupyter();
    const notebooks = path.join(root, "notebooks");
    fs.mkdirSync(notebooks);
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let log = "";
    try {
      const port = await freePort();
      const token = `t${process.pid}x${Date.now()}`;
      const base = `http://127.0.0.1:${port}`;
      server = spawn(
        PYTHON,
        [
          "-m",
          "notebook",
          "--no-browser",
          "--ip=127.0.0.1",
          `--port=${port}`,
          `--NotebookApp.token=${token}`,
          `--notebook-dir=${notebooks}`,
          "--allow-root",
        ],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
      server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
      server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
      await waitForServer(`${base}/api/contents?token=${token}`, server, () => log.slice(-2000));

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
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server?.once("exit", resolve));
        server.kill("SIGTERM"); // the server shuts its kernels down on the way out
        await Promise.race([exited, sleep(10_000)]);
        if (server.exitCode === null) server.kill("SIGKILL");
      }
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
