/**
 * The kernel → library half of an interrupt for work that outlives its request: `interact`'s runs
 * (widgets/runScheduler.ts) go on after the comm message that started them was answered, and an
 * interrupt that terminated their JavaScript (a busy loop) leaves their promises unsettled forever.
 * Such work subscribes here; the kernel calls every subscriber when it handles an interrupt
 * (kernel/server.ts), with the error to report. The listeners live on a global slot, so a second
 * copy of the library in the same process hears the same kernel. Outside the kernel nothing calls
 * them. (Loops that poll, like train.fit, ask the kernel's probe instead: train/interrupt.ts.)
 */
import { globalSlot } from "./protocol";

export type InterruptListener = (reason: Error) => void;

const listeners = globalSlot<Set<InterruptListener>>("optimlab.interruptListeners");

/** Calls `listener` on every interrupt the kernel handles until the returned function is called. */
export function onInterrupt(listener: InterruptListener): () => void {
  let set = listeners.get();
  if (set === undefined) listeners.set((set = new Set()));
  set.add(listener);
  return () => void set.delete(listener);
}

/**
 * The kernel handled an interrupt: every listener gets `reason` (each once, in subscription order;
 * one that throws does not stop the others, its error goes to `report`). Returns how many were told.
 */
export function notifyInterrupt(reason: Error, report: (error: unknown) => void): number {
  const told = [...(listeners.get() ?? [])];
  for (const listener of told) {
    try {
      listener(reason);
    } catch (error) {
      report(error);
    }
  }
  return told.length;
}
