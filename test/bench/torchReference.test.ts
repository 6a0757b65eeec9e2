/**
 * bench/torch_reference.py reports the BLAS torch's products really call and pins its threads
 * (#19: with the netlib reference BLAS behind libblas.so.3, PyTorch ran ~8× slower and the bench's
 * ratios were against that). Skipped where Debian's python3-torch is not installed.
 */
import { spawnSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { mnistImagesPath, mnistLabelsPath } from "../../bench/mnist";
import {
  blasDescription,
  referenceBlasMessage,
  SYSTEM_PYTHON,
  torchReference,
  torchScriptPath,
  torchThreadEnv,
  usesReferenceBlas,
  type TorchBlas,
} from "../../bench/torch";

const hasTorch =
  fs.existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ["-c", "import torch"], { encoding: "utf8" }).status === 0;
/** Debian's netlib reference BLAS, installed with python3-torch's dependencies (libblas3). */
const REFERENCE_BLAS_DIR = "/usr/lib/x86_64-linux-gnu/blas";

describe("bench/torch_reference.py", { skip: hasTorch ? false : "python3-torch not installed" }, () => {
  it("reports the BLAS torch runs on and pins its thread count", () => {
    for (const threads of [1, 2]) {
      const result = torchReference("mlp", 256, 64, threads);
      assert.equal(result.skipped, undefined);
      assert.ok((result.samplesPerSec ?? 0) > 0);
      assert.equal(result.threads, threads);
      assert.ok(result.blas !== undefined && result.blas.kind.length > 0);
      if (result.blas.kind === "openblas") assert.equal(result.blas.threads, threads);
    }
  });

  it(
    "sees the reference BLAS when the dynamic linker binds torch's sgemm_ to it",
    {
      skip: fs.existsSync(`${REFERENCE_BLAS_DIR}/libblas.so.3`) ? false : "no reference BLAS installed",
    },
    () => {
      // numpy can still map OpenBLAS (for LAPACK): the script must follow torch's own sgemm_, not list files.
      const run = spawnSync(
        SYSTEM_PYTHON,
        [torchScriptPath(), "mlp", mnistImagesPath(), mnistLabelsPath(), "128", "64", "1"],
        { encoding: "utf8", env: { ...torchThreadEnv(1), LD_LIBRARY_PATH: REFERENCE_BLAS_DIR } },
      );
      assert.equal(run.status, 0, run.stderr);
      const blas = (JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { blas: TorchBlas }).blas;
      assert.equal(blas.kind, "reference");
      assert.ok(blas.path.startsWith(REFERENCE_BLAS_DIR), blas.path);
      assert.ok(usesReferenceBlas({ blas }));
      assert.match(referenceBlasMessage(blas), /REFERENCE BLAS.*NOT a fair/);
      assert.match(blasDescription(blas), /netlib reference BLAS/);
    },
  );
});
