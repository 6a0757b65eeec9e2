/** Error messages of the gradient transformations, exported so tests can match them exactly. */

/** A chain's state does not come from this chain's `init`. */
export function chainStateMismatch(expected: readonly string[], got: readonly string[]): string {
  return (
    `chain: the state has links [${got.join(", ")}] but the chain has [${expected.join(", ")}]; ` +
    `the state must come from this chain's init(). Make sure you have called init first!`
  );
}

/** Two trees that must have the same keys do not. */
export function treeMismatch(what: string, expected: readonly string[], got: readonly string[]): string {
  return `${what}: expected tensors for [${expected.join(", ")}] but got [${got.join(", ")}]`;
}

/** A transformation that reads the parameters was called without them. */
export function paramsRequired(transform: string): string {
  return `${transform} needs the current parameters: call update(updates, state, params)`;
}

/** A clipping threshold that is not a positive number. */
export function invalidClipValue(transform: string, value: number): string {
  return `${transform}: the threshold must be a positive number, got ${value}`;
}
