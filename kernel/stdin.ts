/**
 * stdin for cells: `prompt(message)` (synchronous, as in browsers and Deno) and `await input(message)`
 * send an `input_request` on the stdin channel and return the client's `input_reply`.
 *
 * `prompt` is synchronous, so the main thread cannot read a socket while it waits: the stdin socket
 * lives in the control thread, which sends the request, and writes the reply into shared memory; the
 * main thread sleeps in `Atomics.wait` until then. An interrupt wakes it (KeyboardInterrupt).
 */
import { KeyboardInterrupt } from "./engine/errors";

export const STDIN_IDLE = 0;
export const STDIN_WAITING = 1;
export const STDIN_READY = 2;
export const STDIN_INTERRUPTED = 3;

/** Replies longer than this are cut (a prompt answer is a line of text). */
export const STDIN_CAPACITY = 1 << 20;

/** Shared between the main thread (waits) and the control thread (writes the reply). */
export interface StdinShared {
  /** [state, byte length of the reply] */
  state: Int32Array;
  data: Uint8Array;
}

export function createStdinShared(): StdinShared {
  return {
    state: new Int32Array(new SharedArrayBuffer(8)),
    data: new Uint8Array(new SharedArrayBuffer(STDIN_CAPACITY)),
  };
}

/** Control thread: stores a reply (or an interrupt) and wakes the main thread. */
export function writeStdinReply(shared: StdinShared, state: number, text: string): void {
  const bytes = Buffer.from(text, "utf8").subarray(0, STDIN_CAPACITY);
  shared.data.set(bytes);
  Atomics.store(shared.state, 1, bytes.length);
  Atomics.store(shared.state, 0, state);
  Atomics.notify(shared.state, 0);
}

export const noStdinMessage = (): string =>
  "prompt()/input() need a front end that accepts input: this request was sent with allow_stdin: false " +
  "(e.g. nbclient, `optimlab test`, or a non-interactive run). Give the value in the code instead.";

export class StdinNotAllowedError extends Error {
  override name = "StdinNotAllowedError";
}

/** After a wake-up: the answer (state back to idle), a KeyboardInterrupt, or undefined if still waiting. */
function takeAnswer(shared: StdinShared): string | undefined {
  const state = Atomics.load(shared.state, 0);
  if (state === STDIN_WAITING) return undefined;
  Atomics.store(shared.state, 0, STDIN_IDLE);
  if (state === STDIN_INTERRUPTED) throw new KeyboardInterrupt();
  const length = Atomics.load(shared.state, 1);
  return Buffer.from(shared.data.slice(0, length)).toString("utf8");
}

/** Main thread: marks a request as waiting, lets `send` post it, blocks until answered. */
export function requestInputSync(shared: StdinShared, send: () => void): string {
  Atomics.store(shared.state, 0, STDIN_WAITING);
  send();
  for (;;) {
    Atomics.wait(shared.state, 0, STDIN_WAITING);
    const answer = takeAnswer(shared);
    if (answer !== undefined) return answer;
  }
}

/** Main thread, asynchronous variant (the event loop keeps running while waiting). */
export async function requestInput(shared: StdinShared, send: () => void): Promise<string> {
  Atomics.store(shared.state, 0, STDIN_WAITING);
  send();
  for (;;) {
    const waited = Atomics.waitAsync(shared.state, 0, STDIN_WAITING);
    if (waited.async) await waited.value;
    const answer = takeAnswer(shared);
    if (answer !== undefined) return answer;
  }
}
