/** Runs bench/torch_reference.py under Debian's python3 (with python3-torch) when it is installed. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { mnistImagesPath, mnistLabelsPath } from "./mnist";

export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface TorchResult {
  samplesPerSec?: number;
  version?: string;
  threads?: number;
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

/** One epoch of `model` ("mlp" or "lenet", as in bench/models.ts) in PyTorch, best of 3, samples/s. */
export function torchReference(model: "mlp" | "lenet", samples: number, batch: number): TorchResult {
  if (!fs.existsSync(SYSTEM_PYTHON)) return { skipped: `${SYSTEM_PYTHON} not found` };
  const probe = spawnSync(SYSTEM_PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return { skipped: "python3-torch not installed" };
  const run = spawnSync(
    SYSTEM_PYTHON,
    [torchScriptPath(), model, mnistImagesPath(), mnistLabelsPath(), String(samples), String(batch)],
    {
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  if (run.status !== 0)
    return {
      skipped: `torch_reference.py failed: ${(run.stderr || run.error?.message || "").trim().split("\n").pop()}`,
    };
  const parsed = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as {
    samples_per_sec?: number;
    torch?: string;
    threads?: number;
  };
  return { samplesPerSec: parsed.samples_per_sec, version: parsed.torch, threads: parsed.threads };
}
