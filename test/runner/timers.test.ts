/** Timers past setTimeout's 2³¹ ms limit: Node fires those at once, ours wait (in steps). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { delay, MAX_TIMER_MS } from "../../runner/timers";

describe("delay", () => {
  it("waits for delays over 2^31 ms instead of firing at once", async () => {
    assert.equal(MAX_TIMER_MS, 2 ** 31 - 1);
    for (const ms of [2 ** 31, 3_000_000_000, Infinity]) {
      const long = delay(ms, "fired");
      const result = await Promise.race([long.promise, delay(100, "waiting").promise]);
      long.cancel();
      assert.equal(result, "waiting", `${ms} ms`);
    }
  });

  it("fires short delays, and never after cancel", async () => {
    assert.equal(await delay(5, "done").promise, "done");
    const cancelled = delay(5, "fired");
    cancelled.cancel();
    assert.equal(await Promise.race([cancelled.promise, delay(50, "quiet").promise]), "quiet");
  });
});
