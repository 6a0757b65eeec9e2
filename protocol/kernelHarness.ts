/**
 * A Jupyter client that starts a kernel as a child process on free ports and drives it message by
 * message through ZeroMQ with wire.ts (the same bytes a real client sends): every channel, raw frames,
 * any signer. The kernel tests and the kernel benchmarks use it; the notebook runner has its own
 * smaller client (runner/client.ts) over runner/launch.ts's process handling.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zmq from "zeromq";
import { newConnectionInfo } from "./ports";
import {
  createMessage,
  deserialize,
  endpoint,
  serialize,
  Signer,
  type ConnectionInfo,
  type JsonObject,
  type Message,
} from "./wire";

export type ClientChannel = "shell" | "control" | "stdin";

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KernelHarness {
  readonly signer: Signer;
  readonly session = `harness-${process.pid}`;
  /** Every IOPub message received, in order. */
  readonly published: Message[] = [];
  stderr = "";
  private readonly sockets: {
    shell: zmq.Dealer;
    control: zmq.Dealer;
    stdin: zmq.Dealer;
    iopub: zmq.Subscriber;
    hb: zmq.Request;
  };
  private readonly replyWaiters = new Map<string, (message: Message) => void>();
  private readonly unclaimedReplies = new Map<string, Message>();
  private readonly iopubWaiters: Array<() => void> = [];
  private exitCode: Promise<number | null>;

  private constructor(
    readonly info: ConnectionInfo,
    readonly child: ChildProcess,
    readonly tempDir: string,
  ) {
    this.signer = new Signer(info.key, info.signature_scheme);
    this.sockets = {
      shell: new zmq.Dealer({ linger: 0 }),
      control: new zmq.Dealer({ linger: 0 }),
      stdin: new zmq.Dealer({ linger: 0 }),
      iopub: new zmq.Subscriber({ linger: 0 }),
      hb: new zmq.Request({ linger: 0, receiveTimeout: 2000 }),
    };
    child.stderr?.on("data", (data: Buffer) => (this.stderr += data.toString()));
    this.exitCode = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /** Starts our kernel and waits until it answers (kernel_info reply and IOPub both working). */
  static async start(options: StartOptions = {}): Promise<KernelHarness> {
    const kernel = await KernelHarness.launch(options);
    await kernel.waitUntilReady();
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
    const kernel = new KernelHarness(info, child, tempDir);
    kernel.connect();
    return kernel;
  }

  /**
   * Sends one kernel_info_request right away and resolves with its reply. ZeroMQ holds the request
   * until the kernel's socket is bound, so this measures start-up without flooding a slow kernel.
   */
  firstKernelInfoReply(timeoutMs = 60_000): Promise<Message> {
    return this.waitForReply(this.send("shell", "kernel_info_request", {}), timeoutMs);
  }

  private connect(): void {
    for (const channel of ["shell", "control", "stdin", "hb"] as const)
      this.sockets[channel].connect(endpoint(this.info, channel));
    this.sockets.iopub.connect(endpoint(this.info, "iopub"));
    this.sockets.iopub.subscribe();
    for (const channel of ["shell", "control", "stdin"] as const) void this.receive(channel);
    void this.receiveIopub();
  }

  private async receive(channel: ClientChannel): Promise<void> {
    try {
      for await (const frames of this.sockets[channel]) {
        const message = deserialize(frames, this.signer);
        const parentId = (message.parent_header as { msg_id?: string }).msg_id;
        if (!parentId) continue;
        const waiter = this.replyWaiters.get(parentId);
        if (waiter) {
          this.replyWaiters.delete(parentId);
          waiter(message);
        } else {
          this.unclaimedReplies.set(parentId, message); // arrived before anyone asked for it
        }
      }
    } catch {
      // socket closed
    }
  }

  private async receiveIopub(): Promise<void> {
    try {
      for await (const frames of this.sockets.iopub) {
        this.published.push(deserialize(frames, this.signer));
        for (const wake of this.iopubWaiters.splice(0)) wake();
      }
    } catch {
      // socket closed
    }
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
    const message = createMessage(msgType, content, { session: this.session });
    void this.sockets[channel].send(serialize(message, signer));
    return message;
  }

  sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void> {
    return this.sockets[channel].send(frames);
  }

  waitForReply(request: Message, timeoutMs = 20_000): Promise<Message> {
    const early = this.unclaimedReplies.get(request.header.msg_id);
    if (early) {
      this.unclaimedReplies.delete(request.header.msg_id);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replyWaiters.delete(request.header.msg_id);
        reject(new Error(`no reply to ${request.header.msg_type} within ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      timer.unref();
      this.replyWaiters.set(request.header.msg_id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
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
    return this.request(
      "shell",
      "execute_request",
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
        ...options,
      },
      timeoutMs,
    );
  }

  /** One heartbeat ping; resolves with the echoed bytes. */
  async ping(payload = "ping"): Promise<string> {
    await this.sockets.hb.send(payload);
    const [echo] = await this.sockets.hb.receive();
    return echo.toString();
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
    for (const socket of Object.values(this.sockets)) socket.close();
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
