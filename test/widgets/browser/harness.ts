/**
 * What the Chromium widget tests share: Debian's classic Notebook server with an optimlab kernelspec in
 * a scratch folder (its REST and websocket API are what @jupyterlab/services talks to), a front-end
 * page bundled by esbuild from node_modules, and a browser pointed at it. Used by browser.test.ts
 * (html-manager renders an interact) and jupyterlabServices.test.ts (JupyterLab's client stack).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "../../../protocol/kernelHarness";
import { findChromium, launchChromium } from "../../publish/chromium";
import { notebookServerMissing, startNotebookServer, type NotebookServer } from "../../kernel/notebookServer";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why the browser tests cannot run here, or undefined. */
export function browserTestMissing(): string | undefined {
  const missing = notebookServerMissing();
  if (missing) return missing;
  try {
    require.resolve("playwright-core");
    require.resolve("@jupyter-widgets/html-manager");
    require.resolve("@jupyterlab/services");
    require.resolve("esbuild");
  } catch (error) {
    return `npm install first: ${(error as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

/** Bundles `entry` (a page script under test/widgets/browser/) and writes test.html around it into `dir`. */
function bundlePage(dir: string, entry: string, token: string, code: string): void {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const fonts = Object.fromEntries([".woff", ".woff2", ".ttf", ".eot", ".svg"].map((ext) => [ext, "dataurl" as const]));
  esbuild.buildSync({
    entryPoints: [path.join(REPO_ROOT, "test", "widgets", "browser", entry)],
    bundle: true,
    format: "iife",
    platform: "browser",
    outfile: path.join(dir, "page.js"),
    loader: { ".css": "css", ...fonts },
    define: { "process.env.NODE_ENV": '"production"', global: "window" },
    logLevel: "error",
    // html-manager was written for webpack, which provides this variable
    banner: { js: 'var __webpack_public_path__ = "";' },
  });
  fs.writeFileSync(
    path.join(dir, "test.html"),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="page.css?token=${token}"><title>optimlab widgets</title></head>` +
      `<body style="font-family: sans-serif; margin: 16px; width: 900px"><h3>optimlab kernel · ipywidgets 8 front end</h3><div id="widgets"></div>` +
      `<script>window.WIDGET_CODE = ${JSON.stringify(code)};</script><script src="page.js?token=${token}"></script></body></html>`,
  );
}

export interface BrowserSession {
  page: Page;
  /** The page's console lines, failed requests and errors so far. */
  consoleLines: string[];
  serverLog(): string;
}

/**
 * Starts the server and Chromium, opens the page bundled from `entry` (which reads the cell from
 * `window.WIDGET_CODE`), runs `body`, and tears everything down (the server shuts its kernels down).
 */
export async function withBrowserPage(
  entry: string,
  code: string,
  body: (session: BrowserSession) => Promise<void>,
): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-browser-"));
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  try {
    // The notebook folder: can import optimlab (this checkout), serves the bundled page under /files/.
    fs.mkdirSync(path.join(root, "node_modules"));
    fs.symlinkSync(REPO_ROOT, path.join(root, "node_modules", "optimlab"), "dir");
    const specDir = path.join(root, "jupyter", "kernels", "optimlab");
    fs.mkdirSync(specDir, { recursive: true });
    fs.writeFileSync(
      path.join(specDir, "kernel.json"),
      JSON.stringify({
        argv: [
          process.execPath,
          path.join(REPO_ROOT, "bin", "optimlab.js"),
          "kernel",
          "start",
          "--connection-file",
          "{connection_file}",
        ],
        display_name: "optimlab (browser test)",
        language: "typescript",
      }),
    );
    const token = `t${process.pid}x${Date.now()}`;
    bundlePage(root, entry, token, code);
    server = await startNotebookServer({
      notebookDir: root,
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(root, "jupyter"),
        JUPYTER_DATA_DIR: path.join(root, "jupyter"),
        JUPYTER_RUNTIME_DIR: path.join(root, "runtime"),
        JUPYTER_CONFIG_DIR: path.join(root, "config"),
      },
      token,
      // /files/ pages are served sandboxed (origin "null"): let them call the API with the token
      args: ["--NotebookApp.open_browser=False", "--NotebookApp.allow_origin=*"],
      readyPath: "/api/kernelspecs",
      onReady: async (response) => {
        const specs = (await response.json()) as { kernelspecs: { [name: string]: unknown } };
        assert.ok("optimlab" in specs.kernelspecs, "the server must see the optimlab kernelspec");
      },
    });

    browser = await launchChromium(findChromium()!);
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const consoleLines: string[] = [];
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`page error: ${error.stack ?? error.message}`));
    page.on("requestfailed", (request) => consoleLines.push(`request failed: ${request.url()}`));
    page.on("response", (response) => {
      if (response.status() >= 400) consoleLines.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${server.base}/files/test.html?token=${token}`);
    await body({ page, consoleLines, serverLog: server.log });
  } finally {
    await browser?.close();
    await server?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
