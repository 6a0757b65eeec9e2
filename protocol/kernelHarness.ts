/**
 * A Jupyter client that starts a kernel as a child process on free ports and drives it message by
 * message (the same bytes a real client sends): every channel, raw frames, any signer. The kernel
 * tests and the kernel benchmarks use it. Sockets, signing and routing by msg_id are
 * kernelConnection.ts, shared with the notebook runner's client (runner/client.ts); this file adds the
 * test conveniences: spawning, readiness, a log of every IOPub message, waits with timeouts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KernelConnection, type ClientChannel } from "./kernelConnection";
import { newConnectionInfo } from "./ports";
import type { ConnectionInfo, JsonObject, Message, Signer } from "./wire";

export type { ClientChannel } from "./kernelConnection";

/** Root of the source tree (this file runs from `protocol/` via tsx or from `dist/protocol/` after the build). */
export const REPO_ROOT = path.resolve(__dirname, __filename.endsWith(".ts") ? ".." : "../..");

/** argv that runs `optimlab kernel start` from this build (TypeScript sources through tsx in dev). */
export function kernelArgv(connectionFile: string): string[] {
  const args = ["start", "--connection-file", connectionFile];
  if (__filename.endsWith(".ts")) {
    const cli = path.join(REPO_ROOT, "kernel", "cli.ts");
    return [
      process.execPath,
      "--import",
      require.resolve("tsx"),
      "-e",
      `require(${JSON.stringify(cli)}).main(${JSON.stringify(args)}).then((c) => { process.exitCode = c; })`,
    ];
  }
  return [process.execPath, path.join(REPO_ROOT, "bin", "optimlab.js"), "kernel", ...args];
}

export async function writeConnectionFile(
  dir: string,
  key: string,
  scheme = "hmac-sha256",
): Promise<{ file: string; info: ConnectionInfo }> {
  const info = await newConnectionInfo("optimlab", { key, scheme });
  const file = path.join(dir, "kernel-harness.json");
  fs.writeFileSync(file, JSON.stringify(info));
  return { file, info };
}

export interface StartOptions {
  key?: string;
  /** Working directory of the kernel (the "notebook folder"); a fresh temp dir by default. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RequestResult {
  reply: Message;
  /** IOPub messages whose parent is the request, from busy to idle inclusive. */
  iopub: Message[];
}

/** An execute_request's content as a front end sends it by default, with `options` over it. */
export function executeContent(code: string, options: JsonObject = {}): JsonObject {
  return {
    code,
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: true,
    ...options,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KernelHarness {
  /** Every IOPub message received, in order. */
  readonly published: Message[] = [];
  stderr = "";
  private readonly connection: KernelConnection;
  private readonly iopubWaiters: Array<() => void> = [];
  private exitCode: Promise<number | null>;

  private constructor(
    readonly info: ConnectionInfo,
    readonly child: ChildProcess,
    readonly tempDir: string,
  ) {
    // Replies are kept until asked for: tests send first and wait afterwards.
    this.connection = new KernelConnection(info, {
      channels: ["shell", "control", "stdin"],
      heartbeat: true,
      session: `harness-${process.pid}`,
      keepEarlyReplies: true,
      onAnyIopub: (message) => {
        this.published.push(message);
        for (const wake of this.iopubWaiters.splice(0)) wake();
      },
    });
    child.stderr?.on("data", (data: Buffer) => (this.stderr += data.toString()));
    this.exitCode = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /**
   * Resolves once the kernel's stderr contains `text` (true), or after `timeoutMs` without it
   * (false): stderr is a separate pipe, so a log line written before a reply may arrive after it.
   */
  waitForStderr(text: string, timeoutMs = 10_000): Promise<boolean> {
    if (this.stderr.includes(text)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onData = () => {
        if (!this.stderr.includes(text)) return;
        finish(true);
      };
      const deadline = setTimeout(() => finish(false), timeoutMs);
      const finish = (found: boolean) => {
        clearTimeout(deadline);
        this.child.stderr?.off("data", onData);
        resolve(found);
      };
      // Registered after the harness's own listener, so `this.stderr` already has the new data.
      this.child.stderr?.on("data", onData);
    });
  }

  /**
   * Starts our kernel and waits until it answers (kernel_info reply and IOPub both working). A
   * kernel that does not is shut down (killed if need be) before the error is thrown: no orphan
   * left busy after a failed test.
   */
  static async start(options: StartOptions = {}): Promise<KernelHarness> {
    const kernel = await KernelHarness.launch(options);
    try {
      await kernel.waitUntilReady();
    } catch (error) {
      await kernel.close();
      throw error;
    }
    return kernel;
  }

  /**
   * Spawns a kernel and connects, without waiting. `argv` builds its command line from the connection
   * file (default: ours); the bench also launches tslab's kernel this way.
   */
  static async launch(
    options: StartOptions & { argv?: (connectionFile: string) => string[] } = {},
  ): Promise<KernelHarness> {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-kernel-"));
    const { file, info } = await writeConnectionFile(tempDir, options.key ?? "harness-key-0123");
    const [program, ...args] = (options.argv ?? kernelArgv)(file);
    const child = spawn(program, args, {
      cwd: options.cwd ?? tempDir,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new KernelHarness(info, child, tempDir);
  }

  /**
   * Sends one kernel_info_request right away and resolves with its reply. ZeroMQ holds the request
   * until the kernel's socket is bound, so this measures start-up without flooding a slow kernel.
   */
  firstKernelInfoReply(timeoutMs = 60_000): Promise<Message> {
    return this.waitForReply(this.send("shell", "kernel_info_request", {}), timeoutMs);
  }

  get signer(): Signer {
    return this.connection.signer;
  }

  get session(): string {
    return this.connection.session;
  }

  /** Like jupyter_client's wait_for_ready: kernel_info until a reply arrives and IOPub is connected. */
  private async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const request = this.send("shell", "kernel_info_request", {});
      const reply = await this.waitForReply(request, 1000).catch(() => undefined);
      if (reply) {
        const status = await this.waitForIopub(
          (m) => this.isChildOf(m, request) && m.header.msg_type === "status",
          300,
        ).catch(() => undefined);
        if (status) return;
      }
      if (this.child.exitCode !== null) throw new Error(`kernel exited with ${this.child.exitCode}:\n${this.stderr}`);
    }
    throw new Error(`kernel did not answer kernel_info within ${timeoutMs} ms:\n${this.stderr}`);
  }

  isChildOf(message: Message, request: Message): boolean {
    return (message.parent_header as { msg_id?: string }).msg_id === request.header.msg_id;
  }

  /** Signs and sends a request; returns it (its header.msg_id identifies the replies). */
  send(channel: ClientChannel, msgType: string, content: JsonObject, signer: Signer = this.signer): Message {
    const message = this.connection.message(msgType, content);
    void this.connection.send(channel, message, signer);
    return message;
  }

  sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void> {
    return this.connection.sendFrames(channel, frames);
  }

  waitForReply(request: Message, timeoutMs = 20_000): Promise<Message> {
    return this.connection.reply(request.header.msg_id, timeoutMs, request.header.msg_type).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.stderr}`);
    });
  }

  /** Resolves with the first IOPub message (past or future) matching `predicate`. */
  async waitForIopub(predicate: (message: Message) => boolean, timeoutMs = 20_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.published.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching IOPub message within ${timeoutMs} ms\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.iopubWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** IOPub messages that are children of `request`, once its `idle` status arrived. */
  async outputsOf(request: Message, timeoutMs = 20_000): Promise<Message[]> {
    await this.waitForIopub(
      (m) => this.isChildOf(m, request) && m.header.msg_type === "status" && m.content.execution_state === "idle",
      timeoutMs,
    );
    return this.published.filter((m) => this.isChildOf(m, request));
  }

  async request(
    channel: ClientChannel,
    msgType: string,
    content: JsonObject,
    timeoutMs = 20_000,
  ): Promise<RequestResult> {
    const request = this.send(channel, msgType, content);
    const reply = await this.waitForReply(request, timeoutMs);
    return { reply, iopub: await this.outputsOf(request, timeoutMs) };
  }

  execute(code: string, options: JsonObject = {}, timeoutMs = 20_000): Promise<RequestResult> {
    return this.request("shell", "execute_request", executeContent(code, options), timeoutMs);
  }

  /** One heartbeat ping; resolves with the echoed bytes. */
  ping(payload = "ping"): Promise<string> {
    return this.connection.ping(payload);
  }

  /** Resolves with the kernel's exit code, or rejects after `timeoutMs`. */
  async exited(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`kernel still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exitCode, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Shuts the kernel down (kills it if it does not exit) and closes the client sockets. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.send("control", "shutdown_request", { restart: false });
      await this.exited(5000).catch(async () => {
        this.child.kill("SIGKILL");
        await sleep(100);
      });
    }
    this.connection.close();
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
