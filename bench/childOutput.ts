/** Child processes of the bench: their stdout, and the JSON line a measuring script prints last. */
import { spawn } from "node:child_process";

/** Runs `command` and resolves with its stdout (rejects on a non-zero exit, with its stderr). */
export function childOutput(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.trim()}`)),
    );
  });
}

/** The last line of a script's stdout, parsed: the scripts print their result as one JSON line, last. */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as T;
}
