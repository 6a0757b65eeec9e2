/**
 * A model saved with its optimizer (`includeOptimizer: true`) loads back with `tf.loadLayersModel`
 * and resumes exactly (found by a QA pass: every optim optimizer failed to load, "got an unexpected
 * option 'customObjects'"); and optimizer state for variables that do not exist is refused instead
 * of kept under stale names.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as optim from "../../src/optim";
import * as errors from "../../src/optim/errors";
import { savedWithOptimizer } from "./savedArtifacts";

const root = path.join(__dirname, "..", "..");

test("fromConfig ignores the customObjects entry tfjs's deserializer adds", () => {
  const config = { ...new optim.Adam({ lr: 0.01, amsgrad: true }).getConfig(), customObjects: {} };
  const rebuilt = optim.Adam.fromConfig(optim.Adam, config);
  assert.deepEqual(rebuilt.getConfig(), new optim.Adam({ lr: 0.01, amsgrad: true }).getConfig());
});

test("a model saved with its Adam loads in a fresh process and resumes exactly", async () => {
  const backend = tf.getBackend() as string | undefined;
  await tf.setBackend("cpu");
  const xs = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
  const ys = tf.tensor2d([1, 0, 1, 0], [4, 1]);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: "resumed" })] });
  model.compile({ optimizer: new optim.Adam({ lr: 0.05 }), loss: "meanSquaredError" });
  await model.fit(xs, ys, { epochs: 3, verbose: 0, shuffle: false });
  const artifacts = await savedWithOptimizer(model);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-saved-"));
  try {
    const file = path.join(dir, "model.json");
    fs.writeFileSync(
      file,
      JSON.stringify({ ...artifacts, weightData: Buffer.from(artifacts.weightData as ArrayBuffer).toString("base64") }),
    );
    // The same process would give the loaded variables new names ("…_1"): a fresh one, as a user resumes.
    const script = `
      const tf = require("@tensorflow/tfjs");
      require(${JSON.stringify(path.join(root, "src", "optim"))});
      (async () => {
        await tf.setBackend("cpu");
        const a = JSON.parse(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"));
        const model = await tf.loadLayersModel(tf.io.fromMemory({ ...a, weightData: new Uint8Array(Buffer.from(a.weightData, "base64")).buffer }));
        await model.fit(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor2d([1, 0, 1, 0], [4, 1]), { epochs: 3, verbose: 0, shuffle: false });
        console.log(JSON.stringify({ optimizer: model.optimizer.getClassName(), weights: model.getWeights().map((w) => Array.from(w.dataSync())) }));
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    const resumed = JSON.parse(child.stdout.trim().split("\n").pop() as string) as {
      optimizer: string;
      weights: number[][];
    };
    assert.equal(resumed.optimizer, "optimlab.Adam");
    await model.fit(xs, ys, { epochs: 3, verbose: 0, shuffle: false });
    assert.deepEqual(
      resumed.weights,
      model.getWeights().map((w) => Array.from(w.dataSync())),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    if (backend) await tf.setBackend(backend);
  }
});

test("setWeights refuses state for a variable that does not exist (it kept it under the stale name)", async () => {
  const optimizer = new optim.Adam({ lr: 0.1 });
  const name = "no/such/variable";
  const state = [
    { name: "iter", tensor: tf.scalar(3) },
    { name: `${name}/scaleByAdam/mu`, tensor: tf.zeros([2]) },
  ];
  await assert.rejects(optimizer.setWeights(state), {
    message: errors.unregisteredVariableMessage("optimlab.Adam", `${name}/scaleByAdam/mu`, name),
  });
  tf.dispose(state.map((s) => s.tensor));
  optimizer.dispose();
});
