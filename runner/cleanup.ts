/**
 * No kernel outlives the runner. Every kernel we spawn leads its own process group; this registry
 * kills those groups and removes their connection-file folders when the runner exits, including on
 * SIGINT/SIGTERM/SIGHUP (Ctrl-C, CI cancellation, a closed terminal). The handlers are installed
 * only while a kernel is live: a program that uses the runner as a library gets its signals back
 * (its own SIGTERM handler runs) once the last kernel is gone.
 *
 * A runner killed by SIGKILL runs no handler at all, so a watchdog process (one per runner, in its
 * own session) holds a pipe from the runner: when the pipe closes — however the runner ended — it
 * kills the groups still registered and removes their folders. Kernels also get JPY_PARENT_PID
 * (launch.ts), which ipykernel and our kernel watch, as a second line of defence.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";

/** Live kernel groups: leader pid → its private temp folder (connection file). */
const liveGroups = new Map<number, string | undefined>();
let watchdog: ChildProcess | undefined;

/** Sends `signal` to the whole process group led by `pid`; false when it no longer exists. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** True while a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Registers a kernel's process group (and its temp folder) for cleanup if the runner ends first. */
export function registerKernelGroup(pid: number, tempDir?: string): void {
  liveGroups.set(pid, tempDir);
  installHandlers();
  tellWatchdog(`+${pid}${tempDir ? ` ${tempDir}` : ""}`);
}

export function unregisterKernelGroup(pid: number): void {
  liveGroups.delete(pid);
  tellWatchdog(`-${pid}`);
  if (liveGroups.size === 0) removeHandlers();
}

/**
 * Kills every registered kernel group at once and removes their folders (synchronous: safe inside
 * "exit" and signal handlers).
 */
export function killAllKernels(): void {
  for (const [pid, tempDir] of liveGroups) {
    killGroup(pid, "SIGKILL");
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    tellWatchdog(`-${pid}`);
  }
  liveGroups.clear();
  removeHandlers();
}

const SIGNAL_EXIT_CODES: { [signal: string]: number } = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The signal handlers while kernels are live (empty when none is). */
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function installHandlers(): void {
  if (signalHandlers.size > 0) return;
  process.on("exit", killAllKernels);
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as NodeJS.Signals[]) {
    const handler = (): void => {
      killAllKernels();
      process.stderr.write(`optimlab: received ${signal}, kernels stopped\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    };
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

/** No kernel left to protect: the signals are the host program's again. */
function removeHandlers(): void {
  if (signalHandlers.size === 0) return;
  process.off("exit", killAllKernels);
  for (const [signal, handler] of signalHandlers) process.off(signal, handler);
  signalHandlers.clear();
}

/**
 * The watchdog's program: lines `+pid [folder]` and `-pid` on stdin keep the list; end of stdin
 * (the runner is gone) kills what is left. It ignores the signals a terminal sends its session.
 */
const WATCHDOG_SOURCE = `
const fs = require("fs");
const groups = new Map();
for (const signal of ["SIGINT", "SIGHUP", "SIGTERM"]) process.on(signal, () => {});
let partial = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const lines = (partial + chunk).split("\\n");
  partial = lines.pop();
  for (const line of lines) {
    const space = line.indexOf(" ");
    const pid = Number(space < 0 ? line.slice(1) : line.slice(1, space));
    if (line[0] === "+") groups.set(pid, space < 0 ? "" : line.slice(space + 1));
    else groups.delete(pid);
  }
});
const cleanUp = () => {
  for (const [pid, dir] of groups) {
    try { process.kill(-pid, "SIGKILL"); } catch { try { process.kill(pid, "SIGKILL"); } catch {} }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
};
process.stdin.on("end", cleanUp);
process.stdin.on("error", cleanUp);
`;

function tellWatchdog(line: string): void {
  if (watchdog) watchdog.stdin?.write(`${line}\n`);
  else if (line.startsWith("+")) startWatchdog(); // it learns every live group, this one included
}

function startWatchdog(): void {
  const child = spawn(process.execPath, ["-e", WATCHDOG_SOURCE], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  watchdog = child;
  // Neither the process nor its pipe may keep the runner's event loop alive.
  child.unref();
  child.stdin?.on("error", () => undefined);
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.once("exit", () => {
    if (watchdog === child) watchdog = undefined;
  });
  for (const [pid, tempDir] of liveGroups) child.stdin?.write(`+${pid}${tempDir ? ` ${tempDir}` : ""}\n`);
}
