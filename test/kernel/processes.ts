/** Process checks for the kernel's tests (Linux /proc): a kernel's children, and whether a pid still runs. */
import * as fs from "node:fs";

/** The pids of a process's children (Linux: /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    fs
      .readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
      .split(" ")
      .filter((text) => text.trim() !== "")
      .map(Number),
  );
}

/** True while `pid` runs (a zombie or a gone process is not running). */
export function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
