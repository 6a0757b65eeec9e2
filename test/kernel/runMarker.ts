/**
 * A file a cell's code writes when it runs, so a test interrupts code that runs, not a cell still
 * being type-checked on a loaded machine (a stream message cannot say so: a busy loop holds the
 * thread that would publish it).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RunMarker {
  readonly file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-marker-")), "running");
  /** The statement a cell runs to say it got there. */
  readonly write = `require("node:fs").writeFileSync(${JSON.stringify(this.file)}, "")`;

  async reached(what: string): Promise<void> {
    for (const end = Date.now() + 20_000; !fs.existsSync(this.file); await sleep(5))
      assert.ok(Date.now() < end, `${what} never started`);
  }

  /** Ready for the next run: the marker file is gone. */
  reset(): void {
    fs.rmSync(this.file, { force: true });
  }
}
