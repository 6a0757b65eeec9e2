/**
 * Starting a kernel process: a start that fails (a bad working directory, a program spawn refuses)
 * says why and leaves no connection-file folder behind (it holds the HMAC key).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type { KernelSpecEntry } from "../../kernel/kernelspecs";
import { cannotStartKernelMessage, KernelProcess, KernelStartError, kernelCwdMessage } from "../../runner/launch";
import { tempDir } from "./helpers";

function entry(argv: string[]): KernelSpecEntry {
  return { name: "probe", dir: "/nonexistent", spec: { argv, display_name: "probe", language: "python" } };
}

/** Runs `start` with os.tmpdir() pointing at a fresh folder, so a leaked temp folder shows. */
async function startIn(kernel: KernelSpecEntry, cwd: string): Promise<{ error: unknown; left: string[] }> {
  const tmp = tempDir();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const started = await KernelProcess.start(kernel, { cwd });
    await started.kill();
    return { error: undefined, left: fs.readdirSync(tmp) };
  } catch (error) {
    return { error, left: fs.readdirSync(tmp) };
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

describe("KernelProcess.start failures", () => {
  const sleeper = entry(["/bin/sh", "-c", "sleep 5", "{connection_file}"]);

  it("names a working directory that is missing or a file, and leaves no temp folder", async () => {
    const dir = tempDir();
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    const missing = path.join(dir, "nope");
    for (const [cwd, reason] of [
      [missing, "does not exist"],
      [file, "is not a folder"],
      [path.join(file, "below"), "does not exist"],
    ]) {
      const { error, left } = await startIn(sleeper, cwd);
      assert.ok(error instanceof KernelStartError, String(error));
      assert.equal(error.message, kernelCwdMessage("probe", cwd, reason));
      assert.deepEqual(left, [], "no connection folder left");
    }
  });

  it("removes the connection folder when spawn itself throws", async () => {
    const { error, left } = await startIn(entry(["/bin/sh\u0000x", "{connection_file}"]), tempDir());
    assert.ok(error instanceof KernelStartError, String(error));
    assert.ok(error.message.startsWith(cannotStartKernelMessage("probe", "/bin/sh\u0000x", "")), error.message);
    assert.deepEqual(left, [], "no connection folder (with its key) left");
  });

  it("removes it too when the program does not exist (spawn's error event)", async () => {
    const { error, left } = await startIn(entry(["/nonexistent/kernel", "{connection_file}"]), tempDir());
    assert.ok(error instanceof KernelStartError);
    assert.equal(
      error.message,
      cannotStartKernelMessage("probe", "/nonexistent/kernel", "spawn /nonexistent/kernel ENOENT"),
    );
    assert.deepEqual(left, []);
  });
});
