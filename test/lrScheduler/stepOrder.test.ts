import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SGD } from "../../src/optim/sgd";
import { StepLR } from "../../src/optim/lrScheduler";
import { schedulerBeforeOptimizerMessage } from "../../src/optim/lrScheduler/messages";
import { resetStepOrderWarning } from "../../src/optim/lrScheduler/lrScheduler";

/** The console.warn calls `f` makes. */
function warningsOf(f: () => void): string[] {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    f();
  } finally {
    console.warn = original;
  }
  return warnings;
}

test("scheduler.step() before any optimizer step warns once, as torch ('Detected call of lr_scheduler.step() before optimizer.step()')", () => {
  resetStepOrderWarning();
  const v = tf.variable(tf.ones([2]), true, "stepOrder/v");
  // The right order, and a plain { lr } object (no step count), say nothing.
  const good = new SGD({ lr: 1 });
  const goodScheduler = new StepLR(good, { stepSize: 1 });
  assert.deepEqual(
    warningsOf(() => {
      tf.tidy(() => good.applyGradients({ [v.name]: tf.onesLike(v) }));
      goodScheduler.step();
      new StepLR({ lr: 1 }, { stepSize: 1 }).step();
    }),
    [],
  );
  const opt = new SGD({ lr: 1 });
  const scheduler = new StepLR(opt, { stepSize: 1 });
  assert.deepEqual(
    warningsOf(() => {
      scheduler.step();
      scheduler.step();
      new StepLR(new SGD({ lr: 1 }), { stepSize: 1 }).step();
    }),
    [schedulerBeforeOptimizerMessage()],
    "once per process, as Python's warnings",
  );
  assert.match(schedulerBeforeOptimizerMessage(), /^Detected call of `scheduler.step\(\)` before `optimizer.step\(\)`/);
  v.dispose();
  good.dispose();
  opt.dispose();
});
