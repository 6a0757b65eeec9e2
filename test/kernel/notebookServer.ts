/**
 * Debian's classic Notebook server (python3-notebook) on a free local port, for the browser tests
 * (TypeScript highlighting, the widget front ends): started with a fresh token in a given Jupyter
 * environment, awaited until its REST API answers, and stopped so that it shuts its kernels down.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePorts } from "../../protocol/ports";
import { CHROMIUM_MISSING, findChromium } from "../publish/chromium";
import { PYTHON } from "./jupyter";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a browser test against the Notebook server cannot run here (no Chromium, no server), or undefined. */
export function notebookServerMissing(): string | undefined {
  if (!findChromium()) return CHROMIUM_MISSING;
  if (spawnSync(PYTHON, ["-c", "import notebook"]).status !== 0)
    return "the classic Notebook server is not installed (apt-get install python3-notebook)";
  return undefined;
}

export interface NotebookServer {
  /** http://127.0.0.1:PORT */
  base: string;
  token: string;
  /** Everything the server printed so far. */
  log(): string;
  /** SIGTERM (the server shuts its kernels down), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface NotebookServerOptions {
  notebookDir: string;
  env: NodeJS.ProcessEnv;
  /** The server's token (default: a fresh one). */
  token?: string;
  /** More `--NotebookApp.*` arguments. */
  args?: string[];
  /** Called with the first OK answer of `readyPath` (e.g. to check the kernelspecs); throw to fail. */
  readyPath?: string;
  onReady?: (response: Response) => Promise<void>;
}

/** Starts the server and resolves once `readyPath` (default /api/contents) answers 200 with the token. */
export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const [port] = await freePorts(1);
  const token = options.token ?? `t${process.pid}x${Date.now()}`;
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    PYTHON,
    [
      "-m",
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${options.notebookDir}`,
      "--allow-root",
      ...(options.args ?? []),
    ],
    { env: options.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const handle: NotebookServer = {
    base,
    token,
    log: () => log,
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (server.exitCode === null) server.kill("SIGKILL");
    },
  };
  try {
    await waitUntilAnswering(
      `${base}${options.readyPath ?? "/api/contents"}?token=${token}`,
      server,
      handle,
      options.onReady,
    );
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

async function waitUntilAnswering(
  url: string,
  server: ChildProcess,
  handle: NotebookServer,
  onReady: ((response: Response) => Promise<void>) | undefined,
): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null)
      throw new Error(`the notebook server exited with ${server.exitCode}: ${handle.log().slice(-2000)}`);
    let response: Response | undefined;
    try {
      response = await fetch(url);
    } catch {
      // not listening yet
    }
    if (response?.ok) {
      await onReady?.(response);
      return;
    }
    await sleep(250);
  }
  throw new Error(`the notebook server did not answer within 60 s: ${handle.log().slice(-2000)}`);
}
