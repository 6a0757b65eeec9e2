/**
 * Starting a kernel process from its kernelspec: free ports on 127.0.0.1, a random HMAC key, a
 * connection file in a private temp dir, the process in its own group (so an interrupt or a kill
 * reaches its children too), and a ring buffer of its last stderr lines for crash reports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kernelCommand, type KernelSpecEntry } from "../kernel/kernelspecs";
import { newConnectionInfo } from "../protocol/ports";
import type { ConnectionInfo } from "../protocol/wire";
import { isAlive, killGroup, registerKernelGroup, unregisterKernelGroup } from "./cleanup";

/** The kernel could not be started or did not become ready; `stderr` holds its last lines. */
export class KernelStartError extends Error {
  override name = "KernelStartError";
  constructor(
    message: string,
    readonly stderr: string[] = [],
    /** The kernel process started and exited before it was ready (not a spawn failure or a timeout). */
    readonly diedAtStartup = false,
    /** The kernel did not become ready in the time it was given. */
    readonly timedOut = false,
  ) {
    super(message);
  }
}

export const cannotStartKernelMessage = (name: string, program: string, reason: string): string =>
  `Cannot start kernel "${name}" (${program}): ${reason}`;
export const kernelCwdMessage = (name: string, cwd: string, reason: string): string =>
  `Cannot start kernel "${name}": its working directory ${cwd} ${reason}; give an existing folder (--cwd)`;

/** Why `dir` cannot be a working directory ("does not exist", "is not a folder"); undefined when it can. */
export function badDirectoryReason(dir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "does not exist" : `cannot be used (${code ?? "error"})`;
  }
  return stat.isDirectory() ? undefined : "is not a folder";
}

/** How a kernel process ended. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STDERR_LINES_KEPT = 40;
const STDERR_DRAIN_MS = 1000;

/** A running kernel process. `exited` resolves when it ends, whoever ended it. */
export class KernelProcess {
  readonly exited: Promise<KernelExit>;
  private exitInfo: KernelExit | undefined;
  private readonly stderrLines: string[] = [];
  private stderrPartial = "";

  private constructor(
    readonly child: ChildProcess,
    readonly pid: number,
    readonly connection: ConnectionInfo,
    private readonly tempDir: string,
  ) {
    const stderrEnded = new Promise<void>((resolve) => {
      if (!child.stderr) resolve();
      child.stderr?.once("end", resolve);
      child.stderr?.once("error", () => resolve());
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        // The exit event can beat the last stderr bytes (often the reason it died): let them
        // arrive, but never wait long — a grandchild may hold the pipe open.
        const settle = () => {
          clearTimeout(timer);
          resolve(this.exitInfo as KernelExit);
        };
        const timer = setTimeout(settle, STDERR_DRAIN_MS);
        void stderrEnded.then(settle);
      });
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => this.keepStderr(chunk));
    // stdout is drained (a full pipe would block the kernel) but not kept: output travels on IOPub.
    child.stdout?.resume();
  }

  /** Spawns the kernel with `cwd` as its working directory. */
  static async start(
    entry: KernelSpecEntry,
    options: { cwd: string; env?: NodeJS.ProcessEnv },
  ): Promise<KernelProcess> {
    // spawn blames the program (ENOENT) or says only ENOTDIR for a bad cwd: say what is wrong.
    const cwdProblem = badDirectoryReason(options.cwd);
    if (cwdProblem) throw new KernelStartError(kernelCwdMessage(entry.name, options.cwd, cwdProblem));
    const connection = await newConnectionInfo(entry.name);
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-kernel-"));
    // The folder holds the connection file and its key: it goes whenever the kernel does not start.
    const failed = (program: string, error: unknown): KernelStartError => {
      fs.rmSync(tempDir, { recursive: true, force: true });
      return new KernelStartError(cannotStartKernelMessage(entry.name, program, (error as Error).message));
    };
    let program = entry.spec.argv[0] ?? "";
    let child: ChildProcess;
    try {
      const connectionFile = path.join(tempDir, `kernel-${randomBytes(6).toString("hex")}.json`);
      fs.writeFileSync(connectionFile, JSON.stringify(connection, null, 1), { mode: 0o600 });
      const [command, ...args] = kernelCommand(entry.spec, connectionFile).map((arg) =>
        arg.split("{resource_dir}").join(entry.dir),
      );
      program = command;
      // spawn throws for some failures (a bad cwd, a NUL byte in argv) and emits 'error' for others.
      child = spawn(program, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env, ...entry.spec.env, JPY_PARENT_PID: String(process.pid) },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
    } catch (error) {
      throw failed(program, error);
    }
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", (error) => reject(failed(program, error)));
      child.once("spawn", () => resolve(child.pid as number));
    });
    registerKernelGroup(pid, tempDir);
    return new KernelProcess(child, pid, connection, tempDir);
  }

  get exitStatus(): KernelExit | undefined {
    return this.exitInfo;
  }

  /** The kernel's last stderr lines (most recent last). */
  lastStderr(): string[] {
    return this.stderrPartial ? [...this.stderrLines, this.stderrPartial] : [...this.stderrLines];
  }

  /** SIGINT to the kernel's process group, like jupyter_client's signal-mode interrupt. */
  interruptWithSignal(): void {
    if (!this.exitInfo) killGroup(this.pid, "SIGINT");
  }

  /**
   * Kills the process group and waits for the exit. SIGTERM first, SIGKILL after `graceMs`.
   * Children left behind in the group (a kernel's subprocesses) get SIGKILL too.
   */
  async kill(graceMs = 1000): Promise<KernelExit> {
    if (!this.exitInfo) {
      killGroup(this.pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(this.pid, "SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    killGroup(this.pid, "SIGKILL");
    this.release();
    return this.exitInfo as KernelExit;
  }

  /** Waits up to `ms` for the process to exit by itself, then kills it. */
  async waitOrKill(ms: number): Promise<KernelExit> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ms);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === "timeout") return this.kill();
    killGroup(this.pid, "SIGKILL");
    this.release();
    return result;
  }

  get running(): boolean {
    return !this.exitInfo && isAlive(this.pid);
  }

  private release(): void {
    unregisterKernelGroup(this.pid);
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }

  private keepStderr(chunk: string): void {
    const lines = (this.stderrPartial + chunk).split("\n");
    this.stderrPartial = lines.pop() ?? "";
    this.stderrLines.push(...lines);
    if (this.stderrLines.length > STDERR_LINES_KEPT)
      this.stderrLines.splice(0, this.stderrLines.length - STDERR_LINES_KEPT);
    if (this.stderrPartial.length > 4000) this.stderrPartial = this.stderrPartial.slice(-4000);
  }
}
