/**
 * Relaxed-SIMD fused multiply-add in the SIMD product (wasmCode/gemm.ts, simd.ts): feature
 * detection, the OPTIMLAB_FMA switch (off by default: results would stop being bit-identical to
 * XNNPACK and vary between machines), and the FMA product itself in a Node that has relaxed SIMD
 * (Node 20 with --experimental-wasm-relaxed-simd).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { gemmModuleBytes } from "../../src/backend/wasmCode/gemm";
import { gemmFmaEnabled, relaxedSimdSupported } from "../../src/backend/wasmCode/simd";

test("FMA is used only with OPTIMLAB_FMA=1 on an engine with relaxed SIMD; otherwise silently not", () => {
  assert.equal(typeof relaxedSimdSupported(), "boolean");
  assert.equal(gemmFmaEnabled({}), false, "off by default");
  assert.equal(gemmFmaEnabled({ OPTIMLAB_FMA: "0" }), false);
  assert.equal(gemmFmaEnabled({ OPTIMLAB_FMA: "1" }), relaxedSimdSupported());
  // The FMA module is valid exactly where the probe says so (else the fallback is needed).
  assert.equal(WebAssembly.validate(gemmModuleBytes(8, 16, 12, "rows", false, true)), relaxedSimdSupported());
  assert.ok(WebAssembly.validate(gemmModuleBytes(8, 16, 12, "rows", false, false)));
});

test("with relaxed SIMD, the FMA product is within float32's inner-product error bound, not bit-identical", () => {
  const gemm = path.join(__dirname, "../../src/backend/wasmCode/gemm");
  const simd = path.join(__dirname, "../../src/backend/wasmCode/simd");
  const code = `
    const { gemmModuleBytes } = require(${JSON.stringify(gemm)});
    const { relaxedSimdSupported } = require(${JSON.stringify(simd)});
    const [m, k, n] = [13, 200, 21];
    const memory = new WebAssembly.Memory({ initial: 2 });
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < m * k + k * n; i++) f[i] = Math.sin(i) * 0.5;
    const c = 4 * (m * k + k * n);
    const run = (fma) => {
      new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(m, k, n, "rows", false, fma)), { env: { memory } })
        .exports.gemm(0, 4 * m * k, c);
      return Array.from(new Float32Array(memory.buffer, c, m * n));
    };
    const plain = run(false), fused = run(true);
    // Error bound of a float32 inner product of length k, fused or not (Higham, Accuracy and
    // Stability, §3.1): |computed − exact| ≤ γ_k Σ|a_p b_p|, γ_k = k·u / (1 − k·u), u = 2⁻²⁴.
    const u = 2 ** -24, gamma = (k * u) / (1 - k * u);
    let differ = 0, worstRatio = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let exact = 0, magnitude = 0;
        for (let p = 0; p < k; p++) { const t = f[i * k + p] * f[m * k + p * n + j]; exact += t; magnitude += Math.abs(t); }
        const bound = gamma * magnitude;
        const c = i * n + j;
        if (plain[c] !== fused[c]) differ++;
        worstRatio = Math.max(worstRatio, Math.abs(fused[c] - exact) / bound, Math.abs(plain[c] - exact) / bound);
      }
    console.log(JSON.stringify({ supported: relaxedSimdSupported(), differ, worstRatio }));`;
  // Node 20 needs the flag; a Node that ships relaxed SIMD runs it without.
  const flags = relaxedSimdSupported() ? [] : ["--experimental-wasm-relaxed-simd"];
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, "-e", code], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as {
    supported: boolean;
    differ: number;
    worstRatio: number;
  };
  assert.equal(result.supported, true);
  // Both within the float32 inner-product bound of the exact sum (a dropped or doubled term
  // would be off by ~|a·b| ≈ 0.1, hundreds of times the bound).
  assert.ok(result.worstRatio <= 1, `error / bound up to ${result.worstRatio}`);
  // With FMA hardware (x86-64 since Haswell, ARMv8) V8 fuses: one rounding per step instead of two.
  assert.ok(result.differ > 0, "the FMA path ran (some outputs round differently)");
});
