/**
 * Cells run in the notebook's folder and can `import … from "optimlab"` (node_modules/optimlab links to
 * the repository), with types, as the tutorial notebooks do.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, TestKernel } from "./client";

const NOTEBOOK_DIR = path.join(REPO_ROOT, "test", "kernel", "fixtures");

describe("importing optimlab in cells", { timeout: 180_000 }, () => {
  it("resolves optimlab from the notebook folder, which is the cells' working directory", async (t) => {
    const built = path.join(REPO_ROOT, "dist", "src", "index.d.ts");
    if (!fs.existsSync(built) || !fs.existsSync(path.join(REPO_ROOT, "node_modules", "optimlab"))) {
      t.skip(`optimlab is not built/linked (${built} missing): run \`npm install\` or \`npm run build\``);
      return;
    }
    const kernel = await TestKernel.start({ cwd: NOTEBOOK_DIR });
    try {
      const { reply, iopub } = await kernel.execute(
        'import { optim, md } from "optimlab";\nconsole.log(process.cwd());\nmd(`optimizer: ${typeof optim.SGD}`)',
        {},
        150_000,
      );
      assert.equal(reply.content.status, "ok", JSON.stringify(reply.content));
      const stdout = iopub
        .filter((m) => m.header.msg_type === "stream")
        .map((m) => m.content.text)
        .join("");
      assert.equal(stdout, `${NOTEBOOK_DIR}\n`);
      const result = iopub.find((m) => m.header.msg_type === "execute_result");
      assert.equal((result?.content.data as { "text/markdown": string })["text/markdown"], "optimizer: function");
      // types come along: a wrong option is a compile error
      const typed = await kernel.execute("new optim.SGD({ learningRate: 0.1 })", {}, 60_000);
      assert.equal(typed.reply.content.ename, "CompileError");
    } finally {
      await kernel.close();
    }
  });
});
