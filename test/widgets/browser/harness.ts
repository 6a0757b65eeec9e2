/**
 * What the Chromium widget tests share: Debian's classic Notebook server with an optimlab kernelspec in
 * a scratch folder (its REST and websocket API are what @jupyterlab/services talks to), a front-end
 * page bundled by esbuild from node_modules, and a browser pointed at it. Used by browser.test.ts
 * (html-manager renders an interact) and jupyterlabServices.test.ts (JupyterLab's client stack).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "../../../protocol/kernelHarness";
import { CHROMIUM_MISSING, findChromium, launchChromium } from "../../publish/chromium";

const PYTHON = "/usr/bin/python3";
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why the browser tests cannot run here, or undefined. */
export function browserTestMissing(): string | undefined {
  if (!findChromium()) return CHROMIUM_MISSING;
  const probe = spawnSync(PYTHON, ["-c", "import notebook"], { encoding: "utf8" });
  if (probe.status !== 0) return "the classic Notebook server is not installed (apt-get install python3-notebook)";
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

/** A TCP port free right now on 127.0.0.1. */
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

async function waitForServer(port: number, token: string, server: ChildProcess, lastLog: () => string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`the notebook server exited with ${server.exitCode}: ${lastLog()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
      if (response.ok) {
        const specs = (await response.json()) as { kernelspecs: { [name: string]: unknown } };
        assert.ok("optimlab" in specs.kernelspecs, "the server must see the optimlab kernelspec");
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error("the notebook server did not start within 60 s");
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
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let serverLog = "";
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
    const port = await freePort();
    const token = `t${process.pid}x${Date.now()}`;
    bundlePage(root, entry, token, code);
    const env = {
      ...process.env,
      JUPYTER_PATH: path.join(root, "jupyter"),
      JUPYTER_DATA_DIR: path.join(root, "jupyter"),
      JUPYTER_RUNTIME_DIR: path.join(root, "runtime"),
      JUPYTER_CONFIG_DIR: path.join(root, "config"),
    };
    server = spawn(
      PYTHON,
      [
        "-m",
        "notebook",
        "--no-browser",
        "--ip=127.0.0.1",
        `--port=${port}`,
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${root}`,
        "--NotebookApp.open_browser=False",
        "--allow-root",
        // /files/ pages are served sandboxed (origin "null"): let them call the API with the token
        "--NotebookApp.allow_origin=*",
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    server.stdout?.on("data", (d: Buffer) => (serverLog += d));
    server.stderr?.on("data", (d: Buffer) => (serverLog += d));
    await waitForServer(port, token, server, () => serverLog.slice(-1500));

    browser = await launchChromium(findChromium()!);
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const consoleLines: string[] = [];
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`page error: ${error.stack ?? error.message}`));
    page.on("requestfailed", (request) => consoleLines.push(`request failed: ${request.url()}`));
    page.on("response", (response) => {
      if (response.status() >= 400) consoleLines.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`http://127.0.0.1:${port}/files/test.html?token=${token}`);
    await body({ page, consoleLines, serverLog: () => serverLog });
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
}
