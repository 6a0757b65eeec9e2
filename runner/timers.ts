/**
 * Cancellable delays for racing against replies. Node's setTimeout takes at most 2³¹−1 ms and fires
 * at once (after 1 ms) for anything longer, so a `--timeout 3000000` would fail every cell: longer
 * delays wait in steps of at most that much, and Infinity never fires.
 */

/** setTimeout's largest delay (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Race<T> {
  promise: Promise<T>;
  cancel: () => void;
}

/** Resolves with `value` after `ms` milliseconds unless cancelled first. */
export function delay<T>(ms: number, value: T): Race<T> {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const promise = new Promise<T>((resolve) => {
    if (ms === Infinity) return;
    const fireAt = Date.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = fireAt - Date.now();
      if (left <= MAX_TIMER_MS) timer = setTimeout(() => resolve(value), Math.max(0, left));
      else timer = setTimeout(() => !cancelled && arm(), MAX_TIMER_MS);
    };
    arm();
  });
  return {
    promise,
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
