/** Runs bench/torch_reference.py under Debian's python3 (with python3-torch) when it is installed. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { lastJsonLine } from "./childOutput";
import { mnistImagesPath, mnistLabelsPath } from "./mnist";

export const SYSTEM_PYTHON = "/usr/bin/python3";

/** The BLAS library torch's matrix products call (bench/torch_reference.py reads it from the process). */
export interface TorchBlas {
  /** "openblas", "mkl", "blis", "atlas", "reference" (netlib, unoptimised) or "bundled" (inside libtorch). */
  kind: string;
  path: string;
  /** The BLAS's own thread count when it reports one (OpenBLAS does). */
  threads: number | null;
}

export interface TorchResult {
  samplesPerSec?: number;
  version?: string;
  threads?: number;
  blas?: TorchBlas;
  /** Why there is no number (torch missing, script failed). */
  skipped?: string;
}

/** The script sits next to the sources (bench/), also when running from dist/bench/. */
export function torchScriptPath(): string {
  const candidates = [
    path.join(__dirname, "torch_reference.py"),
    path.join(__dirname, "..", "..", "bench", "torch_reference.py"),
  ];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

/**
 * The environment that pins PyTorch's BLAS and OpenMP pools to `threads`. OpenBLAS (pthread build)
 * ignores `torch.set_num_threads` and reads these when it loads; the script sets them too.
 */
export function torchThreadEnv(threads: number): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
}

/**
 * One epoch of `model` ("mlp" or "lenet", as in bench/models.ts) in PyTorch on `threads` threads,
 * best of 3, samples/s, and the BLAS library it ran on.
 */
export function torchReference(model: "mlp" | "lenet", samples: number, batch: number, threads = 1): TorchResult {
  if (!fs.existsSync(SYSTEM_PYTHON)) return { skipped: `${SYSTEM_PYTHON} not found` };
  const probe = spawnSync(SYSTEM_PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return { skipped: "python3-torch not installed" };
  const run = spawnSync(
    SYSTEM_PYTHON,
    [torchScriptPath(), model, mnistImagesPath(), mnistLabelsPath(), String(samples), String(batch), String(threads)],
    { encoding: "utf8", timeout: 180_000, env: torchThreadEnv(threads) },
  );
  if (run.status !== 0)
    return {
      skipped: `torch_reference.py failed: ${(run.stderr || run.error?.message || "").trim().split("\n").pop()}`,
    };
  const parsed = lastJsonLine<{
    samples_per_sec?: number;
    torch?: string;
    threads?: number;
    blas?: TorchBlas;
  }>(run.stdout);
  return { samplesPerSec: parsed.samples_per_sec, version: parsed.torch, threads: parsed.threads, blas: parsed.blas };
}

/** True when torch's products ran on the unoptimised netlib reference BLAS. */
export function usesReferenceBlas(result: TorchResult): boolean {
  return result.blas?.kind === "reference";
}

/** The bench's loud line when PyTorch ran on the reference BLAS: its numbers are then no fair reference. */
export function referenceBlasMessage(blas: TorchBlas): string {
  return (
    `!!! WARNING: PyTorch ran on the netlib REFERENCE BLAS (${blas.path}), ~8x slower than an optimised ` +
    `BLAS on these workloads: the PyTorch numbers and every "ours / PyTorch" ratio below are NOT a fair ` +
    `reference. Install one (Debian: apt install libopenblas0-pthread) and rerun. !!!`
  );
}

/** "OpenBLAS (/usr/lib/…/libblas.so.3, 1 thread)": which BLAS a PyTorch number was measured on. */
export function blasDescription(blas: TorchBlas | undefined): string {
  if (blas === undefined) return "BLAS unknown";
  const names: Record<string, string> = {
    openblas: "OpenBLAS",
    mkl: "MKL",
    blis: "BLIS",
    atlas: "ATLAS",
    reference: "netlib reference BLAS",
    bundled: "BLAS built into libtorch",
  };
  const threads = blas.threads === null ? "" : `, ${blas.threads} thread${blas.threads === 1 ? "" : "s"}`;
  return `${names[blas.kind] ?? blas.kind}${blas.path ? ` (${blas.path}${threads})` : ""}`;
}
