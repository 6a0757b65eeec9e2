/** When the kernel decides that the client that started it is gone (kernel/controlThread.ts). */
import assert from "node:assert/strict";
import { it } from "node:test";
import { parentGone } from "../../kernel/controlThread";

const alive = (): boolean => true;
const dead = (): boolean => false;

it("sees a killed, unreaped client (a zombie: kill(pid, 0) still finds it) by the re-parenting", () => {
  // Before: with JPY_PARENT_PID set, only kill(pid, 0) was asked, and the kernel outlived such a client.
  assert.equal(parentGone(4242, 4242, 1, alive), true);
  assert.equal(parentGone(4242, 777, 1, alive), true, "a launcher between client and kernel died");
});

it("keeps running while the parent lives, and stops when JPY_PARENT_PID is gone", () => {
  assert.equal(parentGone(4242, 4242, 4242, alive), false);
  assert.equal(parentGone(undefined, 4242, 4242, alive), false);
  assert.equal(parentGone(4242, 4242, 4242, dead), true);
  assert.equal(parentGone(1, 1, 1, dead), false, "started by init: nothing to watch");
});
