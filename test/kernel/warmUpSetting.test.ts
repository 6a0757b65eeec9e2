import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_WARM_UP_STEPS, warmUpSetting } from "../../kernel/warmUpSetting";

test("OPTIMLAB_WARM_UP: unset or blank = defaults, 0 = off, n = n steps per path", () => {
  assert.deepEqual(warmUpSetting(undefined), { kind: "default" });
  assert.deepEqual(warmUpSetting("  "), { kind: "default" });
  assert.deepEqual(warmUpSetting("0"), { kind: "off" });
  assert.deepEqual(warmUpSetting(" 0 "), { kind: "off" });
  assert.deepEqual(warmUpSetting("48"), { kind: "steps", steps: 48 });
  assert.deepEqual(warmUpSetting(String(MAX_WARM_UP_STEPS)), { kind: "steps", steps: MAX_WARM_UP_STEPS });
});

test("OPTIMLAB_WARM_UP: anything else is reported with what it takes, and the defaults run", () => {
  for (const bad of ["yes", "-3", "1.5", "1e3", "0x10", String(MAX_WARM_UP_STEPS + 1)]) {
    const setting = warmUpSetting(bad);
    assert.equal(setting.kind, "invalid", bad);
    assert.ok(setting.kind === "invalid");
    assert.equal(
      setting.message,
      `OPTIMLAB_WARM_UP=${bad} ignored (expected 0 to turn the training warm-up off, or a whole number of steps ` +
        `from 1 to ${MAX_WARM_UP_STEPS}); running the default warm-up`,
    );
  }
});
