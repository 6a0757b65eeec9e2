import { test } from "node:test";
import assert from "node:assert/strict";
import { UnitCut } from "../../src/train/unitSplitCut";

const sizes = (cut: UnitCut) => cut.units().map(([from, to]) => to - from);

test("an even cut to start with; every unit owned once, in order", () => {
  assert.deepEqual(sizes(new UnitCut(128, 2)), [64, 64]);
  for (const [hidden, threads] of [
    [128, 2],
    [129, 2],
    [9, 8],
    [5, 4],
    [3, 2],
    [130, 3],
  ]) {
    const cut = new UnitCut(hidden, threads);
    for (const fewer of [0, 1000, -1000, 4, -4]) {
      cut.trainerFewer = fewer;
      const units = cut.units();
      assert.equal(units.length, threads);
      assert.equal(units[0][0], 0);
      assert.equal(units[threads - 1][1], hidden);
      units.forEach(([from, to], t) => {
        assert.ok(to > from, `${hidden}/${threads}, fewer ${cut.trainerFewer}: thread ${t} owns [${from}, ${to})`);
        if (t > 0) assert.equal(from, units[t - 1][1]);
      });
    }
  }
});

test("learn: the others waiting for the trainer move units away from the trainer's thread, in groups of 4", () => {
  const cut = new UnitCut(128, 2);
  // The others wait 100 µs a step more than the trainer; a step takes 450 µs (≈ 7 µs per unit on a thread).
  cut.learn({ trainerWait: 20, othersWait: 120, step: 450, steps: 150 });
  assert.equal(cut.trainerFewer, 8);
  assert.deepEqual(sizes(cut), [56, 72]);
  // The trainer now waits: units go back.
  cut.learn({ trainerWait: 130, othersWait: 10, step: 450, steps: 150 });
  assert.equal(cut.trainerFewer, 0);
  // Bounded: never more than half a share either way.
  for (let i = 0; i < 20; i++) cut.learn({ trainerWait: 0, othersWait: 400, step: 450, steps: 150 });
  assert.equal(cut.trainerFewer, 32);
});

test("learn: balanced waits, too few steps, or no steps leave the cut as it is (negative controls)", () => {
  const cut = new UnitCut(128, 2);
  cut.learn({ trainerWait: 50, othersWait: 55, step: 450, steps: 150 });
  assert.equal(cut.trainerFewer, 0, "5 µs is under half a group's worth");
  cut.learn({ trainerWait: 50, othersWait: 90, step: 450, steps: 150 });
  assert.equal(cut.trainerFewer, 0, "40 µs (≈ 3 units) is noise: a new cut compiles new products");
  cut.learn({ trainerWait: 0, othersWait: 300, step: 450, steps: 20 });
  assert.equal(cut.trainerFewer, 0, "20 steps say too little");
  cut.learn({ trainerWait: 0, othersWait: 0, step: 0, steps: 0 });
  assert.equal(cut.trainerFewer, 0);
  // The same waits over enough steps do move it.
  cut.learn({ trainerWait: 0, othersWait: 300, step: 450, steps: 40 });
  assert.ok(cut.trainerFewer > 0);
});
