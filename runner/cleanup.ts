/**
 * No kernel outlives the runner. Every kernel we spawn leads its own process group; this registry
 * kills those groups when the runner exits, including on SIGINT/SIGTERM (Ctrl-C, CI cancellation).
 */
const liveGroups = new Set<number>();
let installed = false;

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

export function registerKernelGroup(pid: number): void {
  liveGroups.add(pid);
  installHandlers();
}

export function unregisterKernelGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Kills every registered kernel group at once (synchronous: safe inside "exit" and signal handlers). */
export function killAllKernels(): void {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
}

const SIGNAL_EXIT_CODES: { [signal: string]: number } = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllKernels);
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as NodeJS.Signals[]) {
    process.on(signal, () => {
      killAllKernels();
      process.stderr.write(`optimlab: received ${signal}, kernels stopped\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    });
  }
}
