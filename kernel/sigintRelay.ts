/**
 * A tiny child process that reports the SIGINTs sent to the kernel's process group.
 *
 * Node runs `process.on("SIGINT")` listeners on the main thread's event loop, so a cell spinning in a
 * synchronous loop never sees one, and worker threads cannot listen for signals at all. A signal sent
 * to the process group (what jupyter_client's `signal_kernel` / `interrupt_kernel` in signal mode
 * does, and what Ctrl-C in a terminal does) also reaches this child, whose event loop is always free:
 * it writes one byte per SIGINT to a pipe read by the control thread, which then interrupts the cell
 * as for an `interrupt_request` (see controlThread.ts).
 *
 * The child exits when its stdin closes (the kernel is gone, however it ended), so it never outlives
 * the kernel, and on SIGTERM as any process.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** The relay's program: a byte per SIGINT; exit when the kernel's end of stdin closes. */
const RELAY_SOURCE = `
process.on("SIGINT", () => process.stdout.write("i"));
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdout.on("error", () => process.exit(0));
process.stdin.resume();
`;

export interface SigintRelay {
  /** Ends the child (idempotent). */
  stop(): void;
}

/** Starts the relay; `onSigint(count)` gets the number of SIGINTs it has seen so far. */
export function startSigintRelay(onSigint: (count: number) => void, log: (line: string) => void): SigintRelay {
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ["-e", RELAY_SOURCE], { stdio: ["pipe", "pipe", "ignore"] });
  } catch (error) {
    log(`SIGINT relay not started (${(error as Error).message}): SIGINT then reaches only awaiting cells`);
    return { stop: () => undefined };
  }
  let count = 0;
  child.stdout?.on("data", (bytes: Buffer) => {
    count += bytes.length;
    onSigint(count);
  });
  child.on("error", (error) => log(`SIGINT relay failed: ${error.message}`));
  // Its pipes must not keep a kernel that is shutting down alive.
  child.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  return {
    stop: () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      child = undefined;
    },
  };
}
