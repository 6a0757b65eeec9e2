import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ExponentialLR,
  messages,
  OneCycleLR,
  ReduceLROnPlateau,
  SchedulerState,
  StepLR,
} from "../../src/optim/lrScheduler";
import { assertSequenceClose, loadSchedulerCases } from "./fixtures";
import { FakeSGD, SCHEDULERS } from "./schedulerTable";

interface Restorable {
  step(metric: number): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
  getLastLr(): number;
}

describe("stateDict / loadStateDict resume a schedule exactly (checked against torch fixtures)", () => {
  const cases = loadSchedulerCases().filter((c) => c.chain.length === 1 && c.optimizer !== "adam");
  for (const c of cases) {
    it(c.name, () => {
      const link = c.chain[0];
      const half = Math.floor(c.steps / 2);
      const opt = new FakeSGD(c.lr);
      const original = SCHEDULERS[link.scheduler](opt, link.options);
      for (let i = 0; i < half; i++) original.step(c.metrics ? c.metrics[i] : NaN);
      const saved: unknown = JSON.parse(JSON.stringify(original.stateDict()));

      // A fresh optimizer and scheduler, as after a restart; the optimizer's own state brings its lr back.
      const restartedOpt = new FakeSGD(c.lr);
      const restarted = SCHEDULERS[link.scheduler](restartedOpt, link.options) as unknown as Restorable;
      restarted.loadStateDict(saved as never);
      restartedOpt.lr = restarted.getLastLr();
      // Close, not equal: a LambdaLR factor such as 0.95 ** e may differ from Python's pow by one ulp.
      assertSequenceClose([restarted.getLastLr()], [c.lrs[half]], "lr after load", 1e-15);
      const lrs = [restartedOpt.lr];
      for (let i = half; i < c.steps; i++) {
        restarted.step(c.metrics ? c.metrics[i] : NaN);
        lrs.push(restartedOpt.lr);
      }
      assertSequenceClose(lrs, c.lrs.slice(half), "resumed lr");
    });
  }

  it("state dicts are plain JSON with the scheduler's settings", () => {
    const sched = new StepLR(new FakeSGD(0.1), { stepSize: 3 });
    sched.step();
    assert.deepEqual(sched.stateDict(), {
      scheduler: "StepLR",
      lastEpoch: 1,
      stepCount: 2,
      baseLr: 0.1,
      lastLr: 0.1,
      baseLrs: [0.1],
      lastLrs: [0.1],
      settings: { stepSize: 3, gamma: 0.1 },
    });
    const plateau = new ReduceLROnPlateau(new FakeSGD(0.1));
    assert.equal(JSON.parse(JSON.stringify(plateau.stateDict())).best, "Infinity");
  });

  it("loading a state from another scheduler or a damaged state throws", () => {
    const step = new StepLR(new FakeSGD(0.1), { stepSize: 3 });
    const expo = new ExponentialLR(new FakeSGD(0.1), { gamma: 0.5 });
    assert.throws(() => step.loadStateDict(expo.stateDict() as unknown as SchedulerState<never>), {
      message: messages.invalidStateDictMessage("StepLR", "it was saved by ExponentialLR"),
    });
    assert.equal(
      messages.invalidStateDictMessage("StepLR", "it was saved by ExponentialLR"),
      "StepLR.loadStateDict: not a state from StepLR.stateDict() (it was saved by ExponentialLR)",
    );
    const damaged = { ...step.stateDict(), settings: { gamma: 0.1 } };
    assert.throws(() => step.loadStateDict(damaged as never), {
      message: "StepLR.loadStateDict: not a state from StepLR.stateDict() (settings.stepSize is undefined)",
    });
    const plateau = new ReduceLROnPlateau(new FakeSGD(0.1));
    assert.throws(() => plateau.loadStateDict({ ...plateau.stateDict(), best: null } as never), {
      message: "ReduceLROnPlateau.loadStateDict: not a state from ReduceLROnPlateau.stateDict() (best is null)",
    });
  });

  it("OneCycleLR loads a state saved before its per-group lists (one value for every group) and resumes the same", () => {
    const options = { maxLr: 0.5, totalSteps: 20, pctStart: 0.25 };
    const original = new OneCycleLR(new FakeSGD(0.1), options);
    for (let i = 0; i < 7; i++) original.step();
    const current = JSON.parse(JSON.stringify(original.stateDict())) as SchedulerState;
    // What the earlier version saved: the same state with single values instead of one-element lists.
    const earlier: Record<string, unknown> = { ...current.settings };
    for (const [list, single] of [
      ["initialLrs", "initialLr"],
      ["maxLrs", "maxLr"],
      ["minLrs", "minLr"],
      ["baseMomentums", "baseMomentum"],
      ["maxMomentums", "maxMomentum"],
    ]) {
      earlier[single] = (current.settings[list] as number[])[0];
      delete earlier[list];
    }
    const resumed = (state: unknown): number[] => {
      const opt = new FakeSGD(0.1);
      const scheduler = new OneCycleLR(opt, options);
      scheduler.loadStateDict(state as never);
      opt.lr = scheduler.getLastLr();
      const out: number[] = [];
      for (let i = 7; i < 20; i++) {
        scheduler.step();
        out.push(opt.lr, opt.momentum);
      }
      return out;
    };
    const fromCurrent = resumed(current);
    assert.deepEqual(resumed({ ...current, settings: earlier }), fromCurrent);
    assert.notDeepEqual(
      fromCurrent,
      resumed(new OneCycleLR(new FakeSGD(0.1), options).stateDict()),
      "the control: a state from step 0",
    );
    // Still refused: a single value of the wrong type.
    assert.throws(() => resumed({ ...current, settings: { ...earlier, maxLr: "0.5" } }), {
      message:
        /OneCycleLR\.loadStateDict: not a state from OneCycleLR\.stateDict\(\) \(settings\.maxLrs is undefined\)/,
    });
  });
});
