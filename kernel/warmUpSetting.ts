/**
 * `OPTIMLAB_WARM_UP`: whether the kernel runs optimlab's training warm-up in its idle start-up
 * time (src/warmUp.ts), and how long. Unset or empty: the warm-up's own defaults; `0`: off; a
 * whole number n ≥ 1: n steps on `fit`'s direct gradients and n on the tape (a slow machine may
 * want fewer; the kernel's tests want a warm-up that is surely still running when a cell arrives).
 * Anything else is reported and the defaults are used.
 */
export type WarmUpSetting =
  | { readonly kind: "default" }
  | { readonly kind: "off" }
  | { readonly kind: "steps"; readonly steps: number }
  | { readonly kind: "invalid"; readonly message: string };

/** The most steps per path `OPTIMLAB_WARM_UP` takes (a warm-up that long is minutes of CPU; a cell still stops it). */
export const MAX_WARM_UP_STEPS = 1_000_000;

export function warmUpSetting(raw: string | undefined): WarmUpSetting {
  const text = raw?.trim() ?? "";
  if (text === "") return { kind: "default" };
  if (text === "0") return { kind: "off" };
  const steps = Number(text);
  if (/^[0-9]+$/.test(text) && steps >= 1 && steps <= MAX_WARM_UP_STEPS) return { kind: "steps", steps };
  return {
    kind: "invalid",
    message:
      `OPTIMLAB_WARM_UP=${text} ignored (expected 0 to turn the training warm-up off, or a whole number of ` +
      `steps from 1 to ${MAX_WARM_UP_STEPS}); running the default warm-up`,
  };
}
