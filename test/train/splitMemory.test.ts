/**
 * The split's shared memory: the idle worker threads fault in the fresh pages a first copy of a
 * dataset writes (unitSplitMemory.ts `copyDataset`, unitSplitWorkers.ts `touchPagesOnIdle`)
 * without changing a value there.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { SplitMemory } from "../../src/train/unitSplitMemory";
import {
  keptUnitSplitWorkers,
  returnWorker,
  stopUnitSplitWorkers,
  takeWorker,
  touchPagesOnIdle,
} from "../../src/train/unitSplitWorkers";

after(() => stopUnitSplitWorkers());

const MIB = 1 << 20;

function memoryOf(pages: number): SplitMemory {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, id: -1, pages, maxPages: pages, x: {}, y: {}, holdsData: false, freshFrom: 0, busy: true };
}

/** Waits (polling, at most 10 s) until `done()`; false if it never was. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

test("an idle worker faults in its part of the fresh pages, and none is without one", async () => {
  await stopUnitSplitWorkers();
  const pages = 1024; // 64 MiB, never written
  const rss0 = process.memoryUsage.rss();
  touchPagesOnIdle(memoryOf(pages), 0, pages * 65536);
  // Control: no idle worker, nothing touched.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(process.memoryUsage.rss() - rss0 < 16 * MIB, "no idle worker: no pages faulted in");

  returnWorker(takeWorker().worker);
  assert.equal(keptUnitSplitWorkers(), 1);
  const before = process.memoryUsage.rss();
  // One idle worker: the range in two parts, the worker's the upper 32 MiB.
  touchPagesOnIdle(memoryOf(pages), 0, pages * 65536);
  const rose = await eventually(() => process.memoryUsage.rss() - before > 28 * MIB);
  assert.ok(
    rose,
    `the worker faulted in its 32 MiB (resident grew by ${((process.memoryUsage.rss() - before) / MIB).toFixed(1)} MiB)`,
  );
  assert.ok(process.memoryUsage.rss() - before < 48 * MIB, "only the worker's part, not this thread's");
});

test("touching pages changes no value, written before or while it runs", async () => {
  await stopUnitSplitWorkers();
  returnWorker(takeWorker().worker);
  const pages = 256;
  const held = memoryOf(pages);
  const words = new Int32Array(held.memory.buffer);
  // Values on the worker's pages, zero and not, before it touches them…
  for (let i = words.length / 2; i < words.length; i += 1024) words[i] = i % 3 === 0 ? 0 : i;
  touchPagesOnIdle(held, 0, pages * 65536);
  // …and written while it may be touching.
  for (let i = words.length / 2 + 1; i < words.length; i += 1024) words[i] = -i;
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (let i = words.length / 2; i < words.length; i += 1024) {
    assert.equal(words[i], i % 3 === 0 ? 0 : i);
    assert.equal(words[i + 1], -(i + 1));
  }
});
