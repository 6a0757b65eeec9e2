/**
 * Runner faults that need a kernel misbehaving on purpose: Debian's ipykernel with one handler
 * changed (a slow engine warm-up before the first cell starts, a cell that ends without a reply),
 * and timeouts beyond setTimeout's 2³¹ ms range.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { executeNotebook } from "../../runner/execute";
import { noExecuteReplyMessage } from "../../runner/failure";
import type { Notebook } from "../../runner/notebook";
import { pythonKernelMissing, tempDir } from "./helpers";

const FAKE_KERNEL = `
import sys, time
from ipykernel.ipkernel import IPythonKernel
from ipykernel.kernelapp import IPKernelApp
MODE = sys.argv.pop(1)

class FaultyKernel(IPythonKernel):
    warmed = False

    async def execute_request(self, stream, ident, parent):
        if MODE == "slow-warm-up" and not FaultyKernel.warmed:
            FaultyKernel.warmed = True
            time.sleep(2.5)  # like an engine warming up before the first cell starts (no execute_input yet)
        if MODE == "no-reply" and "drop-reply" in parent["content"]["code"]:
            return  # busy, then idle, but no execute_reply: a kernel that failed to serialize the error
        return await super().execute_request(stream, ident, parent)

IPKernelApp.launch_instance(kernel_class=FaultyKernel)
`;

function notebook(sources: string[], kernel: string, metadata: object = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: "python" }, ...metadata },
    cells: sources.map((source) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null })),
  };
}

describe("runner faults on a misbehaving python kernel", { skip: pythonKernelMissing() }, () => {
  let savedPath: string | undefined;
  before(() => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "faulty_kernel.py"), FAKE_KERNEL);
    for (const mode of ["slow-warm-up", "no-reply"]) {
      const spec = path.join(dir, "jupyter", "kernels", mode);
      fs.mkdirSync(spec, { recursive: true });
      const argv = ["/usr/bin/python3", path.join(dir, "faulty_kernel.py"), mode, "-f", "{connection_file}"];
      fs.writeFileSync(
        path.join(spec, "kernel.json"),
        JSON.stringify({ argv, display_name: mode, language: "python" }),
      );
    }
    savedPath = process.env.JUPYTER_PATH;
    process.env.JUPYTER_PATH = path.join(dir, "jupyter");
  });
  after(() => {
    if (savedPath === undefined) delete process.env.JUPYTER_PATH;
    else process.env.JUPYTER_PATH = savedPath;
  });

  it("does not charge the kernel's warm-up to the first cell's timeout", async () => {
    const result = await executeNotebook(notebook(["1 + 1", "print('second')"], "slow-warm-up"), { timeout: 1 });
    assert.deepEqual(
      result.cells.map((cell) => cell.failure?.summary ?? cell.status),
      ["passed", "passed"],
    );
    assert.ok(result.cells[0].seconds >= 2.4, "the reported time still includes the wait");
  });

  it("fails a cell at once when the kernel goes idle without a reply, instead of waiting the timeout", async () => {
    const started = Date.now();
    const result = await executeNotebook(notebook(["x = 1", "drop-reply", "print(x)"], "no-reply"), { timeout: 60 });
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    const [first, second, third] = result.cells;
    assert.equal(first.status, "passed");
    assert.equal(second.failure?.kind, "no-reply");
    assert.equal(second.failure?.summary, noExecuteReplyMessage(`cell 2 (id ${second.id})`));
    assert.equal(third.status, "not-run");
    assert.equal(result.ok, false);
  });

  it("treats timeouts over 2^31 ms as long, not as zero", async () => {
    const sleep = "import time\ntime.sleep(1.2)\nprint('slept')";
    const fromOptions = await executeNotebook(notebook([sleep], "python3"), {
      timeout: 3_000_000,
      startupTimeout: 3_000_000,
    });
    assert.equal(fromOptions.cells[0].failure?.summary, undefined);
    assert.equal(fromOptions.ok, true);
    const fromMetadata = await executeNotebook(notebook([sleep], "python3", { execution: { timeout: 3_000_000 } }), {
      notebookTimeout: 3_000_000,
    });
    assert.equal(fromMetadata.cells[0].failure?.summary, undefined);
    assert.equal(fromMetadata.ok, true);
  });
});
