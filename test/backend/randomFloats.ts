/** Seeded floats in [−0.5, 0.5) for the product tests (an LCG: the same values on every machine and backend). */
export function randomFloats(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** Writes {@link randomFloats} into `memory` at byte `offset`. */
export function fillRandom(memory: WebAssembly.Memory, offset: number, count: number, seed: number): void {
  new Float32Array(memory.buffer, offset, count).set(randomFloats(count, seed));
}
