/**
 * Real browser, real front end, real server: Chromium runs the ipywidgets 8 front end
 * (@jupyter-widgets/html-manager with base, controls and output, bundled by esbuild from node_modules),
 * which reaches a live optimlab kernel through Debian's classic Notebook server (its REST and websocket
 * API, via @jupyterlab/services). An `interact` over a FloatSlider is rendered, the slider is moved with
 * the keyboard, and the figure in the Output widget must change. Screenshots go to
 * test-results/widgets/ (before and after the move).
 *
 * Skips, saying why, without Chromium (/usr/bin/chromium), the notebook server (python3-notebook) or
 * playwright-core.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import type { Browser } from "playwright-core";
import { REPO_ROOT } from "../../protocol/kernelHarness";
import { CHROMIUM_MISSING, findChromium, launchChromium } from "../publish/chromium";

const PYTHON = "/usr/bin/python3";
const ARTIFACTS = path.join(REPO_ROOT, "test-results", "widgets");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

const CELL = `
import { widgets, plot } from "optimlab";
const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 0.9, step: 0.1, description: "β" });
const powers = widgets.interact(
  ({ beta: b }) => plot.line({ "β^k": { x: [0, 1, 2, 3, 4, 5], y: [0, 1, 2, 3, 4, 5].map((k) => b ** k) } }, { title: \`momentum decay β = \${b.toFixed(1)}\`, xLabel: "k", yLabel: "β^k" }),
  { beta },
);
display(powers);
`;

function missing(): string | undefined {
  if (!findChromium()) return CHROMIUM_MISSING;
  const probe = spawnSync(PYTHON, ["-c", "import notebook"], { encoding: "utf8" });
  if (probe.status !== 0) return "the classic Notebook server is not installed (apt-get install python3-notebook)";
  try {
    require.resolve("playwright-core");
    require.resolve("@jupyter-widgets/html-manager");
    require.resolve("esbuild");
  } catch (error) {
    return `npm install first: ${(error as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

/** Bundles the page (test/widgets/browser/page.ts: the widget front end) into `dir`. */
function bundlePage(dir: string, token: string): void {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const source = path.join(REPO_ROOT, "test", "widgets", "browser", "page.ts");
  const fonts = Object.fromEntries([".woff", ".woff2", ".ttf", ".eot", ".svg"].map((ext) => [ext, "dataurl" as const]));
  esbuild.buildSync({
    entryPoints: [source],
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
      `<script>window.WIDGET_CODE = ${JSON.stringify(CELL)};</script><script src="page.js?token=${token}"></script></body></html>`,
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

describe("widgets in a real browser", { timeout: 300_000 }, () => {
  it("renders a live interact, and moving the slider changes the figure", async (t) => {
    const why = missing();
    if (why) return t.skip(why);
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
      bundlePage(root, token);
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
      const state = async () =>
        (await page.evaluate(
          () => (window as unknown as { widgetTest?: { phase: string; error?: string } }).widgetTest,
        )) ?? { phase: "page script not running", error: undefined };
      for (let i = 0; i < 480 && (await state()).phase !== "rendered"; i++) {
        const now = await state();
        if (now.error)
          throw new Error(
            `front end failed: ${now.error}\nconsole:\n${consoleLines.join("\n")}\nserver:\n${serverLog.slice(-2500)}`,
          );
        if (now.phase === "page script not running" && i > 80) break;
        await sleep(250);
      }
      assert.equal(
        (await state()).phase,
        "rendered",
        `widgets never rendered; console:\n${consoleLines.join("\n")}\nserver:\n${serverLog.slice(-2000)}`,
      );

      const figureTitle = () => page.locator(".widget-output .optimlab-figure").first().getAttribute("aria-label");
      await page.locator(".widget-slider .noUi-handle").first().waitFor({ timeout: 60_000 });
      await page.locator(".widget-output .optimlab-figure").first().waitFor({ timeout: 120_000 });
      assert.equal(await figureTitle(), "momentum decay β = 0.5");
      await page.locator(".widget-output .main-svg").first().waitFor({ timeout: 60_000 }); // plotly.js drew it
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "browser-before.png"), fullPage: true });

      // Move the slider: two steps right with the keyboard (noUiSlider's handle is focusable).
      const handle = page.locator(".widget-slider .noUi-handle").first();
      await handle.focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      let title = await figureTitle();
      // Each key press sends an update; the figure may show β = 0.6 before the run for 0.7 lands.
      for (let i = 0; i < 240 && title !== "momentum decay β = 0.7"; i++) {
        await sleep(250);
        title = await figureTitle();
      }
      assert.equal(
        title,
        "momentum decay β = 0.7",
        `the figure did not follow the slider; console:\n${consoleLines.join("\n")}`,
      );
      assert.equal(await page.locator(".widget-readout").first().textContent(), "0.70");
      await page.locator(".widget-output .main-svg").first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, "browser-after.png"), fullPage: true });
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
