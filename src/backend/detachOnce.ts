/**
 * Detaches one ArrayBuffer as soon as the backend loads, before any of our code is hot.
 *
 * V8 assumes that no ArrayBuffer has ever been detached until one is (its "ArrayBufferDetaching"
 * protector), and the optimized code of every function that reads a typed array relies on it.
 * The first detach in a process deoptimizes all of that code at once. In a training process the
 * first detach is the wasm backend's memory growing for the first large tensor — the dataset a
 * notebook loads after the kernel's `warmUp()` — so the warm-up's optimized code was thrown away
 * and compiled again during the first real fit, on V8's helper threads that a split over the cores
 * needs (MNIST MLP on two threads: that fit's helper CPU 52–55 ms, 22–23 with the detach first; a
 * fresh process's first epoch after `warmUp()` 229–258 ms, 184–190 with it; docs/performance.md,
 * "Cold start"). Detaching a throwaway buffer first makes the later ones cost nothing: code
 * compiled from then on already checks for detached buffers, as V8's does everywhere once the
 * protector is gone.
 */

/** Grows a throwaway one-page memory, which detaches its first buffer (backend/index.ts calls it once, as it loads). */
export function detachOnce(): void {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  void memory.buffer; // the buffer that grow() detaches
  memory.grow(1);
}
