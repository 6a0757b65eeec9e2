import { test } from "node:test";
import assert from "node:assert/strict";
import { Progress, progressLine } from "../../src/train/progress";
import { setDisplaySink, type MimeBundle } from "../../src/display/protocol";
import { fit } from "../../src/train/fit";
import { linearRegression } from "../../src/data/synthetic";
import { linear } from "../../src/models/builders";
import { mse } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";

const state = { epoch: 2, epochs: 4, step: 5, stepsPerEpoch: 10, loss: 0.421, samplesPerSecond: 5120.4, elapsed: 3 };

test("progressLine shows epoch, step, loss, samples/s and ETA", () => {
  assert.equal(
    progressLine(state, "sgd", "en"),
    "sgd [#########---------------] epoch 2/4 · step 5/10 · loss 0.4210 · 5,120 samples/s · ETA 5.0s",
  );
  assert.equal(
    progressLine({ ...state, epoch: 4, step: 10, loss: undefined }, undefined, "en"),
    "[########################] epoch 4/4 · step 10/10 · 5,120 samples/s · done in 3.0s",
  );
});

test("progressLine leaves out what a bar does not have: a bar that counts runs (one epoch, no loss, no rate)", () => {
  // Before: "epoch 1/1 · step 3/22 · loss … · 0 samples/s · ETA …" (notebooks count sweep runs with it).
  assert.equal(
    progressLine({ epoch: 1, epochs: 1, step: 11, stepsPerEpoch: 22, elapsed: 5 }, "lr sweep", "en"),
    "lr sweep [############------------] step 11/22 · ETA 5.0s",
  );
  assert.equal(
    progressLine(
      { epoch: 1, epochs: 1, step: 11, stepsPerEpoch: 22, samplesPerSecond: 0, elapsed: 5 },
      undefined,
      "zh",
    ),
    "[############------------] 步 11/22 · 预计还需 5.0 秒",
  );
});

test("progressLine in Chinese: every word of the bar from the catalog, numbers unchanged", () => {
  assert.equal(
    progressLine({ ...state, elapsed: 80 }, "no clipping", "zh"),
    "不裁剪 [#########---------------] 轮 2/4 · 步 5/10 · 损失 0.4210 · 5,120 样本/秒 · 预计还需 2 分 13 秒",
  );
  assert.equal(
    progressLine({ ...state, epoch: 4, step: 10, loss: undefined }, undefined, "zh"),
    "[########################] 轮 4/4 · 步 10/10 · 5,120 样本/秒 · 完成，用时 3.0 秒",
  );
  const lines: string[] = [];
  const plain = new Progress({
    epochs: 4,
    stepsPerEpoch: 10,
    language: "zh",
    stream: { isTTY: false, write: (t: string) => lines.push(t) },
  });
  plain.epochEnd(state, { loss: 0.5, valLoss: 0.25, accuracy: 0.75 });
  assert.deepEqual(lines, ["轮 2/4 · 损失 0.5000 · 验证损失 0.2500 · 准确率 0.7500 · 3.0 秒\n"]);
});

test("notebook: one display id, first shown then updated in place, at most one update per interval", () => {
  const sent: { bundle: MimeBundle; displayId?: string; update: boolean }[] = [];
  setDisplaySink({
    display: (bundle, options) => sent.push({ bundle, displayId: options.displayId, update: options.update }),
  });
  try {
    let clock = 0;
    const progress = new Progress({ epochs: 1, stepsPerEpoch: 100, now: () => clock });
    for (let step = 1; step <= 100; step++) {
      clock += 20; // 100 steps in 2 s
      if (progress.due()) progress.update({ ...state, epoch: 1, epochs: 1, step, stepsPerEpoch: 100 });
    }
    progress.finish();
    assert.ok(sent.length >= 8 && sent.length <= 10, `${sent.length} updates`);
    assert.equal(new Set(sent.map((s) => s.displayId)).size, 1);
    assert.deepEqual(
      sent.map((s) => s.update),
      [false, ...Array(sent.length - 1).fill(true)],
    );
    assert.match(String(sent[0].bundle["text/html"]), /<progress value="1\.0" max="100"/);
  } finally {
    setDisplaySink(undefined);
  }
});

test("notebook: hundreds of tiny epochs a second stay throttled, and the final state is sent once", () => {
  // 500 epochs of one step in 1 s: before, every epoch's end forced an update (501 messages).
  const sent: MimeBundle[] = [];
  setDisplaySink({ display: (bundle) => sent.push(bundle) });
  try {
    let clock = 0;
    const progress = new Progress({ epochs: 500, stepsPerEpoch: 1, now: () => clock });
    for (let epoch = 1; epoch <= 500; epoch++) {
      clock += 2;
      const at = { ...state, epoch, epochs: 500, step: 1, stepsPerEpoch: 1 };
      if (progress.due()) progress.update(at);
      progress.epochEnd(at, { loss: 0.5 });
    }
    progress.finish();
    assert.ok(sent.length >= 4 && sent.length <= 6, `${sent.length} updates for 1 s of training`);
    assert.match(String(sent[sent.length - 1]["text/plain"]), /epoch 500\/500/);
    assert.notEqual(sent[sent.length - 2]["text/plain"], sent[sent.length - 1]["text/plain"], "final state sent once");
  } finally {
    setDisplaySink(undefined);
  }
});

test("terminal: a TTY gets one rewritten line; otherwise one line per epoch", () => {
  const tty: string[] = [];
  let clock = 0;
  const bar = new Progress({
    epochs: 1,
    stepsPerEpoch: 2,
    now: () => (clock += 300),
    stream: { isTTY: true, write: (t: string) => tty.push(t) },
  });
  bar.update({ ...state, epoch: 1, epochs: 1, step: 1, stepsPerEpoch: 2 });
  bar.finish();
  assert.ok(tty.slice(0, -1).every((t) => t.startsWith("\r")));
  assert.equal(tty[tty.length - 1], "\n");
  const lines: string[] = [];
  const plain = new Progress({
    name: "adam",
    language: "en",
    epochs: 4,
    stepsPerEpoch: 10,
    stream: { isTTY: false, write: (t: string) => lines.push(t) },
  });
  assert.equal(plain.due(), false);
  plain.epochEnd(state, { loss: 0.5, valLoss: 0.25 });
  assert.deepEqual(lines, ["adam epoch 2/4 · loss 0.5000 · valLoss 0.2500 · 3.0s\n"]);
});

test("fit shows one in-place progress bar in a notebook", async () => {
  const sent: { displayId?: string; update: boolean }[] = [];
  setDisplaySink({
    display: (_bundle, options) => sent.push({ displayId: options.displayId, update: options.update }),
  });
  try {
    const data = linearRegression({ n: 32, seed: 1 });
    await fit(linear({ inputs: 1, seed: 1 }), {
      optimizer: new SGD({ lr: 0.1 }),
      loss: mse,
      train: data,
      epochs: 3,
      batchSize: 8,
    });
    assert.ok(sent.length >= 2 && sent.length <= 6, `${sent.length}`);
    assert.equal(new Set(sent.map((s) => s.displayId)).size, 1);
    assert.equal(sent[0].update, false);
  } finally {
    setDisplaySink(undefined);
  }
});

test("a bar stopped before its budget says so instead of an ETA (English, Chinese, one line per epoch)", () => {
  const stopped = { ...state, epoch: 12, epochs: 24, step: 10, stoppedAt: 12 };
  assert.equal(
    progressLine(stopped, "early stopping", "en"),
    "early stopping [############------------] epoch 12/24 · step 10/10 · loss 0.4210 · 5,120 samples/s · stopped early at epoch 12 · done in 3.0s",
  );
  assert.match(progressLine(stopped, undefined, "zh"), / · 在第 12 轮提前停止 · 完成，用时 3\.0 秒$/);
  const lines: string[] = [];
  const plain = new Progress({
    name: "adam",
    language: "en",
    epochs: 24,
    stepsPerEpoch: 10,
    stream: { isTTY: false, write: (t: string) => lines.push(t) },
  });
  plain.epochEnd({ ...state, epoch: 12, epochs: 24, step: 10 }, { loss: 0.5 });
  plain.finish(12);
  assert.deepEqual(lines, [
    "adam epoch 12/24 · loss 0.5000 · 3.0s\n",
    "adam epoch 12/24 · step 10/10 · loss 0.4210 · 5,120 samples/s · stopped early at epoch 12 · done in 3.0s\n",
  ]);
  // A run that used its whole budget ends as before: no extra line.
  plain.finish();
  assert.equal(lines.length, 2);
});

test("fit's bar ends with 'stopped early at epoch n' when early stopping (or a callback) ends training", async () => {
  // Before: the bar froze at its last throttled update, part full with an ETA ("epoch 12/24 … ETA 0.2s").
  for (const stopHow of ["earlyStopping", "callback"] as const) {
    const sent: string[] = [];
    setDisplaySink({ display: (bundle: MimeBundle) => sent.push(String(bundle["text/plain"])) });
    try {
      const data = linearRegression({ n: 32, seed: 1 });
      const history = await fit(linear({ inputs: 1, seed: 1 }), {
        optimizer: new SGD({ lr: 0.1 }),
        loss: mse,
        train: data,
        epochs: 200,
        batchSize: 8,
        ...(stopHow === "earlyStopping"
          ? { earlyStopping: { patience: 1, minDelta: 10 } }
          : { callbacks: { onEpochEnd: (record, context) => (record.epoch === 3 ? context.stop() : undefined) } }),
      });
      const last = history.epochs.length;
      assert.ok(last < 200, `${stopHow}: stopped at ${last}`);
      assert.match(
        sent[sent.length - 1],
        new RegExp(`epoch ${last}/200 · .* · stopped early at epoch ${last} · done in `),
      );
      assert.doesNotMatch(sent[sent.length - 1], /ETA/);
    } finally {
      setDisplaySink(undefined);
    }
  }
});

test("a fit that ends with an error leaves its bar saying where it stopped and why, with no ETA (QA 5.1)", async () => {
  // Before: a diverged run's bar froze at its first update, "epoch 1/20 · step 1/8 · loss 644.1377 · … · ETA 6.4s".
  const cases = [
    {
      why: "diverged",
      options: { optimizer: new SGD({ lr: 1e6 }) },
      expect: /^\[[#-]+\] stopped at epoch \d+\/20, step \d\/4: diverged/,
    },
    {
      why: "error",
      options: {
        optimizer: new SGD({ lr: 0.01 }),
        callbacks: {
          onStepEnd: ({ step }: { step: number }) => {
            if (step === 6) throw new Error("boom");
          },
        },
      },
      expect: /^\[[#-]+\] stopped at epoch 2\/20, step 2\/4: error/,
    },
  ];
  for (const { why, options, expect } of cases) {
    const sent: string[] = [];
    setDisplaySink({ display: (bundle: MimeBundle) => sent.push(String(bundle["text/plain"])) });
    try {
      const data = linearRegression({ n: 32, seed: 1 });
      await assert.rejects(
        fit(linear({ inputs: 1, seed: 1 }), { loss: mse, train: data, epochs: 20, batchSize: 8, ...options }),
      );
      const last = sent[sent.length - 1];
      assert.match(last, expect, why);
      assert.doesNotMatch(last, /ETA|done in/, why);
    } finally {
      setDisplaySink(undefined);
    }
  }
});

test("a stopped bar in Chinese, in a terminal and one line per epoch; an interrupt reads 'interrupted'", () => {
  const stopped = {
    ...state,
    epoch: 1,
    epochs: 20,
    step: 3,
    stepsPerEpoch: 8,
    loss: 644.1377,
    stopReason: "diverged" as const,
  };
  assert.equal(
    progressLine(stopped, "no clipping", "zh"),
    "不裁剪 [------------------------] 在第 1/20 轮第 3/8 步停止：发散 · 损失 644.1377 · 5,120 样本/秒",
  );
  assert.equal(
    progressLine({ ...stopped, epochs: 1, stopReason: "interrupted" }, undefined, "en"),
    "[#########---------------] stopped at step 3/8: interrupted · loss 644.1377 · 5,120 samples/s",
  );
  const tty: string[] = [];
  const bar = new Progress({
    language: "en",
    epochs: 20,
    stepsPerEpoch: 8,
    stream: { isTTY: true, write: (t: string) => tty.push(t) },
  });
  bar.update({ ...state, epoch: 1, epochs: 20, step: 1, stepsPerEpoch: 8 }, true);
  bar.stop("interrupted", { epoch: 1, step: 5, elapsed: 2 });
  assert.ok(
    tty[tty.length - 2].endsWith("stopped at epoch 1/20, step 5/8: interrupted · 5,120 samples/s\x1b[K"),
    tty[tty.length - 2],
  );
  assert.equal(tty[tty.length - 1], "\n");
  const lines: string[] = [];
  const plain = new Progress({
    name: "adam",
    language: "en",
    epochs: 20,
    stepsPerEpoch: 8,
    stream: { isTTY: false, write: (t: string) => lines.push(t) },
  });
  plain.stop("error", { epoch: 2, step: 1, elapsed: 1 });
  assert.deepEqual(lines, ["adam stopped at epoch 2/20, step 1/8: error\n"]);
});
