/**
 * The warm-up's optimized code survives the first large tensor (src/backend/detachOnce.ts): V8
 * deoptimizes every function that reads a typed array the first time any ArrayBuffer in the process
 * is detached, and the wasm backend's memory growing for a notebook's dataset detached one right
 * after the kernel's `warmUp()`. Run from dist/ with plain node: tsx detaches buffers of its own
 * while it loads, which would hide the order this test checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "../../protocol/kernelHarness";

const INVALIDATED = "Invalidating protector cell ArrayBufferDetaching";

/** The lines a script prints, with V8's protector invalidations among them, in order. */
function linesOf(script: string): string[] {
  const run = spawnSync(process.execPath, ["--trace-protector-invalidation", "-e", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, OPTIMLAB_THREADS: "1" },
    timeout: 120_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split("\n").filter((line) => line === INVALIDATED || /^[A-Z]+$/.test(line));
}

test("after warmUp(), the first large tensor's memory growth deoptimizes nothing (the detach came first)", () => {
  const lines = linesOf(`
    const tf = require("@tensorflow/tfjs");
    const optimlab = require("./dist/src/index.js");
    (async () => {
      const info = await optimlab.backend.ready();
      console.log(info.name.toUpperCase());
      console.log("READY");
      await optimlab.warmUp({ steps: 16, tapeSteps: 0 });
      console.log("WARM");
      const big = tf.zeros([8_000_000]); // 32 MB: the wasm memory grows, detaching its buffer
      big.dataSync();
      console.log("GREW");
    })();
  `);
  assert.ok(
    lines.includes("WASM"),
    `the wasm backend (the only one whose memory grows this way): ${lines.join(" | ")}`,
  );
  const first = lines.indexOf(INVALIDATED);
  assert.ok(
    first >= 0 && first < lines.indexOf("READY"),
    `invalidated before the backend is ready: ${lines.join(" | ")}`,
  );
  assert.ok(
    !lines.slice(lines.indexOf("WARM")).includes(INVALIDATED),
    `nothing after the warm-up: ${lines.join(" | ")}`,
  );
});

test("negative control: without optimlab's backend, the same growth is where the protector goes", () => {
  const lines = linesOf(`
    const tf = require("@tensorflow/tfjs");
    require("@tensorflow/tfjs-backend-wasm");
    (async () => {
      await tf.setBackend("wasm");
      console.log("READY");
      tf.tidy(() => tf.add(tf.ones([64]), 1).dataSync());
      console.log("WARM");
      const big = tf.zeros([8_000_000]);
      big.dataSync();
      console.log("GREW");
    })();
  `);
  assert.ok(lines.indexOf(INVALIDATED) > lines.indexOf("WARM"), `the growth invalidates it: ${lines.join(" | ")}`);
  assert.ok(lines.indexOf(INVALIDATED) < lines.indexOf("GREW"), lines.join(" | "));
});
