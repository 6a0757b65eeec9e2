import { test } from "node:test";
import assert from "node:assert/strict";
import { STEPS_TO_FIRST_CHOICE, TogetherOrAlone } from "../../src/train/unitSplitPolicy";
import { WARM_UP_STEPS, warmUpSteps } from "../../src/warmUp";

/** Runs `steps` steps whose time is `timeOf(alone, step)`; returns which ran alone. */
function run(policy: TogetherOrAlone, steps: number, timeOf: (alone: boolean, step: number) => number): boolean[] {
  const modes: boolean[] = [];
  for (let i = 0; i < steps; i++) {
    const alone = policy.next();
    modes.push(alone);
    policy.record(alone, timeOf(alone, i));
  }
  return modes;
}

test("free cores: after an early look and one measurement, every step runs together", () => {
  const policy = new TogetherOrAlone();
  const modes = run(policy, 1000, (alone) => (alone ? 1000 : 600));
  const aloneSteps = modes.filter(Boolean).length;
  assert.equal(aloneSteps, 16, "two blocks of four steps alone, twice");
  assert.equal(modes.slice(200).some(Boolean), false);
  assert.equal(policy.chosen, "together");
});

test("busy cores: together far slower, the steps run alone, and together is tried again now and then", () => {
  const policy = new TogetherOrAlone();
  const modes = run(policy, 1000, (alone) => (alone ? 1000 : 10_000));
  assert.equal(policy.chosen, "alone");
  const together = modes.slice(200).filter((alone) => !alone).length;
  assert.ok(together > 0 && together <= 60, `together tried again ${together} times in 900 steps`);
});

test("the other core becomes busy, then free again: the policy follows, the negative control stays together", () => {
  const policy = new TogetherOrAlone();
  // Steps 0–299 free, 300–699 busy (together 10× slower), 700– free again.
  const busy = (step: number) => step >= 300 && step < 700;
  const modes = run(policy, 1200, (alone, step) => (alone ? 1000 : busy(step) ? 10_000 : 600));
  assert.equal(modes.slice(350, 690).filter(Boolean).length > 300, true, "mostly alone while busy");
  assert.equal(modes.slice(900).some(Boolean), false, "together again once free");
  // Control: the same run without the busy phase never leaves together after its one measurement.
  const control = run(new TogetherOrAlone(), 1200, (alone) => (alone ? 1000 : 600));
  assert.equal(control.slice(200).some(Boolean), false);
});

test("alone only when clearly faster: a 10% gain does not idle the threads", () => {
  const policy = new TogetherOrAlone();
  run(policy, 500, (alone) => (alone ? 900 : 1000));
  assert.equal(policy.chosen, "together");
});

test("a short slow spell does not make alone look faster: both modes are timed in turn, under the same spell", () => {
  // Steps 300–303 run 2.5× slower in either mode (another process woke for a moment, a core's clock dropped).
  const spell = (step: number) => (step >= 300 && step < 304 ? 2.5 : 1);
  const policy = new TogetherOrAlone();
  const modes = run(policy, 1000, (alone, step) => (alone ? 1000 : 600) * spell(step));
  assert.equal(policy.chosen, "together");
  assert.ok(modes.slice(300).filter(Boolean).length <= 8, "at most one measurement's steps alone after the spell");
  // Control: a core that turns busy for good at step 300 (together 10× slower) is followed.
  const busy = run(new TogetherOrAlone(), 1000, (alone, step) => (alone ? 1000 : step >= 300 ? 10_000 : 600));
  assert.ok(busy.slice(400).filter(Boolean).length > 500);
});

test("a core that stays busy is tried less and less often", () => {
  const policy = new TogetherOrAlone();
  const modes = run(policy, 4000, (alone) => (alone ? 1000 : 10_000));
  const together = (from: number, to: number) => modes.slice(from, to).filter((alone) => !alone).length;
  assert.ok(
    together(2000, 4000) < together(0, 2000),
    `${together(2000, 4000)} steps together late, ${together(0, 2000)} early`,
  );
  assert.ok(together(2000, 4000) <= 12);
});

test("threads still warming up (their first 60 steps together 3× slower) are not judged before they are warm", () => {
  let togetherSteps = 0;
  const warming = (alone: boolean) => (alone ? 1000 : ++togetherSteps <= 60 ? 1800 : 600);
  const policy = new TogetherOrAlone();
  const modes = run(policy, 1000, warming);
  assert.equal(policy.chosen, "together");
  assert.ok(modes.filter(Boolean).length <= 16, `${modes.filter(Boolean).length} steps alone`);
  // Control: threads that stay 3× slower together are left for alone.
  const slow = run(new TogetherOrAlone(), 1000, (alone) => (alone ? 1000 : 1800));
  assert.ok(slow.slice(200).filter(Boolean).length > 700);
});

test("a core busy from the start is found by the early look, not after the whole warm-up", () => {
  const policy = new TogetherOrAlone();
  const modes = run(policy, 300, (alone) => (alone ? 1000 : 10_000));
  assert.ok(modes.slice(25, 96).every(Boolean), "alone from the early look on");
  // Control: threads 1.8× slower together while they warm up are not sent alone by the early look.
  const warming = run(new TogetherOrAlone(), 300, (alone, step) => (alone ? 1000 : step < 60 ? 1800 : 600));
  assert.ok(
    warming.slice(25, 96).every((a) => !a),
    "together through the warm-up",
  );
});

test("new worker threads: a longer warm-up, together, whose early look takes only a far slower together for busy", () => {
  const policy = new TogetherOrAlone();
  // The first fit's threads are cold: 4× slower together for their first 60 steps (measured: 6 ms
  // against 0.5 ms warm and ≈ 1.5 ms alone), then 1.3× slower than alone until step 200.
  let together = 0;
  const cold = (alone: boolean) => (alone ? 1500 : ++together <= 60 ? 6000 : together <= 200 ? 2000 : 500);
  policy.threadsStarted();
  const modes = run(policy, 600, cold);
  assert.ok(
    modes.slice(25, 256).every((a) => !a),
    "together through the warm-up",
  );
  assert.equal(policy.chosen, "together");
  // Busy from the start with new threads (10×): still found early.
  const busy = new TogetherOrAlone();
  busy.threadsStarted();
  assert.ok(
    run(busy, 200, (alone) => (alone ? 1000 : 10_000))
      .slice(25, 100)
      .every(Boolean),
  );
  // Control: the same cold threads, not announced, are sent alone by the early look.
  together = 0;
  const unannounced = run(new TogetherOrAlone(), 400, cold);
  assert.ok(unannounced.slice(25, 96).every(Boolean));
});

test("a change of mode costs its first step (caches, a sleeping thread): not counted, together still wins", () => {
  // Steady: alone 700 µs, together 370; the first step together after one alone pays 600 more (the
  // other threads' weights move back to their cores, they wake), the first alone after together 100.
  const switching = () => {
    let last = false;
    return (alone: boolean) => {
      const time = (alone ? 700 : 370) + (alone !== last ? (alone ? 100 : 600) : 0);
      last = alone;
      return time;
    };
  };
  const policy = new TogetherOrAlone();
  const modes = run(policy, 2000, switching());
  assert.equal(policy.chosen, "together");
  assert.ok(modes.slice(200).filter(Boolean).length === 0, `${modes.slice(200).filter(Boolean).length} steps alone`);
  // Control: a busy core (together 10× slower) is still left for alone under the same switching costs.
  let last = false;
  const busy = run(new TogetherOrAlone(), 600, (alone) => {
    const time = (alone ? 700 : 7000) + (alone !== last ? (alone ? 100 : 600) : 0);
    last = alone;
    return time;
  });
  assert.ok(busy.slice(100).filter(Boolean).length > 400);
});

test("noisy free cores (steps ±50%, a 5 ms stall now and then) are not measured again and again, nor left for alone", () => {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // Together 370–740 µs, alone 700–1,400; one step in 20 stalls at 5 ms in either mode.
  const noisy = (alone: boolean) => (random() < 0.05 ? 5000 : (alone ? 700 : 370) * (1 + random()));
  const policy = new TogetherOrAlone();
  const modes = run(policy, 3000, noisy);
  const alone = modes.slice(300).filter(Boolean).length;
  assert.ok(alone <= 48, `${alone} steps alone in 2,700 (at most 6 measurements)`);
  assert.equal(policy.chosen, "together");
});

test("a new fit drops the last fit's unfinished measurement (its blocks would straddle the fits); the negative control carries it on", () => {
  /** A policy measuring again (together slowed to 3× its best), stopped 5 steps into the measurement. */
  const midMeasurement = () => {
    const policy = new TogetherOrAlone();
    run(policy, 400, (alone) => (alone ? 1000 : 400));
    let step = 0;
    while (!policy.next() && step++ < 200) policy.record(false, 1200);
    assert.ok(step < 200, "a measurement started");
    run(policy, 4, (alone) => (alone ? 1000 : 1200));
    return policy;
  };
  const dropped = midMeasurement();
  dropped.fitStarted();
  const after = run(dropped, 20, (alone) => (alone ? 1000 : 400));
  assert.equal(after.filter(Boolean).length, 0, "together from the new fit's first step");
  const carried = run(midMeasurement(), 20, (alone) => (alone ? 1000 : 400));
  assert.ok(carried.filter(Boolean).length > 0, "control: without fitStarted the measurement goes on");
});

test("a fit that starts alone tries together again after the first period, however long the last fit's period had grown", () => {
  const busyForLong = () => {
    const policy = new TogetherOrAlone();
    run(policy, 3000, (alone) => (alone ? 1000 : 10_000));
    assert.equal(policy.chosen, "alone");
    return policy;
  };
  const restarted = busyForLong();
  restarted.fitStarted();
  const modes = run(restarted, 60, (alone) => (alone ? 1000 : 400));
  assert.ok(
    modes.some((alone) => !alone),
    "together tried within 60 steps",
  );
  const control = run(busyForLong(), 60, (alone) => (alone ? 1000 : 400));
  assert.ok(control.every(Boolean), "control: the grown period keeps it alone");
});

test("warmUp's default steps on two threads leave the policy's first choice made: the next fit measures nothing", () => {
  const steady = (alone: boolean) => (alone ? 1000 : 600);
  const nextFitAlone = (warmUpStepsRun: number) => {
    const policy = new TogetherOrAlone();
    policy.threadsStarted(); // the warm-up's fit starts the worker threads
    run(policy, warmUpStepsRun, steady);
    policy.fitStarted(); // the first real fit, on the same threads
    return run(policy, 200, steady).filter(Boolean).length;
  };
  assert.ok(warmUpSteps(2) >= STEPS_TO_FIRST_CHOICE);
  assert.equal(nextFitAlone(warmUpSteps(2)), 0, "no step alone");
  // Control: the one-thread default (an epoch's worth) leaves the measurement to the first fit.
  assert.equal(warmUpSteps(1), WARM_UP_STEPS);
  assert.equal(nextFitAlone(WARM_UP_STEPS), 8, "one measurement: 8 steps alone");
});

test("a fit's first steps, slow with its start, are not taken for a busy core; the same slow steps within a fit are", () => {
  /** 12 one-epoch fits of 150 steps on steady times whose steps `slow` (index within the fit) take 6×; steps alone after the first choice. */
  const aloneAfterChoice = (slow: (step: number) => boolean) => {
    const policy = new TogetherOrAlone();
    policy.threadsStarted();
    run(policy, 288, (alone) => (alone ? 1000 : 600)); // the warm-up: the first choice made
    let aloneSteps = 0;
    for (let fit = 0; fit < 12; fit++) {
      policy.fitStarted();
      aloneSteps += run(policy, 150, (alone, step) => (alone ? 1000 : 600) * (slow(step) ? 6 : 1)).filter(
        Boolean,
      ).length;
    }
    return aloneSteps;
  };
  assert.equal(
    aloneAfterChoice((step) => step < 4),
    0,
    "slow first four steps of every fit: no measurement",
  );
  // Control: the same four slow steps in the middle of each fit are a slowdown worth a measurement.
  assert.ok(aloneAfterChoice((step) => step >= 70 && step < 74) >= 8 * 11, "slow steps mid-fit: measured");
});
