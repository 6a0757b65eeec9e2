/**
 * RunScheduler and the kernel's interrupts (display/interruptListeners.ts): an interrupt stops the
 * run in progress at once, also one whose promise never settles (a busy loop the kernel terminated).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { notifyInterrupt } from "../../src/display/interruptListeners";
import { RunScheduler } from "../../src/widgets/runScheduler";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("RunScheduler and interrupts", () => {
  it("an interrupt fails the stuck run, drops pending input and leaves the scheduler idle for the next request", async () => {
    const failed: Array<[unknown, number]> = [];
    const delivered: number[] = [];
    let signal: AbortSignal | undefined;
    const scheduler = new RunScheduler<number, number>(
      (n, context) => {
        signal = context.signal;
        return n === 1 ? new Promise<number>(() => undefined) : n * 10; // 1: never settles
      },
      (result) => void delivered.push(result),
      (error, n) => void failed.push([error, n]),
    );
    scheduler.request(1);
    await turn();
    await turn();
    assert.equal(scheduler.state, "running");
    const reason = new Error("Execution interrupted");
    notifyInterrupt(reason, (error) => assert.fail(String(error)));
    assert.equal(scheduler.state, "idle");
    assert.equal(signal?.aborted, true);
    await scheduler.idle();
    assert.deepEqual(failed, [[reason, 1]]);
    scheduler.request(2);
    await scheduler.idle();
    assert.deepEqual(delivered, [20]);
    // Only a run in progress listens: a later interrupt reaches nothing.
    notifyInterrupt(new Error("again"), (error) => assert.fail(String(error)));
    assert.equal(failed.length, 1);
  });

  it("a late result of an interrupted run is dropped, and does not touch the run that followed it", async () => {
    let finishFirst: (value: number) => void = () => undefined;
    const delivered: number[] = [];
    const scheduler = new RunScheduler<number, number>(
      (n) => (n === 1 ? new Promise<number>((resolve) => (finishFirst = resolve)) : n * 10),
      (result) => void delivered.push(result),
      () => undefined,
    );
    scheduler.request(1);
    await turn();
    await turn();
    notifyInterrupt(new Error("Execution interrupted"), () => undefined);
    scheduler.request(3);
    finishFirst(10);
    await scheduler.idle();
    assert.deepEqual(delivered, [30]);
    assert.equal(scheduler.state, "idle");
  });
});
